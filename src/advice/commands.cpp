// Ready-to-run command lines, one per engine, with the flags its documentation names.
#include "pools.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/rules/rules.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace llmhw::advice::detail {
namespace {

std::string upper(std::string text)
{
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

/// What the engine loads: the HF repository, or a placeholder that says which quantized checkpoint to fetch when
/// the weights are in another precision than published and the engine cannot quantize them as it loads.
std::string hf_model(const model::ModelSpec& model, const std::string& quant, bool quantizes_on_load = false)
{
  if (model.path && model.source != model::ModelSource::catalog) {
    return *model.path;
  }
  const std::string repo = model.hf_repo.value_or(model.catalog_id.value_or(model.name));
  // fp16 is bf16's bytes cast on load (--dtype half); every other change of format needs its own checkpoint.
  if (quant == model.native_quant || quant == "fp16" || quant == "bf16" || quant == "fp32" || quantizes_on_load) {
    return repo;
  }
  if (quant == "int4") {
    return fmt::format("<AWQ or GPTQ 4-bit checkpoint of {}>", repo);
  }
  return fmt::format("<{} checkpoint of {}>", upper(quant), repo);
}

/// vLLM, SGLang and TGI quantize bf16 weights to FP8 as they load them (dynamic FP8); bitsandbytes likewise.
bool quantizes_on_load(const std::string& quant)
{
  return quant == "fp8" || quant == "bnb-nf4";
}

/// The type part of a GGUF file's name as llama.cpp's tools write it: convert_hf_to_gguf.py names its output
/// after the file type's LlamaFileType name (MOSTLY_F16 -> "F16", ALL_F32 -> "F32", MOSTLY_BF16 -> "BF16"), and
/// llama-quantize's types are the upper-case quant names ("Q4_K_M", "Q8_0").
std::string gguf_type_name(const std::string& quant)
{
  if (quant == "fp16") {
    return "F16";
  }
  if (quant == "fp32") {
    return "F32";
  }
  return upper(quant);
}

/// A GGUF file: the one given, or the name llama.cpp's converter gives it.
std::string gguf_file(const model::ModelSpec& model, const std::string& quant)
{
  if (model.source == model::ModelSource::gguf && model.path) {
    return *model.path;
  }
  std::string base = model.hf_repo.value_or(model.catalog_id.value_or(model.name));
  if (const auto slash = base.rfind('/'); slash != std::string::npos) {
    base = base.substr(slash + 1);
  }
  return fmt::format("{}-{}.gguf", base, gguf_type_name(quant));
}

/// llama.cpp's name for a KV-cache precision (--cache-type-k/-v accept f32, f16, bf16, q8_0, q4_0, q4_1, iq4_nl,
/// q5_0 and q5_1: common/arg.cpp kv_cache_types); empty for one it has no type for (fp8).
std::string llama_cpp_cache_type(const std::string& kv_quant)
{
  if (kv_quant == "fp32" || kv_quant == "fp16") {
    return kv_quant == "fp32" ? "f32" : "f16";
  }
  for (const char* type : {"bf16", "q8_0", "q4_0", "q4_1", "iq4_nl", "q5_0", "q5_1"}) {
    if (kv_quant == type) {
      return type;
    }
  }
  return {};
}

struct Layout {
  std::uint32_t tensor = 1;   ///< devices per host, tensor parallel
  std::uint32_t pipeline = 1; ///< hosts, pipeline parallel
};

Layout layout_of(const estimate::Candidate& candidate)
{
  std::uint32_t hosts = 1;
  if (candidate.system && candidate.system->count > 0) {
    const std::uint32_t nodes = std::max<std::uint32_t>(1, candidate.system->nodes.value_or(1));
    const std::uint32_t per_host = std::max<std::uint32_t>(1, candidate.system->count / nodes);
    hosts = std::max<std::uint32_t>(1, (candidate.count + per_host - 1) / per_host);
  }
  return {std::max<std::uint32_t>(1, candidate.count / hosts), hosts};
}

std::uint64_t sequences(const estimate::Estimate& estimate)
{
  return std::max<std::uint64_t>(
      1, std::min(estimate.concurrency, std::max<std::uint64_t>(1, estimate.memory.max_concurrency)));
}

/// What an engine's CPU backend needs set before its command (engines.json "cpu": SGLang's
/// SGLANG_USE_CPU_ENGINE=1), followed by a space; empty off the CPU.
std::string cpu_environment(const estimate::Candidate& candidate, const catalog::EngineSpec* engine)
{
  if (candidate.hardware.kind != catalog::DeviceKind::cpu || engine == nullptr || !engine->cpu ||
      engine->cpu->environment.empty()) {
    return {};
  }
  return engine->cpu->environment + " ";
}

std::string vllm(const estimate::Estimate& estimate, const model::ModelSpec& model, const workload::Workload& workload,
                 const catalog::EngineSpec* engine)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const Layout layout = layout_of(candidate);
  std::string command =
      fmt::format("{}vllm serve {} --tensor-parallel-size {}", cpu_environment(candidate, engine),
                  hf_model(model, candidate.quant, quantizes_on_load(candidate.quant)), layout.tensor);
  if (candidate.hardware.kind == catalog::DeviceKind::cpu) {
    // The CPU backend sizes its KV cache by VLLM_CPU_KVCACHE_SPACE (GiB), not by a share of device memory.
    const auto gib = static_cast<std::uint64_t>(
        std::ceil(static_cast<double>(estimate.memory.kv_cache_bytes) / static_cast<double>(units::GiB)));
    command = fmt::format("VLLM_CPU_KVCACHE_SPACE={} {}", std::max<std::uint64_t>(1, gib), command);
  }
  if (layout.pipeline > 1) {
    command += fmt::format(" --pipeline-parallel-size {}", layout.pipeline);
  }
  command += fmt::format(" --max-model-len {}", workload.context);
  if (candidate.hardware.kind != catalog::DeviceKind::cpu) {
    command += fmt::format(" --gpu-memory-utilization {:.2f}",
                           engine != nullptr ? engine->gpu_memory_utilization.value_or(0.9) : 0.9);
  }
  command += fmt::format(" --max-num-seqs {}", sequences(estimate));
  if (candidate.quant == "fp16" && model.native_quant == "bf16") {
    command += " --dtype half";
  }
  if (candidate.quant == "fp8" && model.native_quant != "fp8") {
    command += " --quantization fp8"; // dynamic FP8: weights quantized on load
  }
  if (candidate.quant == "bnb-nf4") {
    command += " --quantization bitsandbytes";
  }
  if (candidate.kv_quant == "fp8") {
    command += " --kv-cache-dtype fp8";
  }
  return command;
}

std::string sglang(const estimate::Estimate& estimate, const model::ModelSpec& model,
                   const workload::Workload& workload, const catalog::EngineSpec* engine)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const Layout layout = layout_of(candidate);
  const bool cpu = candidate.hardware.kind == catalog::DeviceKind::cpu;
  std::string command = fmt::format("{}python -m sglang.launch_server --model-path {} --tp {}{}",
                                    cpu_environment(candidate, engine),
                                    hf_model(model, candidate.quant, candidate.quant == "fp8"), layout.tensor,
                                    cpu ? " --device cpu" : "");
  if (layout.pipeline > 1) {
    command += fmt::format(" --pp-size {}", layout.pipeline); // per-node flags: node_commands.cpp
  }
  command +=
      fmt::format(" --context-length {} --mem-fraction-static {:.2f} --max-running-requests {}", workload.context,
                  engine != nullptr ? engine->gpu_memory_utilization.value_or(0.88) : 0.88, sequences(estimate));
  if (candidate.quant == "fp8" && model.native_quant != "fp8") {
    command += " --quantization fp8";
  }
  if (candidate.kv_quant == "fp8") {
    command += " --kv-cache-dtype fp8_e5m2";
  }
  return command;
}

