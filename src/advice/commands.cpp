// Ready-to-run command lines, one per engine, with the flags its documentation names.
#include "pools.hpp"

#include "llmhw/catalog/artifacts.hpp"
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

/// The last part of a repository or path: the local folder and file names it gets.
std::string base_name(const std::string& repo)
{
  const auto slash = repo.find_last_of('/');
  return slash == std::string::npos ? repo : repo.substr(slash + 1);
}

/// The commands before llama-server that make its GGUF file: llama.cpp's converter writes 16-bit or q8_0 GGUF
/// files from a Hugging Face checkpoint (--outtype), llama-quantize every other type from a bf16 one.
std::string convert_to_gguf(const std::string& repo, const std::string& quant, const std::string& file, bool local)
{
  const std::string folder = local ? repo : base_name(repo);
  const bool direct = quant == "fp32" || quant == "fp16" || quant == "bf16" || quant == "q8_0";
  const std::string outtype = direct ? (quant == "fp32" ? "f32" : quant == "fp16" ? "f16" : quant) : "bf16";
  const std::string converted = direct ? file : fmt::format("{}-BF16.gguf", folder);
  std::string commands = local ? std::string{} : fmt::format("hf download {} --local-dir {} && ", repo, folder);
  commands += fmt::format("python convert_hf_to_gguf.py {} --outtype {} --outfile {}", folder, outtype, converted);
  if (!direct) {
    commands += fmt::format(" && llama-quantize {} {} {}", converted, file, gguf_type_name(quant));
  }
  return commands + " && ";
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

/// What the engine loads: the model's published checkpoint, an artifact from data/artifacts.json (a quantized
/// checkpoint, a GGUF file, an Ollama tag), or weights it quantizes on load or converts first.
struct Weights {
  std::string name; ///< repository, path or Ollama tag
  catalog::WeightsSource::Kind kind = catalog::WeightsSource::Kind::published;
  const catalog::Artifact* artifact = nullptr;
  std::string loaded_quant; ///< precision of the weights loaded, before a cast or an on-load quantization
  bool local = false;       ///< the user's own files (a folder or file given as the model), not a download

  [[nodiscard]] bool quantized_on_load() const { return kind == catalog::WeightsSource::Kind::quantize_on_load; }
  [[nodiscard]] bool converted() const { return kind == catalog::WeightsSource::Kind::convert_locally; }
  [[nodiscard]] std::string format() const { return artifact && artifact->format ? *artifact->format : ""; }
};

/// The weights for a candidate; nullopt when none are published in its precision and the engine cannot make them
/// (the ARTIFACT_MISSING rule says so, and no command is printed).
std::optional<Weights> weights_of(const estimate::Candidate& candidate, const model::ModelSpec& model,
                                  const catalog::Catalog& catalog, const catalog::EngineSpec& engine)
{
  if (model.source == model::ModelSource::gguf) {
    return Weights{model.path.value_or(model.name), catalog::WeightsSource::Kind::published, nullptr,
                   model.native_quant};
  }
  const std::string repo = model.path.value_or(model.hf_repo.value_or(model.catalog_id.value_or(model.name)));
  const auto source = catalog::weights_source(catalog, engine, model.catalog_id.value_or(""), repo,
                                              model.native_quant, candidate.quant);
  if (!source) {
    return std::nullopt;
  }
  Weights weights{source->repo, source->kind, source->artifact, model.native_quant,
                  model.path.has_value() && model.source != model::ModelSource::catalog};
  if (source->artifact != nullptr) {
    weights.name = source->artifact->ollama.value_or(source->artifact->repo.value_or(""));
    weights.loaded_quant = source->artifact->quant.value_or(candidate.quant);
  }
  return weights;
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

std::string vllm(const estimate::Estimate& estimate, const Weights& weights, const workload::Workload& workload,
                 const catalog::EngineSpec* engine)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const Layout layout = layout_of(candidate);
  std::string command =
      fmt::format("{}vllm serve {} --tensor-parallel-size {}", cpu_environment(candidate, engine),
                  weights.name, layout.tensor);
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
  if (candidate.quant == "fp16" && weights.loaded_quant == "bf16") {
    command += " --dtype half";
  }
  if (candidate.quant == "fp8" && weights.quantized_on_load()) {
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

std::string sglang(const estimate::Estimate& estimate, const Weights& weights, const workload::Workload& workload,
                   const catalog::EngineSpec* engine)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const Layout layout = layout_of(candidate);
  const bool cpu = candidate.hardware.kind == catalog::DeviceKind::cpu;
  std::string command = fmt::format("{}python -m sglang.launch_server --model-path {} --tp {}{}",
                                    cpu_environment(candidate, engine),
                                    weights.name, layout.tensor,
                                    cpu ? " --device cpu" : "");
  if (layout.pipeline > 1) {
    command += fmt::format(" --pp-size {}", layout.pipeline); // per-node flags: node_commands.cpp
  }
  command +=
      fmt::format(" --context-length {} --mem-fraction-static {:.2f} --max-running-requests {}", workload.context,
                  engine != nullptr ? engine->gpu_memory_utilization.value_or(0.88) : 0.88, sequences(estimate));
  if (candidate.quant == "fp16" && weights.loaded_quant == "bf16") {
    command += " --dtype half";
  }
  if (candidate.quant == "fp8" && weights.quantized_on_load()) {
    command += " --quantization fp8";
  }
  if (candidate.kv_quant == "fp8") {
    command += " --kv-cache-dtype fp8_e5m2";
  }
  return command;
}

std::string lmdeploy(const estimate::Estimate& estimate, const Weights& weights, const workload::Workload& workload)
{
  const estimate::Candidate& candidate = estimate.candidate;
  std::string command =
      fmt::format("lmdeploy serve api_server {} --tp {} --session-len {} --max-batch-size {}",
                  weights.name, candidate.count, workload.context, sequences(estimate));
  if (weights.format() == "awq" || weights.format() == "gptq") {
    command += fmt::format(" --model-format {}", weights.format()); // its 4-bit checkpoint's own format
  }
  return command;
}

std::string tensorrt_llm(const estimate::Estimate& estimate, const Weights& weights,
                         const workload::Workload& workload)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const Layout layout = layout_of(candidate);
  std::string command = fmt::format("trtllm-serve {} --tp_size {}", weights.name, layout.tensor);
  if (layout.pipeline > 1) {
    command += fmt::format(" --pp_size {}", layout.pipeline);
  }
  command += fmt::format(" --max_seq_len {} --max_batch_size {}", workload.context, sequences(estimate));
  if (candidate.kv_quant == "fp8") {
    // trtllm-serve has no KV-cache flag: the LLM API's kv_cache_config.dtype comes from a YAML file.
    return "printf 'kv_cache_config:\\n  dtype: fp8\\n' > kv_cache_fp8.yaml && " + command +
           " --extra_llm_api_options kv_cache_fp8.yaml";
  }
  return command;
}

std::string tgi(const estimate::Estimate& estimate, const Weights& weights, const workload::Workload& workload)
{
  const estimate::Candidate& candidate = estimate.candidate;
  std::string command =
      fmt::format("text-generation-launcher --model-id {} --num-shard {} --max-input-tokens {} --max-total-tokens {}",
                  weights.name, candidate.count, workload.prompt_tokens, workload.context);
  if (candidate.quant == "fp16" && weights.loaded_quant == "bf16") {
    command += " --dtype float16";
  }
  if (weights.quantized_on_load()) {
    // fp8 and bitsandbytes quantize as they load; eetq is its 8-bit weight-only quantization on load.
    command += candidate.quant == "fp8"     ? " --quantize fp8"
               : candidate.quant == "int8"  ? " --quantize eetq"
                                            : " --quantize bitsandbytes-nf4";
  } else if (weights.format() == "awq" || weights.format() == "gptq") {
    command += fmt::format(" --quantize {}", weights.format()); // the checkpoint's own 4-bit format
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

std::string llama_cpp(const estimate::Estimate& estimate, const Weights& weights, const workload::Workload& workload)
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
  std::string command;
  if (weights.artifact != nullptr && weights.artifact->file) {
    // A published GGUF file: llama-server downloads it (and the rest of a split file) itself.
    command = fmt::format("llama-server --hf-repo {} --hf-file {}", *weights.artifact->repo, *weights.artifact->file);
  } else if (weights.converted()) {
    const std::string file = fmt::format("{}-{}.gguf", base_name(weights.name), gguf_type_name(candidate.quant));
    command = convert_to_gguf(weights.name, candidate.quant, file, weights.local) + "llama-server -m " + file;
  } else {
    command = "llama-server -m " + weights.name;
  }
  command += fmt::format(" -ngl {} -c {} -np {}", layers, workload.context * parallel, parallel);
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

/// A name `ollama create` accepts for a GGUF file: lower-case letters, digits, '.', '_' and '-'.
std::string ollama_model_name(std::string file)
{
  if (file.size() > 5 && file.ends_with(".gguf")) {
    file.resize(file.size() - 5);
  }
  std::string name;
  for (const unsigned char c : file) {
    name += std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-' ? static_cast<char>(std::tolower(c)) : '-';
  }
  return name.empty() ? "model" : name;
}

std::string ollama(const estimate::Estimate& estimate, const Weights& weights, const model::ModelSpec& model,
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
  std::string create;
  if (model.source == model::ModelSource::gguf) {
    // A GGUF file becomes an Ollama model through a Modelfile that names it.
    name = ollama_model_name(base_name(weights.name));
    create = fmt::format(" && printf 'FROM %s\\n' {} > Modelfile && ollama create {} -f Modelfile", weights.name, name);
  } else if (weights.artifact != nullptr && weights.artifact->ollama) {
    name = *weights.artifact->ollama;
  } else if (weights.artifact != nullptr && weights.artifact->file) {
    // Ollama pulls a GGUF repository's file by its quantization type.
    name = fmt::format("hf.co/{}:{}", *weights.artifact->repo, gguf_type_name(candidate.quant));
  } else {
    return {}; // no tag or GGUF file in this precision (ARTIFACT_MISSING)
  }
  // The server answers only once it listens: `ollama run` right after `ollama serve &` races it.
  return fmt::format("{} ollama serve & until ollama list >/dev/null 2>&1; do sleep 1; done{}; ollama run {}", env,
                     create, name);
}

std::string mlx(const estimate::Estimate& estimate, const Weights& weights)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const std::string& repo = weights.name;
  if (candidate.quant == "int4" || candidate.quant == "int8") {
    return fmt::format("mlx_lm.convert --hf-path {} -q --q-bits {} --mlx-path mlx_model && mlx_lm.server --model "
                       "mlx_model",
                       repo, candidate.quant == "int4" ? 4 : 8);
  }
  return fmt::format("mlx_lm.server --model {}", repo);
}

std::string jetstream(const estimate::Estimate& estimate, const model::ModelSpec& model,
                      const workload::Workload& workload, const catalog::Catalog& catalog)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const catalog::Artifact* maxtext = catalog::maxtext_artifact(catalog, model.catalog_id.value_or(""));
  if (maxtext == nullptr || !maxtext->checkpoint) {
    return {}; // no MaxText name or checkpoint of the model (ARTIFACT_MISSING)
  }
  // MaxText's own server module since its src/MaxText → src/maxtext move (MaxText.maxengine_server is a deprecated
  // shim). weight_dtype defaults to float32 (configs/types.py DataTypes), which would double the weights the plan
  // prices in bf16; the tokenizer defaults to Llama 2's SentencePiece file, so the model's own is named.
  std::string command = fmt::format(
      "python3 -m maxtext.inference.maxengine.maxengine_server src/maxtext/configs/base.yml model_name={} "
      "load_parameters_path={} tokenizer_type=huggingface tokenizer_path={} "
      "weight_dtype=bfloat16 scan_layers=false max_prefill_predict_length={} max_target_length={} "
      "ici_tensor_parallelism={} per_device_batch_size={}",
      *maxtext->maxtext, *maxtext->checkpoint, model.hf_repo.value_or(model.name), workload.prompt_tokens,
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
  if (engine == nullptr) {
    return {};
  }
  const auto weights = weights_of(estimate.candidate, model, catalog, *engine);
  if (!weights) {
    return {}; // nothing to load in this precision: the candidate carries ARTIFACT_MISSING instead
  }
  if (id == "vllm" || id == "vllm-tpu") {
    return vllm(estimate, *weights, workload, engine);
  }
  if (id == "sglang") {
    return sglang(estimate, *weights, workload, engine);
  }
  if (id == "lmdeploy") {
    return lmdeploy(estimate, *weights, workload);
  }
  if (id == "tensorrt-llm") {
    return tensorrt_llm(estimate, *weights, workload);
  }
  if (id == "tgi") {
    return tgi(estimate, *weights, workload);
  }
  if (id == "llama.cpp") {
    return llama_cpp(estimate, *weights, workload);
  }
  if (id == "ollama") {
    return ollama(estimate, *weights, model, workload);
  }
  if (id == "mlx") {
    return mlx(estimate, *weights);
  }
  if (id == "jetstream") {
    return jetstream(estimate, model, workload, catalog);
  }
  return {}; // an engine from a user's catalog file: no command known
}

std::vector<std::string> node_commands(const rules::Assessment& assessment, const model::ModelSpec& model,
                                       const workload::Workload& workload, const catalog::Catalog& catalog)
{
  const bool refused = std::any_of(assessment.findings.begin(), assessment.findings.end(),
                                   [](const rules::Finding& finding) { return rules::engine_refuses(finding); });
  return refused ? std::vector<std::string>{} : node_commands(assessment.estimate, model, workload, catalog);
}

} // namespace llmhw::advice::detail
