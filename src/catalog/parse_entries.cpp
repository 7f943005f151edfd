#include "parse.hpp"

#include <fmt/format.h>

namespace llmhw::catalog::detail {
namespace {

constexpr std::uint64_t k_max_params = 100'000'000'000'000ULL; // 100 T
constexpr std::uint64_t k_max_tokens = 100'000'000ULL;

std::optional<double> positive_number(const util::JsonObject& entry, const char* key)
{
  auto value = entry.optional_number(key);
  if (value && *value <= 0) {
    entry.fail(key, "must be positive");
  }
  return value;
}

/// A width in bits per weight: (0, 64].
std::optional<double> bits(const util::JsonObject& entry, const char* key)
{
  auto value = entry.optional_number(key);
  if (value && (*value <= 0 || *value > 64)) {
    entry.fail(key, "must be in (0, 64]");
  }
  return value;
}

} // namespace

ModelEntry parse_model(const util::JsonObject& entry)
{
  entry.reject_unknown_keys({"id", "name", "hf_repo", "ollama", "aliases", "family", "params", "active_params",
                             "native_quant", "config", "source", "notes"});
  ModelEntry model;
  model.id = entry.string("id");
  check_id(entry, model.id);
  model.name = entry.string("name");
  model.hf_repo = entry.optional_string("hf_repo");
  model.ollama = entry.optional_string("ollama");
  model.aliases = entry.strings("aliases");
  model.family = entry.string("family");
  model.params = entry.count("params", k_max_params);
  model.active_params = entry.optional_count("active_params", k_max_params).value_or(model.params);
  if (model.active_params > model.params) {
    entry.fail("active_params", "exceeds params");
  }
  model.native_quant = entry.optional_string("native_quant").value_or("bf16");
  model.config = entry.object("config").json();
  model.source = entry.string("source");
  return model;
}

namespace {

std::optional<TensorParallelRule> parse_tensor_parallel(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("tensor_parallel");
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys({"attention_heads", "kv_heads", "source"});
  if (object->string("attention_heads") != "divide") {
    object->fail("attention_heads", "must be \"divide\" (every engine splits the query heads evenly)");
  }
  TensorParallelRule rule;
  const std::string kv_heads = object->string("kv_heads");
  if (kv_heads == "divide") {
    rule.kv_heads = KvHeadSplit::divide;
  } else if (kv_heads == "divide_or_replicate") {
    rule.kv_heads = KvHeadSplit::divide_or_replicate;
  } else {
    object->fail("kv_heads", "must be \"divide\" or \"divide_or_replicate\"");
  }
  rule.source = object->string("source");
  return rule;
}

std::optional<ExpertParallelRule> parse_expert_parallel(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("expert_parallel");
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys({"default", "flag", "source"});
  return ExpertParallelRule{object->boolean("default", false), object->string("flag"), object->string("source")};
}

std::optional<SlidingWindowRule> parse_sliding_window(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("sliding_window");
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys({"architectures", "source"});
  return SlidingWindowRule{object->strings("architectures"), object->string("source")};
}

EngineStatus parse_status(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("status");
  if (!object) {
    return {};
  }
  object->reject_unknown_keys({"state", "since", "source"});
  EngineStatus status;
  const std::string state = object->string("state");
  if (state == "active") {
    status.state = EngineState::active;
  } else if (state == "maintenance") {
    status.state = EngineState::maintenance;
  } else if (state == "archived") {
    status.state = EngineState::archived;
  } else {
    object->fail("state", "must be \"active\", \"maintenance\" or \"archived\"");
  }
  status.since = object->optional_string("since");
  status.source = object->string("source");
  return status;
}

std::optional<PreferredOn> parse_preferred_on(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("preferred_on");
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys({"backends", "source"});
  return PreferredOn{object->strings("backends"), object->string("source")};
}

GgmlRuntime parse_ggml_runtime(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("ggml_runtime");
  if (!object) {
    return {};
  }
  object->reject_unknown_keys(
      {"layer_split", "partial_offload", "compute_buffer_tokens", "gguf_prefill_precision", "source"});
  GgmlRuntime runtime;
  runtime.layer_split = object->boolean("layer_split", false);
  runtime.partial_offload = object->boolean("partial_offload", false);
  runtime.compute_buffer_tokens =
      static_cast<std::uint32_t>(object->optional_count("compute_buffer_tokens", 1U << 20U).value_or(0));
  runtime.gguf_prefill_precision = object->optional_string("gguf_prefill_precision");
  runtime.source = object->string("source");
  return runtime;
}

std::optional<CpuBackendRule> parse_cpu_backend(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("cpu");
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys({"isa", "quants", "kv_quants", "mla", "environment", "source"});
  CpuBackendRule rule;
  rule.isa = object->strings("isa");
  rule.quants = object->strings("quants");
  rule.kv_quants = object->strings("kv_quants");
  rule.mla = object->boolean("mla", true);
  rule.environment = object->optional_string("environment").value_or("");
  rule.source = object->string("source");
  return rule;
}

std::optional<SchedulerSpec> parse_scheduler(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("scheduler");
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys(
      {"kind", "token_budget", "chunked_prefill", "mixed_batches", "eager_prefill", "step_overhead_ms", "preemption",
       "source"});
  SchedulerSpec scheduler;
  const std::string kind = object->string("kind");
  if (kind == "continuous") {
    scheduler.kind = SchedulerKind::continuous;
  } else if (kind == "static_slots") {
    scheduler.kind = SchedulerKind::static_slots;
  } else {
    object->fail("kind", "must be \"continuous\" or \"static_slots\"");
  }
  scheduler.token_budget = static_cast<std::uint32_t>(object->count("token_budget", 10'000'000));
  if (scheduler.token_budget == 0) {
    object->fail("token_budget", "must be at least 1");
  }
  scheduler.chunked_prefill = object->boolean("chunked_prefill", true);
  scheduler.mixed_batches = object->boolean("mixed_batches", true);
  scheduler.eager_prefill = object->boolean("eager_prefill", false);
  scheduler.step_overhead_ms = object->optional_number("step_overhead_ms").value_or(0.0);
  if (!(scheduler.step_overhead_ms >= 0) || scheduler.step_overhead_ms > 1000) {
    object->fail("step_overhead_ms", "must be in [0, 1000]");
  }
  scheduler.preemption = object->optional_string("preemption").value_or("none");
  if (scheduler.preemption != "recompute" && scheduler.preemption != "swap" && scheduler.preemption != "none") {
    object->fail("preemption", "must be \"recompute\", \"swap\" or \"none\"");
  }
  scheduler.source = object->string("source");
  return scheduler;
}

std::optional<QuantizationRule> parse_quantization_rule(const util::JsonObject& entry, std::string_view key)
{
  const std::optional<util::JsonObject> object = entry.optional_object(key);
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys({"quants", "source"});
  return QuantizationRule{object->strings("quants"), object->string("source")};
}

std::optional<WeightOnlyRule> parse_weight_only(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("weight_only");
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys({"min_compute_capability", "source"});
  return WeightOnlyRule{object->string("min_compute_capability"), object->string("source")};
}

std::vector<BackendLimit> parse_backend_limits(const util::JsonObject& entry)
{
  std::vector<BackendLimit> limits;
  for (const util::JsonObject& object : entry.objects("backend_limits")) {
    object.reject_unknown_keys({"backend", "quants", "kv_quants", "mla", "source"});
    limits.push_back({object.string("backend"), object.strings("quants"), object.strings("kv_quants"),
                      object.boolean("mla", false), object.string("source")});
  }
  return limits;
}

std::optional<NativeArchitectures> parse_native_architectures(const util::JsonObject& entry)
{
  const std::optional<util::JsonObject> object = entry.optional_object("native_architectures");
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys({"architectures", "fallback_quants", "source"});
  return NativeArchitectures{object->strings("architectures"), object->strings("fallback_quants"),
                             object->string("source")};
}

} // namespace

EngineSpec parse_engine(const util::JsonObject& entry)
{
  entry.reject_unknown_keys({"id", "name", "backends", "min_compute_capability", "quants", "weight_only_quants",
                             "kv_quants", "architectures", "paged_kv", "prefix_caching", "speculative_decoding",
                             "gpu_memory_utilization", "kv_cache_free_memory_fraction", "multi_node", "server",
                             "tensor_parallel", "expert_parallel", "sliding_window", "flash_attention", "cpu", "scheduler",
                             "quantizes_on_load", "local_conversion", "weight_only", "backend_limits",
                             "native_architectures", "needs_maxtext_name", "source", "notes",
                             // issue 14: maintenance status, preference and runtime properties
                             "status", "preferred_on", "ggml_runtime", "calibrated_as", "own_formats"});
  EngineSpec engine;
  engine.id = entry.string("id");
  check_id(entry, engine.id);
  engine.name = entry.string("name");
  engine.backends = entry.strings("backends");
  if (engine.backends.empty()) {
    entry.fail("backends", "missing (which devices does it run on?)");
  }
  engine.min_compute_capability = entry.optional_string("min_compute_capability");
  engine.quants = entry.strings("quants");
  engine.weight_only_quants = entry.strings("weight_only_quants");
  engine.kv_quants = entry.strings("kv_quants");
  engine.architectures = entry.strings("architectures");
  engine.paged_kv = entry.boolean("paged_kv", false);
  engine.prefix_caching = entry.boolean("prefix_caching", false);
  engine.speculative_decoding = entry.boolean("speculative_decoding", false);
  engine.server = entry.boolean("server", false);
  if (entry.has("flash_attention")) {
    engine.flash_attention = entry.boolean("flash_attention", false);
  }
  engine.gpu_memory_utilization = entry.optional_number("gpu_memory_utilization");
  if (engine.gpu_memory_utilization && (*engine.gpu_memory_utilization <= 0 || *engine.gpu_memory_utilization > 1)) {
    entry.fail("gpu_memory_utilization", "must be in (0, 1]");
  }
  engine.kv_cache_free_memory_fraction = entry.optional_number("kv_cache_free_memory_fraction");
  if (engine.kv_cache_free_memory_fraction &&
      (!(*engine.kv_cache_free_memory_fraction > 0) || *engine.kv_cache_free_memory_fraction > 1)) {
    entry.fail("kv_cache_free_memory_fraction", "must be in (0, 1]");
  }
  if (engine.kv_cache_free_memory_fraction && engine.gpu_memory_utilization) {
    entry.fail("kv_cache_free_memory_fraction",
               "an engine sizes its KV cache by gpu_memory_utilization or by this, not both");
  }
  engine.multi_node = entry.optional_string("multi_node");
  engine.tensor_parallel = parse_tensor_parallel(entry);
  engine.expert_parallel = parse_expert_parallel(entry);
  engine.sliding_window = parse_sliding_window(entry);
  engine.status = parse_status(entry);
  engine.preferred_on = parse_preferred_on(entry);
  engine.ggml = parse_ggml_runtime(entry);
  engine.calibrated_as = entry.optional_string("calibrated_as").value_or("");
  for (const util::JsonObject& own : entry.objects("own_formats")) {
    own.reject_unknown_keys({"quant", "format"});
    engine.own_formats.push_back({own.string("quant"), own.string("format")});
  }
  engine.cpu = parse_cpu_backend(entry);
  engine.scheduler = parse_scheduler(entry);
  engine.quantizes_on_load = parse_quantization_rule(entry, "quantizes_on_load");
  engine.local_conversion = parse_quantization_rule(entry, "local_conversion");
  engine.weight_only = parse_weight_only(entry);
  engine.backend_limits = parse_backend_limits(entry);
  engine.native_architectures = parse_native_architectures(entry);
  engine.needs_maxtext_name = entry.boolean("needs_maxtext_name", false);
  engine.source = entry.string("source");
  return engine;
}

Artifact parse_artifact(const util::JsonObject& entry)
{
  entry.reject_unknown_keys({"id", "model", "quant", "repo", "file", "format", "ollama", "maxtext", "checkpoint", "engines",
                             "source"});
  Artifact artifact;
  artifact.id = entry.string("id");
  check_id(entry, artifact.id);
  artifact.model = entry.string("model");
  artifact.quant = entry.optional_string("quant");
  artifact.repo = entry.optional_string("repo");
  artifact.file = entry.optional_string("file");
  artifact.format = entry.optional_string("format");
  artifact.ollama = entry.optional_string("ollama");
  artifact.maxtext = entry.optional_string("maxtext");
  artifact.checkpoint = entry.optional_string("checkpoint");
  if (artifact.checkpoint && !artifact.maxtext) {
    entry.fail("checkpoint", "a MaxText checkpoint goes with the maxtext name it is for");
  }
  artifact.engines = entry.strings("engines");
  artifact.source = entry.string("source");
  const int kinds = int(artifact.repo.has_value()) + int(artifact.ollama.has_value()) + int(artifact.maxtext.has_value());
  if (kinds != 1) {
    entry.fail("repo", "exactly one of repo, ollama and maxtext says what the artifact is");
  }
  if (artifact.file && !artifact.repo) {
    entry.fail("file", "a GGUF file needs the repo that holds it");
  }
  if (!artifact.maxtext && !artifact.quant) {
    entry.fail("quant", "missing (the precision of its weights)");
  }
  // Names travel into shell commands: no spaces, quotes or placeholders.
  for (const auto& [key, value] : {std::pair{"repo", artifact.repo}, std::pair{"file", artifact.file},
                                   std::pair{"ollama", artifact.ollama}, std::pair{"maxtext", artifact.maxtext},
                                   std::pair{"checkpoint", artifact.checkpoint}}) {
    if (value && (value->empty() || value->find_first_of(" \t'\"<>$;&|`") != std::string::npos)) {
      entry.fail(key, "must be a plain name (no spaces, quotes or shell characters)");
    }
  }
  return artifact;
}

QuantFormat parse_quant(const util::JsonObject& entry)
{
  entry.reject_unknown_keys({"id", "aliases", "bits_per_weight", "attention_bits_per_weight",
                             "embedding_bits_per_weight", "lm_head_bits_per_weight", "vector_bits_per_weight",
                             "compute_precision", "family", "gguf_type", "gguf_file_type", "block_weights",
                             "block_bytes", "kv_cache", "backends", "min_compute_capability", "source", "notes"});
  QuantFormat quant;
  quant.id = entry.string("id");
  check_id(entry, quant.id);
  quant.aliases = entry.strings("aliases");
  const auto weight_bits = bits(entry, "bits_per_weight");
  if (!weight_bits) {
    entry.fail("bits_per_weight", "missing (expected a number)");
  }
  quant.bits_per_weight = *weight_bits;
  quant.attention_bits_per_weight = bits(entry, "attention_bits_per_weight");
  quant.embedding_bits_per_weight = bits(entry, "embedding_bits_per_weight");
  quant.lm_head_bits_per_weight = bits(entry, "lm_head_bits_per_weight");
  quant.vector_bits_per_weight = bits(entry, "vector_bits_per_weight");
  quant.compute_precision = entry.string("compute_precision");
  quant.family = entry.string("family");
  if (auto type = entry.optional_count("gguf_type", 1024)) {
    quant.gguf_type = static_cast<std::uint32_t>(*type);
  }
  if (auto type = entry.optional_count("gguf_file_type", 1024)) {
    quant.gguf_file_type = static_cast<std::uint32_t>(*type);
  }
  const auto block_weights = entry.optional_count("block_weights", 1 << 16);
  const auto block_bytes = entry.optional_count("block_bytes", 1 << 16);
  if (block_weights.has_value() != block_bytes.has_value() || block_weights == 0u) {
    entry.fail("block_weights", "block_weights and block_bytes go together, and a block holds at least one weight");
  }
  if (block_weights) {
    quant.block_weights = static_cast<std::uint32_t>(*block_weights);
    quant.block_bytes = static_cast<std::uint32_t>(*block_bytes);
  }
  quant.kv_cache = entry.boolean("kv_cache", false);
  quant.backends = entry.strings("backends");
  quant.min_compute_capability = entry.optional_string("min_compute_capability");
  quant.source = entry.string("source");
  return quant;
}

WorkloadPreset parse_workload(const util::JsonObject& entry)
{
  entry.reject_unknown_keys({"id", "description", "prompt_tokens", "output_tokens", "concurrency", "max_ttft_ms",
                             "max_tpot_ms", "min_tok_s", "source", "notes"});
  WorkloadPreset preset;
  preset.id = entry.string("id");
  check_id(entry, preset.id);
  preset.description = entry.string("description");
  preset.prompt_tokens = entry.count("prompt_tokens", k_max_tokens);
  preset.output_tokens = entry.count("output_tokens", k_max_tokens);
  preset.concurrency = entry.count("concurrency", 1'000'000);
  if (preset.prompt_tokens == 0 || preset.output_tokens == 0 || preset.concurrency == 0) {
    entry.fail("", "prompt_tokens, output_tokens and concurrency must be at least 1");
  }
  preset.max_ttft_ms = positive_number(entry, "max_ttft_ms");
  preset.max_tpot_ms = positive_number(entry, "max_tpot_ms");
  preset.min_tok_s = positive_number(entry, "min_tok_s");
  preset.source = entry.string("source");
  return preset;
}

} // namespace llmhw::catalog::detail
