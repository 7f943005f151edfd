// The precision of a checkpoint as its config.json states it: a
// quantization_config (transformers' quantizers, vLLM's quantization methods)
// or, for unquantized weights, torch_dtype (dtype in transformers >= 4.56).

#include "hf_config.hpp"

#include <fmt/format.h>

namespace llmhw::model::detail {
namespace {

std::optional<std::string> from_dtype(const util::JsonObject& root, std::vector<std::string>& assumptions)
{
  auto dtype = root.optional_string("torch_dtype");
  if (!dtype) {
    dtype = root.optional_string("dtype");
  }
  if (!dtype) {
    if (auto text = root.optional_object("text_config")) {
      return from_dtype(*text, assumptions);
    }
    assumptions.emplace_back("torch_dtype missing: weights taken as bf16");
    return "bf16";
  }
  if (*dtype == "bfloat16") {
    return "bf16";
  }
  if (*dtype == "float16") {
    return "fp16";
  }
  if (*dtype == "float32") {
    return "fp32";
  }
  assumptions.push_back(fmt::format("torch_dtype '{}' not known: weights taken as bf16", *dtype));
  return "bf16";
}

/// compressed-tensors (llm-compressor): the weight scheme of its first config group.
std::optional<std::string> compressed_tensors(const util::JsonObject& quant)
{
  const std::string format = quant.optional_string("format").value_or("");
  if (format.find("nvfp4") != std::string::npos) {
    return "nvfp4";
  }
  if (format.find("mxfp4") != std::string::npos) {
    return "mxfp4";
  }
  const auto groups = quant.optional_object("config_groups");
  if (!groups) {
    return std::nullopt;
  }
  for (const auto& item : groups->json().items()) {
    const auto weights = groups->object(item.key()).optional_object("weights");
    if (!weights) {
      continue;
    }
    const std::uint64_t bits = weights->optional_count("num_bits", 64).value_or(0);
    const std::string type = weights->optional_string("type").value_or("int");
    if (type == "float" && bits == 8) {
      return "fp8";
    }
    if (type == "float" && bits == 4) {
      return weights->optional_count("group_size", 1 << 20).value_or(16) == 32 ? "mxfp4" : "nvfp4";
    }
    if (type == "int" && bits == 4) {
      return "int4";
    }
    if (type == "int" && bits == 8) {
      return "int8";
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> from_quantization_config(const util::JsonObject& quant)
{
  const std::string method = quant.optional_string("quant_method").value_or("");
  if (method == "fp8" || method == "fbgemm_fp8") {
    return "fp8";
  }
  if (method == "mxfp4") {
    return "mxfp4";
  }
  if (method == "awq" || method == "gptq" || method == "awq_marlin" || method == "gptq_marlin") {
    const std::uint64_t bits = quant.optional_count("bits", 64).value_or(quant.optional_count("w_bit", 64).value_or(4));
    if (bits == 4) {
      return "int4";
    }
    if (bits == 8) {
      return "int8";
    }
    return std::nullopt;
  }
  if (method == "bitsandbytes") {
    if (quant.boolean("load_in_4bit", false)) {
      return "bnb-nf4";
    }
    if (quant.boolean("load_in_8bit", false)) {
      return "int8";
    }
    return std::nullopt;
  }
  if (method == "compressed-tensors") {
    return compressed_tensors(quant);
  }
  if (method == "modelopt") {
    const std::string algorithm = quant.optional_string("quant_algo").value_or("");
    if (algorithm == "FP8") {
      return "fp8";
    }
    if (algorithm == "NVFP4") {
      return "nvfp4";
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> hf_quant(const util::JsonObject& root, std::vector<std::string>& assumptions,
                                    std::vector<std::string>& warnings)
{
  if (auto quant = root.optional_object("quantization_config")) {
    if (auto id = from_quantization_config(*quant)) {
      return id;
    }
    const std::string method = quant->optional_string("quant_method").value_or("(none)");
    warnings.push_back(fmt::format("quantization_config.quant_method '{}' is not one llm-hw prices: the weights are "
                                   "sized at torch_dtype, which overstates a quantized model",
                                   method));
  }
  return from_dtype(root, assumptions);
}

} // namespace llmhw::model::detail
