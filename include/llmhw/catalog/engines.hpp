#pragma once
// Inference engines (data/engines.json), quantization formats (data/quants.json)
// and workload presets (data/workloads.json).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::catalog {

/// What an engine's CPU backend needs beyond the engine's own lists: vLLM's runs on x86 with AVX-512 (or Arm),
/// bf16 weights, a 16-bit KV cache and no MLA; SGLang's only on Xeons with AMX, started with an environment
/// variable.
struct CpuBackendRule {
  std::vector<std::string> isa;       ///< /proc/cpuinfo flags, any one of which it needs; empty: any CPU
  std::vector<std::string> quants;    ///< weight formats it runs on a CPU; empty: the engine's list
  std::vector<std::string> kv_quants; ///< KV-cache precisions on a CPU; empty: the engine's list
  bool mla = true;                    ///< serves multi-head latent attention (DeepSeek V2/V3) on a CPU
  std::string environment;            ///< set before its command ("SGLANG_USE_CPU_ENGINE=1"); empty: none
  std::string source;
};

/// An inference engine and where it runs.
/// How an engine's tensor parallelism splits attention heads: the query heads are always divided among the
/// devices; the KV heads are divided too, or (vLLM, SGLang, LMDeploy, TensorRT-LLM) replicated when there are
/// fewer of them than devices, which then must be a multiple of them.
enum class KvHeadSplit { divide, divide_or_replicate };

struct TensorParallelRule {
  KvHeadSplit kv_heads = KvHeadSplit::divide;
  std::string source; ///< the engine's code that enforces it
};

/// Which models' sliding windows the engine's KV cache honours. llama.cpp implements the window only for some
/// architectures (Gemma 2/3, gpt-oss) and allocates the full context for the rest (Mistral 7B v0.1, read as llama).
struct SlidingWindowRule {
  std::vector<std::string> architectures; ///< HF model_type values (or GGUF general.architecture)
  std::string source;
};

/// Whether the engine runs MoE experts expert-parallel over its devices (each holds whole experts and tokens
/// travel to them by all-to-all) rather than sharding every expert by tensor parallelism, and how to turn it on.
struct ExpertParallelRule {
  bool by_default = false; ///< its default configuration uses it
  std::string flag;        ///< the option that enables it ("--enable-expert-parallel")
  std::string source;
};

/// Whether an engine's project is still developed: an archived repository (JetStream, 2026-02-01) or one in
/// maintenance mode (TGI: bug fixes only) gets no new models, kernels or fixes.
enum class EngineState { active, maintenance, archived };

struct EngineStatus {
  EngineState state = EngineState::active;
  std::optional<std::string> since; ///< ISO date of the archive or announcement
  std::string source;               ///< where the project says so
};

/// The backends where an engine is the one most deployments use (vLLM and SGLang on NVIDIA and AMD GPUs, vLLM TPU
/// on TPUs): ranked first among engines whose estimates are within their error of each other.
struct PreferredOn {
  std::vector<std::string> backends;
  std::string source;
};

/// How the estimator models engines of llama.cpp's kind (llama.cpp and Ollama, which runs its ggml kernels).
/// Properties, not engine ids, so that an engine added to engines.json states what it does.
struct GgmlRuntime {
  /// Several GPUs hold whole layers each (--split-mode layer, its default), not a tensor-parallel share.
  bool layer_split = false;
  /// Layers that do not fit the GPU stay in host memory and run on the CPU (-ngl / num_gpu).
  bool partial_offload = false;
  /// Tokens of one micro-batch (n_ubatch) its fixed compute buffer is sized for; 0: activations are chunked
  /// prefill's (vLLM's max_num_batched_tokens) instead.
  std::uint32_t compute_buffer_tokens = 0;
  /// On GPUs, the precision quantized (GGUF) blocks are dequantized to for batched matmuls (prefill).
  std::optional<std::string> gguf_prefill_precision;
  std::string source;
};

/// A quants.json id the engine runs in a format of its own: MLX's "int4" is its affine 4-bit quantization (group 64,
/// an fp16 scale and bias per group: 4.5 bits), not AWQ/GPTQ. The candidate keeps the common id; memory, speed and
/// kernels follow the engine's format.
struct OwnFormat {
  std::string quant;  ///< the common id ("int4")
  std::string format; ///< the quants.json entry it runs as ("mlx-q4")
};

/// How an engine batches requests (its scheduler), as the serving simulation (src/estimate/serving.cpp) steps it.
enum class SchedulerKind {
  /// Continuous batching (Orca, OSDI 2022): each iteration runs every running sequence's next token plus chunks
  /// of waiting prompts up to a token budget (vLLM, SGLang, TensorRT-LLM, LMDeploy, TGI, llama.cpp's server).
  continuous,
  /// Fixed slots with a preallocated cache of the whole context each, a prompt prefilled on its own before it
  /// joins the decode batch (JetStream's interleaved mode).
  static_slots,
};

