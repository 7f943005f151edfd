#pragma once
// Internals of the estimator, shared by its files: the resolved inputs of one
// candidate and the small formulas each file implements.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/estimate/calibration.hpp"
#include "llmhw/estimate/estimate.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::estimate::detail {

/// The assumption lines of one estimate, each written by a callable only where the estimate will be shown: the
/// ranking's analytic bounds (Speeds::analytic) are compared and dropped, thousands of them for `--target all`.
class Assumptions {
public:
  Assumptions() = default; ///< writes nothing: for figures recomputed after the plan has stated its assumptions
  Assumptions(std::vector<std::string>& lines, bool written) : m_lines(written ? &lines : nullptr) {}

  template <typename Line>
  void add(Line&& line)
  {
    if (m_lines != nullptr) {
      m_lines->emplace_back(line());
    }
  }

private:
  std::vector<std::string>* m_lines = nullptr;
};

/// How the candidate's devices split the model (parallel.cpp).
struct Layout {
  std::uint32_t devices = 1;
  std::uint32_t tensor_parallel = 1; ///< devices one layer is sharded over
  std::uint32_t pipeline_stages = 1; ///< groups of layers run one after another
  bool layer_split = false;          ///< llama.cpp's default multi-GPU mode: whole layers per device, no TP
  std::uint32_t nodes = 1;
  std::string link_kind = "none";    ///< what carries the all-reduce
  double link_bandwidth_bytes_s = 0; ///< one direction, per device
  double link_latency_s = 0;         ///< per all-reduce call
  /// Between hosts (nodes > 1): what carries the activations from one pipeline stage to the next.
  std::string network_kind = "none";
  double network_bandwidth_bytes_s = 0; ///< per host, one direction
  double network_latency_s = 0;         ///< per transfer
  bool network_assumed = false;         ///< not catalogued: a 100 Gb/s Ethernet assumed
};

/// Seconds to move `bytes` of activations across every host boundary of the pipeline, one after another.
double pipeline_hop_seconds(double bytes, const Layout& layout);

/// Everything one candidate's estimate is computed from.
struct Inputs {
  const Candidate& candidate;
  const model::ModelSpec& model;
  const workload::Workload& workload;
  const catalog::QuantFormat& quant; ///< the catalog's entries, not copies: estimates run thousands of times
  const catalog::QuantFormat& kv_quant;
  const catalog::EngineSpec* engine; ///< null when the catalog has no such engine
  DeviceClass device_class = DeviceClass::datacenter_gpu;
  EfficiencyFactors efficiency;
  Layout layout;
  double peak_flops = 0;                     ///< per device at the weights' compute precision; 0 when unknown
  std::string peak_precision;                ///< the precision whose peak was used
  std::optional<catalog::HardwareSpec> host; ///< host CPU for llama.cpp's CPU/GPU split
  EfficiencyFactors host_efficiency;
  double host_peak_flops = 0;
  /// The model as the engine's KV cache sees it: without its sliding window where the engine does not
  /// implement the window for this architecture (llama.cpp and Mistral 7B v0.1); empty: the model's own.
  std::optional<model::Architecture> full_context_arch;
  /// CPU engines: FLOP/s their attention kernels reach (data/calibration.json cpu_kernels, op "attention");
  /// 0: attention runs at the matmuls' rate.
  double attention_peak_flops = 0;
  /// CPU engines: share of the layers' weight bytes held a second time, repacked for the engine's kernels.
  double repacked_share = 0;
  /// Prefill writes and reads every layer's score matrix (no flash attention in the engine's default run).
  bool materializes_scores = false;
  /// Layer counts the step cost needs every iteration, counted once (the serving simulation steps thousands).
  std::uint32_t moe_layers = 0;
  std::uint32_t sliding_layers = 0;

  [[nodiscard]] const model::Architecture& kv_arch() const
  {
    return full_context_arch ? *full_context_arch : model.arch;
  }
};

// parallel.cpp
Layout plan_layout(const Candidate& candidate, const catalog::EngineSpec* engine);
/// Ring all-reduce of `bytes` over `devices` (Patarasuk & Yuan 2009): 2(n-1)/n of the message crosses each link.
double all_reduce_seconds(double bytes, const Layout& layout);

