#pragma once
// The estimator: memory and speed of one candidate (devices × engine ×
// precision) for a model and workload. Pure functions of their inputs; every
// formula carries its reference where it is defined.

#include "llmhw/catalog/hardware.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/workload/workload.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::catalog {
struct Catalog;
struct EngineSpec;
} // namespace llmhw::catalog

namespace llmhw::estimate {

/// One way to serve the model: `count` devices of one kind, an engine, precisions.
struct Candidate {
  std::string device;             ///< "gpu0" for a local device; the catalog id ("h100-sxm", "tpu-v5e-8") for a target
  std::string name;               ///< what to call it in a report
  std::string host;               ///< host it lives on (fleets, --hardware); empty for catalog targets
  bool local = false;             ///< found by the probe on this machine
  catalog::HardwareSpec hardware; ///< per-device figures: probed values over catalog ones
  std::uint32_t count = 1;        ///< devices used together (tensor/pipeline parallel)
  std::optional<catalog::SystemSpec> system;      ///< the slice or instance shape, for catalog systems
  std::optional<std::uint64_t> memory_free_bytes; ///< probed free memory per device, when others use some
  /// Host RAM available (probed) for the layers a partial offload leaves on the CPU; absent when unknown.
  std::optional<std::uint64_t> host_memory_bytes;
  std::optional<std::string> mig_profile;
  std::vector<std::string> unknown_figures; ///< figures neither probed nor catalogued ("peak_tflops.bf16")
  std::string engine;                       ///< engines.json id
  std::string quant;                        ///< quants.json id of the weights
  std::string kv_quant;                     ///< quants.json id of the KV cache
  /// Flash attention as a run set it (a measurement's -fa); empty: the engine's default.
  std::optional<bool> flash_attention;
};

struct MemoryPlan {
  std::uint64_t usable_bytes = 0; ///< what the engine may use across all devices
  std::uint64_t weights_bytes = 0;
  std::uint64_t kv_cache_bytes = 0;   ///< for the workload's context × concurrency
  std::uint64_t activation_bytes = 0; ///< peak for the prefill chunk
  std::uint64_t overhead_bytes = 0;   ///< CUDA context, graphs, runtime buffers, OS share
  std::int64_t headroom_bytes = 0;    ///< usable − everything above; negative when it does not fit
  std::uint64_t max_concurrency = 0;  ///< sequences of the workload's context that fit
  std::uint64_t max_context = 0;      ///< longest context one sequence can have
  /// Weights + the KV cache of every requested sequence (--concurrency; with max, at least one) fit on the
  /// devices. When fewer fit (max_concurrency ≥ 1), the plan still runs that many; the other users wait.
  bool fits = false;
  /// llama.cpp -ngl when the model does not fit one GPU: the layers that do; the rest run on the host CPU
  /// (fits stays false; performance is for that split).
  std::optional<std::uint32_t> gpu_layers;
  std::uint32_t total_layers = 0;
  /// A partial offload's layers and their KV cache in host memory (0 without an offload), and the host memory
  /// there is for them: RAM available on the host, or what unified memory leaves beside the GPU's share. An
  /// offload whose host share does not fit is no plan: gpu_layers stays empty.
  std::uint64_t offload_host_bytes = 0;
  std::optional<std::uint64_t> host_available_bytes;
};

/// A latency's median, tails and mean over the simulated requests, in ms. The mean is what serving benchmarks
/// (vLLM's benchmark_serving, genai-perf) report first; a queue's tail pulls it above the median.
struct Percentiles {
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double mean = 0;
};

struct Performance {
  double prefill_tok_s = 0;
  double ttft_ms = 0;
  double tpot_ms = 0;
  double decode_tok_s_per_user = 0;
  double decode_tok_s_aggregate = 0;
  /// Output tokens/s of all sequences with each one's prefill interleaved (continuous batching): what an
  /// offline run at this concurrency delivers, and the figure to price output tokens by.
  double throughput_tok_s = 0;
  double requests_per_s = 0;    ///< requests completed per second under the load
  double queue_ms = 0;          ///< mean wait from a request's arrival until the scheduler admits it
  double sequences_running = 0; ///< mean sequences in flight (≤ memory.max_concurrency)
  /// Under the load (serving.cpp): ttft_ms and tpot_ms are the medians of these. All zero when not simulated.
  Percentiles ttft;
  Percentiles tpot;
  Percentiles e2e;
  std::string bound; ///< "memory-bandwidth", "compute" or "interconnect"
};

struct Estimate {
  Candidate candidate;
  std::uint64_t concurrency = 1; ///< the sequences estimated (resolved for --concurrency max)
  MemoryPlan memory;
  Performance performance;
  std::vector<std::string> assumptions; ///< what the figures rest on
};

/// Devices one layer is sharded over: the devices per host, or 1 where the engine splits whole layers.
std::uint32_t tensor_parallel_size(const Candidate& candidate, const catalog::EngineSpec* engine);

/// Why the engine cannot shard the model's attention heads over `tensor_parallel` devices (its rule in
/// engines.json); empty when it can, or when the engine or the model says nothing about heads.
std::optional<std::string> tensor_parallel_problem(const catalog::EngineSpec* engine, const model::Architecture& arch,
                                                   std::uint32_t tensor_parallel);

/// The speeds run() gives: the analytic ones alone (one request's prefill, a decode step of the running batch;
/// optimistic, and cheap), or those under the load from the serving simulation (src/estimate/serving.cpp). An
/// analytic estimate is a bound to compare, not a plan to show: its `assumptions` stay empty.
enum class Speeds { analytic, simulated };

/// The candidate is taken by value: a caller done with it moves it into the estimate.
Estimate run(Candidate candidate, const model::ModelSpec& model, const workload::Workload& workload,
             const catalog::Catalog& catalog, Speeds speeds = Speeds::simulated);

} // namespace llmhw::estimate