struct SchedulerSpec {
  SchedulerKind kind = SchedulerKind::continuous;
  std::uint32_t token_budget = 8192; ///< tokens one iteration may run (prefill chunk + decode tokens)
  /// A prompt may be split over iterations (vLLM V1, SGLang); otherwise it runs whole in one iteration, and one
  /// that does not fit what the budget leaves waits for the next (TensorRT-LLM's default).
  bool chunked_prefill = true;
  /// Prompt chunks share an iteration with the decode tokens; otherwise an iteration with prompt tokens runs
  /// them alone and every decoding sequence waits for it (SGLang without --enable-mixed-chunk).
  bool mixed_batches = true;
  /// Iterations with prompt tokens run eagerly, outside the CUDA graphs captured for decode batches, so each
  /// kernel's launch costs host time (SGLang's "extend" batches); MoE layers, with their many small kernels, pay
  /// most (moe.cpp).
  bool eager_prefill = false;
  double step_overhead_ms = 0; ///< host time per iteration outside the device's kernels (scheduling, sampling)
  /// What happens when the KV cache runs out mid-generation: "recompute", "swap" or "none" (a sequence is
  /// admitted only with room for its whole context, as static slots and TensorRT-LLM's guaranteed-no-evict).
  std::string preemption = "none";
  std::string source;

  /// A prompt runs in pieces of the token budget over several iterations: chunked prefill, or static slots (each
  /// slot's prompt fed in batches of -b tokens, llama.cpp's n_batch).
  bool cuts_prompts() const { return chunked_prefill || kind == SchedulerKind::static_slots; }
};

/// Precisions an engine (or its own tools) makes from the published weights: vLLM quantizes bf16 weights to FP8
/// as it loads them, llama.cpp's converter and llama-quantize write a GGUF file of any type.
struct QuantizationRule {
  std::vector<std::string> quants;
  std::string source;
};

/// What one backend of an engine does not run, although the engine does elsewhere: formats without kernels there
/// (bitsandbytes on ROCm, FP8 KV cache on vLLM's CPU backend) and MLA attention.
struct BackendLimit {
  std::string backend;                ///< "cpu", "rocm", …
  std::vector<std::string> quants;    ///< weight formats it lacks there
  std::vector<std::string> kv_quants; ///< KV-cache precisions it lacks there
  bool mla = false;                   ///< no MLA attention (DeepSeek V2/V3) there
  std::string source;
};

/// Architectures an engine serves with its own model code; others go through a fallback (TGI's transformers
/// backend) that runs only some precisions.
struct NativeArchitectures {
  std::vector<std::string> architectures;   ///< HF model_type values
  std::vector<std::string> fallback_quants; ///< what the fallback runs
  std::string source;
};

/// The lowest compute capability whose GPUs run the engine's weight-only kernels (Marlin needs Ampere, 8.0).
struct WeightOnlyRule {
  std::string min_compute_capability;
  std::string source;
};

struct EngineSpec {
  std::string id;                                    ///< "vllm", "llama.cpp", …
  std::string name;                                  ///< "vLLM"
  std::vector<std::string> backends;                 ///< "cuda", "rocm", "tpu", "cpu", "metal", "gaudi", "xpu"
  std::optional<std::string> min_compute_capability; ///< CUDA: "7.0"
  std::vector<std::string> quants;                   ///< weight formats it runs (quants.json ids)
  /// Formats it runs on devices without tensor cores for their compute precision, by dequantizing the weights
  /// to 16 bits (vLLM's Marlin FP8 kernels on Ampere): memory is saved, the matmuls run at 16-bit speed.
  std::vector<std::string> weight_only_quants;
  std::vector<std::string> kv_quants;     ///< KV-cache precisions it supports
  std::vector<std::string> architectures; ///< HF model_type values it serves; empty means any
  bool paged_kv = false;
  bool prefix_caching = false;
  bool speculative_decoding = false;
  /// A serving system: an API server and a scheduler process beside the model's workers, built to batch many
  /// users (vLLM, SGLang, LMDeploy, TensorRT-LLM, TGI), not a single-process runner (llama.cpp, Ollama, MLX).
  bool server = false;
  /// Where flash attention is a switch (llama.cpp's -fa, Ollama's OLLAMA_FLASH_ATTENTION): whether its default
  /// run uses it; without it prefill writes and reads every layer's P × P scores. Absent: the engine's
  /// attention kernels never materialize them (vLLM, SGLang, TensorRT-LLM, …).
  std::optional<bool> flash_attention;
  std::optional<double> gpu_memory_utilization; ///< default share of device memory it takes
  /// Default share of the memory free after loading the weights (and profiling a prefill) that it gives the KV
  /// cache: TensorRT-LLM, LMDeploy and TGI size it this way instead of by a share of the whole device.
  std::optional<double> kv_cache_free_memory_fraction;
  std::optional<std::string> multi_node; ///< how it spans hosts ("ray", "mpi"), if it can
  /// The head divisibility its tensor parallelism needs; absent for engines without tensor parallelism.
  std::optional<TensorParallelRule> tensor_parallel;
  /// Absent: experts are sharded by tensor parallelism, as with a rule whose by_default is false.
  std::optional<ExpertParallelRule> expert_parallel;
  /// Absent: the KV cache follows every model's sliding window (vLLM, SGLang, …).
  std::optional<SlidingWindowRule> sliding_window;
  EngineStatus status;                     ///< active unless engines.json says otherwise
  std::optional<PreferredOn> preferred_on; ///< backends where it is the engine most used
  GgmlRuntime ggml;                        ///< llama.cpp-style runtime properties (all off for other engines)
  /// Whose calibration rows price it ("llama.cpp" for Ollama, which runs llama.cpp's kernels); empty: its own id.
  std::string calibrated_as;
  std::vector<OwnFormat> own_formats;
  /// Its CPU backend's own limits; absent: the CPU runs whatever the engine runs elsewhere.
  std::optional<CpuBackendRule> cpu;
  /// Absent: continuous batching with vLLM's defaults (SchedulerSpec's).
  std::optional<SchedulerSpec> scheduler;
  std::optional<QuantizationRule> quantizes_on_load; ///< made from 16-bit published weights as it loads them
  std::optional<QuantizationRule> local_conversion;  ///< made by the engine's tools before it starts (llama.cpp, MLX)
  std::optional<WeightOnlyRule> weight_only;         ///< where weight_only_quants run
  std::vector<BackendLimit> backend_limits;
  std::optional<NativeArchitectures> native_architectures;
  /// It names models by their MaxText model_name (JetStream), which data/artifacts.json must give.
  bool needs_maxtext_name = false;
  std::string source;
};