std::string lmdeploy(const estimate::Estimate& estimate, const model::ModelSpec& model,
                     const workload::Workload& workload)
{
  const estimate::Candidate& candidate = estimate.candidate;
  std::string command =
      fmt::format("lmdeploy serve api_server {} --tp {} --session-len {} --max-batch-size {}",
                  hf_model(model, candidate.quant), candidate.count, workload.context, sequences(estimate));
  if (candidate.quant == "int4") {
    command += " --model-format awq";
  }
  return command;
}

std::string tensorrt_llm(const estimate::Estimate& estimate, const model::ModelSpec& model,
                         const workload::Workload& workload)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const Layout layout = layout_of(candidate);
  std::string command = fmt::format("trtllm-serve {} --tp_size {}", hf_model(model, candidate.quant), layout.tensor);
  if (layout.pipeline > 1) {
    command += fmt::format(" --pp_size {}", layout.pipeline);
  }
  command += fmt::format(" --max_seq_len {} --max_batch_size {}", workload.context, sequences(estimate));
  return command;
}

std::string tgi(const estimate::Estimate& estimate, const model::ModelSpec& model, const workload::Workload& workload)
{
  const estimate::Candidate& candidate = estimate.candidate;
  std::string command =
      fmt::format("text-generation-launcher --model-id {} --num-shard {} --max-input-tokens {} --max-total-tokens {}",
                  hf_model(model, candidate.quant, quantizes_on_load(candidate.quant)), candidate.count,
                  workload.prompt_tokens, workload.context);
  if (candidate.quant == "fp8" && model.native_quant != "fp8") {
    command += " --quantize fp8";
  } else if (candidate.quant == "int4") {
    command += " --quantize awq";
  } else if (candidate.quant == "bnb-nf4") {
    command += " --quantize bitsandbytes-nf4";
  }
  if (candidate.kv_quant == "fp8") {
    command += " --kv-cache-dtype fp8_e4m3fn";
  }
  return command;
}

