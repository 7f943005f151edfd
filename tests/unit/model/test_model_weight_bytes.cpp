// Weight bytes in other precisions: each tensor role at the width data/quants.json
// gives it, checked against sizes measured on real checkpoints.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/gguf.hpp"
#include "llmhw/model/model.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using llmhw::test::builtin_catalog;
using llmhw::test::catalog_model;

namespace {

const llmhw::catalog::QuantFormat& quant(const std::string& name)
{
  const auto* format = builtin_catalog().find_quant(name);
  REQUIRE(format != nullptr);
  return *format;
}

constexpr double k_gib = 1024.0 * 1024.0 * 1024.0;

} // namespace

TEST_CASE("GGUF quant mixes reproduce the file sizes llama.cpp measured on Llama 3.1 8B", "[model][weights][gguf]")
{
  // llama.cpp tools/quantize/README.md, table "meta-llama/Llama-3.1-8B": bits per weight of each quantized
  // file over its 8.03B parameters, measured on the files. quants.json derives its widths from the mix rules
  // in llama-quant.cpp (which tensors get which type), not from this table. IQ3_XXS is left out: its
  // entry is fitted to the table (its mix depends on the importance matrix).
  const auto llama = catalog_model("llama-3.1-8b");
  const std::vector<std::pair<const char*, double>> measured = {
      {"q8_0", 8.5008},   {"q6_k", 6.5633},   {"q5_k_m", 5.7036}, {"q5_k_s", 5.5704},  {"q4_k_m", 4.8944},
      {"q4_k_s", 4.6672}, {"q3_k_l", 4.2979}, {"q3_k_s", 3.6429}, {"q2_k", 3.1593},    {"q2_k_s", 2.9697},
      {"iq4_nl", 4.6818}, {"iq4_xs", 4.4597}, {"iq3_m", 3.7628},  {"iq3_s", 3.6606},   {"iq3_xs", 3.4977},
      {"iq2_m", 2.9294},  {"iq2_s", 2.7403},  {"iq2_xs", 2.5882}, {"iq2_xxs", 2.3824}, {"iq1_m", 2.1460},
      {"iq1_s", 2.0042},  {"fp16", 16.0005},
  };
  for (const auto& [id, bits_per_weight] : measured) {
    INFO(id);
    const double expected = bits_per_weight * static_cast<double>(llama.params) / 8.0;
    CHECK(std::abs(static_cast<double>(llmhw::model::weight_bytes(llama, quant(id))) - expected) < expected * 0.001);
  }
  // The README's headline: Q4_K_M of the 8B is 4.58 GiB.
  CHECK(std::abs(static_cast<double>(llmhw::model::weight_bytes(llama, quant("q4_k_m"))) / k_gib - 4.58) < 0.01);
}

TEST_CASE("gpt-oss's MXFP4 covers only the experts", "[model][weights]")
{
  // openai/gpt-oss model card: the 120b checkpoint is 60.8 GiB, the 20b 12.8 GiB, with MoE weights in MXFP4
  // and everything else in bf16.
  const auto big = catalog_model("gpt-oss-120b");
  CHECK(big.native_quant == "mxfp4");
  CHECK(std::abs(static_cast<double>(llmhw::model::weight_bytes(big, quant("mxfp4"))) / k_gib - 60.8) < 0.6);
  const auto small = catalog_model("gpt-oss-20b");
  CHECK(std::abs(static_cast<double>(llmhw::model::weight_bytes(small, quant("mxfp4"))) / k_gib - 12.8) < 0.3);
}

TEST_CASE("AWQ/GPTQ int4 keeps embeddings and lm_head in 16 bits", "[model][weights]")
{
  // int4 layers: 4 bits + a 16-bit scale and 4-bit zero per 128 weights = 4.15625 bits (quants.json);
  // Llama 3.1 8B: 6,979,321,856 layer matrix parameters (32 x 218,112,000 less norms), 2 x 525,336,576
  // embedding and lm_head parameters and 266,240 norm weights at 16 bits.
  const auto llama = catalog_model("llama-3.1-8b");
  const double expected = (6'979'321'856.0 * 4.15625 + (2 * 525'336'576.0 + 266'240.0) * 16) / 8;
  CHECK(std::abs(static_cast<double>(llmhw::model::weight_bytes(llama, quant("int4"))) - expected) < 1.0);
  // bf16 is two bytes a parameter, whatever the role.
  CHECK(llmhw::model::weight_bytes(llama, quant("bf16")) == 2 * 8'030'261'248ULL);
}

TEST_CASE("a decode step reads the active weights, not the embedding table", "[model][weights]")
{
  // Llama 3.1 8B in bf16: everything but the 525,336,576-entry input embedding (one row is read).
  CHECK(llmhw::model::weight_bytes_read_per_token(catalog_model("llama-3.1-8b"), quant("bf16")) ==
        2 * (8'030'261'248ULL - 525'336'576ULL));
  // Llama 3.2 1B ties it to the output projection, which reads it whole: every parameter.
  CHECK(llmhw::model::weight_bytes_read_per_token(catalog_model("llama-3.2-1b"), quant("bf16")) == 2 * 1'235'814'400ULL);
  // Mixtral reads 2 of 8 experts: about 12.9B - 0.13B input embedding parameters (mistral.ai, Mixtral).
  const double mixtral =
      static_cast<double>(llmhw::model::weight_bytes_read_per_token(catalog_model("mixtral-8x7b"), quant("bf16")));
  CHECK(std::abs(mixtral / 2 - 12.77e9) < 0.1e9);
}

TEST_CASE("quants.json's GGUF block layouts agree with the ggml type table", "[model][weights][gguf]")
{
  std::set<std::uint32_t> file_types;
  for (const auto& format : builtin_catalog().quants) {
    INFO(format.id);
    if (format.gguf_file_type) {
      CHECK(file_types.insert(*format.gguf_file_type).second); // one entry per llama_ftype
    }
    if (format.block_weights && format.gguf_type && format.family == "gguf") {
      const auto* type = llmhw::model::gguf::ggml_type(*format.gguf_type);
      REQUIRE(type != nullptr);
      CHECK(type->block_weights == *format.block_weights);
      CHECK(type->block_bytes == *format.block_bytes);
    }
    if (format.block_weights) { // a pure block format: its width is its block's
      const double block_bits = 8.0 * *format.block_bytes / *format.block_weights;
      const bool mixed = format.embedding_bits_per_weight || format.attention_bits_per_weight;
      if (!mixed && format.family != "microscaling") {
        CHECK(format.bits_per_weight == Approx(block_bits));
      }
    }
  }
  // Every SPEC --quant name resolves.
  for (const char* name :
       {"fp32",   "bf16",   "fp16",   "fp8",    "int8", "int4",   "nvfp4", "mxfp4",  "q8_0", "q6_k",
        "q5_k_m", "q5_k_s", "q4_k_m", "q4_k_s", "q4_0", "q3_k_m", "q2_k",  "iq4_xs", "awq",  "gptq"}) {
    INFO(name);
    CHECK(builtin_catalog().find_quant(name) != nullptr);
  }
}