/// The quants.json id the engine runs `quant` as: its own format where it has one, else `quant` itself.
const std::string& format_for(const EngineSpec* engine, const std::string& quant);

/// "active", "maintenance", "archived".
std::string_view to_string(EngineState state);

/// Whether the engine is among those most used on this backend ("cuda", "rocm", "tpu", …).
bool preferred_on(const EngineSpec& engine, std::string_view backend);

/// A weight precision or quantization format. Bits per weight include scales
/// and zero points. A checkpoint in this format stores each tensor role at its
/// own width: the transformer layers' matrices at bits_per_weight, the rest as
/// the optional fields say (model::weight_bytes applies them).
struct QuantFormat {
  std::string id;                   ///< "bf16", "fp8", "int4", "q4_k_m"
  std::vector<std::string> aliases; ///< "awq", "Q4_K_M"
  double bits_per_weight = 16;      ///< matrices of the transformer layers (a K-quant mix: their average)
  std::optional<double> attention_bits_per_weight; ///< attention and router matrices, when wider (gpt-oss MXFP4: 16)
  std::optional<double> embedding_bits_per_weight; ///< token embedding table; absent: bits_per_weight
  std::optional<double> lm_head_bits_per_weight;   ///< output projection; absent: the embedding's
  std::optional<double> vector_bits_per_weight;    ///< norms and vision tower; absent: 16, or wider formats' own
  std::string compute_precision;          ///< tensor-core precision the matmuls run in ("bf16", "fp8", "int8", "fp4")
  std::string family;                     ///< "float", "int", "gguf", "microscaling"
  std::optional<std::uint32_t> gguf_type; ///< ggml_type of its blocks (GGUF formats)
  std::optional<std::uint32_t> gguf_file_type; ///< llama_ftype a GGUF file in this format declares
  std::optional<std::uint32_t> block_weights;  ///< weights per quantization block
  std::optional<std::uint32_t> block_bytes;    ///< bytes per block, scales included
  bool kv_cache = false;                       ///< usable as a KV-cache precision (--kv-quant)
  std::vector<std::string> backends; ///< where kernels for it exist: "cuda", "rocm", "cpu", "metal", "tpu", …
  std::optional<std::string> min_compute_capability; ///< CUDA capability whose tensor cores run compute_precision
  std::string source;
};

/// Whether two architecture names name one family. HF model_type and GGUF general.architecture spell families
/// differently ("qwen3_moe", "qwen3moe", "gemma3_text", "gpt-oss"): compared without separators, case or a
/// "_text" suffix.
bool same_architecture(std::string_view a, std::string_view b);

/// Whether the engine's KV cache keeps only a sliding window for the sliding layers of this architecture.
bool honours_sliding_window(const EngineSpec& engine, std::string_view architecture);

/// A named workload: what a typical request looks like and what users expect.
struct WorkloadPreset {
  std::string id; ///< "chat"
  std::string description;
  std::uint64_t prompt_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::uint64_t concurrency = 1;
  std::optional<double> max_ttft_ms;
  std::optional<double> max_tpot_ms;
  std::optional<double> min_tok_s;
  std::string source;
};

} // namespace llmhw::catalog