/// Parallel slots for llama.cpp and Ollama: every planned user when layers are offloaded (the plan holds all their
/// KV), else those whose KV cache fits.
std::uint64_t slots(const estimate::Estimate& estimate)
{
  return estimate.memory.gpu_layers ? std::max<std::uint64_t>(1, estimate.concurrency) : sequences(estimate);
}

std::string llama_cpp(const estimate::Estimate& estimate, const model::ModelSpec& model,
                      const workload::Workload& workload)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const std::string cache_type = llama_cpp_cache_type(candidate.kv_quant);
  if (cache_type.empty()) {
    return {}; // no --cache-type-k value says this precision: no command rather than one llama-server rejects
  }
  const bool cpu = candidate.hardware.kind == catalog::DeviceKind::cpu;
  const std::uint32_t layers =
      cpu ? 0 : estimate.memory.gpu_layers.value_or(std::max<std::uint32_t>(estimate.memory.total_layers, 999));
  const std::uint64_t parallel = slots(estimate);
  // -c is the context of all slots together; llama-server gives each of the -np slots an equal share.
  std::string command = fmt::format("llama-server -m {} -ngl {} -c {} -np {}", gguf_file(model, candidate.quant),
                                    layers, workload.context * parallel, parallel);
  if (candidate.count > 1 && !cpu) {
    command +=
        fmt::format(" --split-mode layer --tensor-split {}", fmt::join(std::vector<int>(candidate.count, 1), ","));
  }
  if (cache_type != "f16") {
    // A quantized V cache needs flash attention; a 16- or 32-bit one does not.
    const bool quantized = cache_type != "bf16" && cache_type != "f32";
    command += fmt::format("{} --cache-type-k {} --cache-type-v {}", quantized ? " -fa on" : "", cache_type, cache_type);
  }
  return command;
}

/// The suffix of an Ollama library tag for a precision: the library publishes 16-bit weights as fp16 (there are
/// no bf16 tags: llama3.1:8b-instruct-fp16) and K-quants as q4_K_M, q6_K.
std::string ollama_tag_suffix(const std::string& quant)
{
  if (quant == "bf16" || quant == "fp16") {
    return "fp16";
  }
  std::string suffix = quant;
  if (const auto k = suffix.find("_k"); k != std::string::npos) {
    std::transform(suffix.begin() + static_cast<std::ptrdiff_t>(k), suffix.end(),
                   suffix.begin() + static_cast<std::ptrdiff_t>(k),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  }
  return suffix;
}

std::string ollama(const estimate::Estimate& estimate, const model::ModelSpec& model,
                   const workload::Workload& workload)
{
  const estimate::Candidate& candidate = estimate.candidate;
  std::string env = fmt::format("OLLAMA_NUM_PARALLEL={} OLLAMA_CONTEXT_LENGTH={}", slots(estimate), workload.context);
  if (candidate.kv_quant == "q8_0" || candidate.kv_quant == "q4_0") {
    env += fmt::format(" OLLAMA_FLASH_ATTENTION=1 OLLAMA_KV_CACHE_TYPE={}", candidate.kv_quant);
  }
  if (candidate.count > 1) {
    env += " OLLAMA_SCHED_SPREAD=1"; // otherwise a model that fits one GPU is packed onto it
  }
  std::string name;
  if (model.source == model::ModelSource::gguf && model.path) {
    name = fmt::format("<a model created with 'ollama create' from {}>", *model.path);
  } else if (model.ollama_tag) {
    // Library tags default to Q4_K_M; other quantizations are tags of their own.
    name = candidate.quant == "q4_k_m"
               ? *model.ollama_tag
               : fmt::format("<the {} tag of {}>", ollama_tag_suffix(candidate.quant), *model.ollama_tag);
  } else {
    name = fmt::format("hf.co/<GGUF repository of {}>:{}", model.hf_repo.value_or(model.name),
                       gguf_type_name(candidate.quant));
  }
  // The server answers only once it listens: `ollama run` right after `ollama serve &` races it.
  return fmt::format("{} ollama serve & until ollama list >/dev/null 2>&1; do sleep 1; done; ollama run {}", env,
                     name);
}

std::string mlx(const estimate::Estimate& estimate, const model::ModelSpec& model)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const std::string repo = model.hf_repo.value_or(model.path.value_or(model.name));
  if (candidate.quant == "int4" || candidate.quant == "int8") {
    return fmt::format("mlx_lm.convert --hf-path {} -q --q-bits {} --mlx-path mlx_model && mlx_lm.server --model "
                       "mlx_model",
                       repo, candidate.quant == "int4" ? 4 : 8);
  }
  return fmt::format("mlx_lm.server --model {}", repo);
}