// cpu.cpp
/// Peak FLOP/s (OP/s for int8) of a CPU at a precision ("bf16": its widest unit for it) or on one unit
/// ("int8_vector", "amx_int8", …; CpuKernel::unit), from cores × clock (turbo where known) × operations per
/// cycle; empty when the clock or core count is unknown.
std::optional<double> cpu_peak_flops(const catalog::HardwareSpec& cpu, const std::string& unit);

// cpu.cpp (also GPUs and TPUs)
/// The device's dense peak for a precision, falling back to the widest precision it lists (a GGUF matmul on
/// a GPU without int8 tensor cores runs in fp16). Sets `used` to the precision taken.
double device_peak_flops(const catalog::HardwareSpec& hardware, const std::string& precision, std::string& used);

/// The memory bandwidth a device's usable cores can draw: for a CPU, at most
/// what its cores can keep in flight (see cpu.cpp); for others, the catalog figure.
double reachable_bandwidth(const catalog::HardwareSpec& hardware, Assumptions& assumptions);

// memory.cpp
MemoryPlan plan_memory(const Inputs& inputs, Assumptions& assumptions);
/// KV bytes of one sequence of `context` tokens across all devices (heads replicated when TP exceeds them).
double kv_bytes_per_sequence(const Inputs& inputs, std::uint64_t context);

// speed.cpp
/// One engine iteration: a token for each of `decode_sequences` sequences at `decode_context` tokens, plus
/// `prefill_tokens` prompt tokens of a chunk that starts `prefill_offset` tokens into its prompt.
struct StepBatch {
  double decode_sequences = 0;
  double decode_context = 0;
  double prefill_tokens = 0;
  double prefill_offset = 0;
};

/// What an iteration costs: the roofline of its mixed batch (the only place the roofline is computed).
struct StepCost {
  double memory = 0;        ///< per stage: bytes read / bandwidth
  double compute = 0;       ///< per stage: FLOPs / peak
  double comm = 0;          ///< per stage: tensor-parallel all-reduces and the hop to the next host
  double overhead = 0;      ///< per stage: kernel launches (calibrated per layer)
  double stage_seconds = 0; ///< max(memory, compute) + comm + overhead
  double seconds = 0;       ///< through every pipeline stage; 0 when the device's bandwidth is unknown
};

StepCost step_cost(const Inputs& inputs, const MemoryPlan& memory, const StepBatch& step);

/// The engine's scheduler (engines.json), or continuous batching with vLLM's defaults when it names none.
const catalog::SchedulerSpec& scheduler_of(const Inputs& inputs);

Performance plan_speed(const Inputs& inputs, const MemoryPlan& memory, std::uint64_t concurrency,
                       Assumptions& assumptions);

// serving.cpp
/// Steps the engine's scheduler over the workload's users (a closed loop of `users`, or Poisson arrivals at the
/// workload's request rate) and replaces the single-request figures with what users see under that load.
void simulate_serving(const Inputs& inputs, const MemoryPlan& memory, std::uint64_t users, Performance& performance,
                      Assumptions& assumptions);

/// Bounds no load can beat, from a few step costs (advice prunes with them before simulating): TPOT of one
/// sequence alone at its prompt's context, throughput of the running sequences at the cheapest iteration or at
/// the compute roofline of every request's prompt and output. TTFT stays the lone prompt's.
void bound_serving(const Inputs& inputs, const MemoryPlan& memory, std::uint64_t users, Performance& performance);

/// Weight bytes a decode step at `batch` sequences reads: MoE layers touch more experts as the batch grows.
double weight_bytes_read_per_step(const Inputs& inputs, std::uint64_t batch);

// moe.cpp
/// Routed experts a MoE layer runs for `tokens` tokens in one step (uniform routing); 0 for dense models.
double experts_touched_per_layer(const model::Architecture& arch, double tokens);
/// Time one pipeline stage's step of `tokens` tokens spends on MoE routing and per-expert GEMM start-up, beyond the
/// bytes and FLOPs.
double moe_step_seconds(const Inputs& inputs, double decode_tokens, double prompt_tokens);
/// Attention width w (4·w FLOPs per query per attended token): heads × head_dim, or for MLA the absorbed
/// latent form in decode and the decompressed form in prefill.
double attention_width(const model::Architecture& arch, bool decode);

} // namespace llmhw::estimate::detail