std::string jetstream(const estimate::Estimate& estimate, const model::ModelSpec& model,
                      const workload::Workload& workload)
{
  const estimate::Candidate& candidate = estimate.candidate;
  // MaxText's own server module since its src/MaxText → src/maxtext move (MaxText.maxengine_server is a deprecated
  // shim). weight_dtype defaults to float32 (configs/types.py DataTypes), which would double the weights the plan
  // prices in bf16; the tokenizer defaults to Llama 2's SentencePiece file, so the model's own is named.
  std::string command = fmt::format(
      "python3 -m maxtext.inference.maxengine.maxengine_server src/maxtext/configs/base.yml model_name=<MaxText name "
      "of {}> load_parameters_path=<checkpoint converted to MaxText> tokenizer_type=huggingface tokenizer_path={} "
      "weight_dtype=bfloat16 scan_layers=false max_prefill_predict_length={} max_target_length={} "
      "ici_tensor_parallelism={} per_device_batch_size={}",
      model.catalog_id.value_or(model.name), model.hf_repo.value_or(model.name), workload.prompt_tokens,
      workload.context, candidate.count,
      std::max<std::uint64_t>(1, sequences(estimate) / std::max<std::uint32_t>(1, candidate.count)));
  // QuantizationType (configs/types.py) accepts int8 and int4 (AQT, quantized as the bf16 checkpoint loads); the
  // older int4w is no longer a value.
  if (candidate.quant == "int8" || candidate.quant == "int4") {
    command += " quantization=" + candidate.quant;
  }
  return command;
}

} // namespace

std::string engine_command(const estimate::Estimate& estimate, const model::ModelSpec& model,
                           const workload::Workload& workload, const catalog::Catalog& catalog)
{
  const std::string& id = estimate.candidate.engine;
  const catalog::EngineSpec* engine = catalog.find_engine(id);
  if (estimate::tensor_parallel_problem(engine, model.arch, estimate::tensor_parallel_size(estimate.candidate, engine))) {
    return {}; // the engine refuses this tensor-parallel size at start-up: no command that fails
  }
  if (id == "vllm" || id == "vllm-tpu") {
    return vllm(estimate, model, workload, engine);
  }
  if (id == "sglang") {
    return sglang(estimate, model, workload, engine);
  }
  if (id == "lmdeploy") {
    return lmdeploy(estimate, model, workload);
  }
  if (id == "tensorrt-llm") {
    return tensorrt_llm(estimate, model, workload);
  }
  if (id == "tgi") {
    return tgi(estimate, model, workload);
  }
  if (id == "llama.cpp") {
    return llama_cpp(estimate, model, workload);
  }
  if (id == "ollama") {
    return ollama(estimate, model, workload);
  }
  if (id == "mlx") {
    return mlx(estimate, model);
  }
  if (id == "jetstream") {
    return jetstream(estimate, model, workload);
  }
  return {}; // an engine from a user's catalog file: no command known
}

} // namespace llmhw::advice::detail
