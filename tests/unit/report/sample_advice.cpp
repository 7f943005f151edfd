#include "sample_advice.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/units.hpp"

namespace llmhw::test {
namespace {

using units::GiB;
using units::MiB;

// NVIDIA L4 datasheet: 24 GB GDDR6 at 300 GB/s; the driver reports 23,034 MiB.
// RTX 4060: 8 GB GDDR6 at 272 GB/s (NVIDIA's RTX 4060 family specifications).
catalog::HardwareSpec gpu(const std::string& id, const std::string& name, std::uint64_t memory_bytes,
                          double bandwidth_bytes_s)
{
  catalog::HardwareSpec spec;
  spec.id = id;
  spec.name = name;
  spec.vendor = "NVIDIA";
  spec.kind = catalog::DeviceKind::gpu;
  spec.memory_bytes = memory_bytes;
  spec.memory_bandwidth_bytes_s = bandwidth_bytes_s;
  return spec;
}

// Weights: 8.03 B parameters (Llama 3.1 model card) × 2 bytes in bf16.
// KV cache: 32 layers × 8 KV heads × 128 dims × 2 (K and V) × 2 bytes
// = 128 KiB per token (config.json of meta-llama/Llama-3.1-8B-Instruct);
// the chat workload provisions 4,096 tokens × 8 sequences = 4 GiB.
constexpr std::uint64_t k_weights_bytes = 16'060'000'000;
constexpr std::uint64_t k_kv_cache_bytes = 4 * GiB;
// Weights, KV cache, 512 MiB of activations and 768 MiB of engine overhead.
constexpr double k_needed_bytes = 21'697'144'576;

advice::RankedCandidate l4_candidate()
{
  advice::RankedCandidate ranked;
  estimate::Estimate& estimate = ranked.assessment.estimate;
  estimate.candidate.device = "l4";
  estimate.candidate.name = "NVIDIA L4";
  estimate.candidate.hardware = gpu("l4", "NVIDIA L4", 23'034 * MiB, 300e9);
  estimate.candidate.engine = "vllm";
  estimate.candidate.quant = "bf16";
  estimate.candidate.kv_quant = "bf16";
  estimate.concurrency = 8;
  // gpu_memory_utilization 0.9 of 23,034 MiB.
  estimate.memory.usable_bytes = 21'737'640'755;
  estimate.memory.weights_bytes = k_weights_bytes;
  estimate.memory.kv_cache_bytes = k_kv_cache_bytes;
  estimate.memory.activation_bytes = 512 * MiB;
  estimate.memory.overhead_bytes = 768 * MiB;
  estimate.memory.headroom_bytes = static_cast<std::int64_t>(estimate.memory.usable_bytes) -
                                   static_cast<std::int64_t>(k_weights_bytes + k_kv_cache_bytes + 1280 * MiB);
  estimate.memory.max_concurrency = 9;
  estimate.memory.max_context = 38'000;
  estimate.memory.fits = true;
  estimate.memory.total_layers = 32;
  // Decode reads the weights once per step: 300 GB/s / 16.06 GB ≈ 18.7 steps/s at most.
  estimate.performance = {.prefill_tok_s = 9'000,
                          .ttft_ms = 230,
                          .tpot_ms = 62.5,
                          .decode_tok_s_per_user = 16,
                          .decode_tok_s_aggregate = 128,
                          .throughput_tok_s = 0,
                          .requests_per_s = 0,
                          .queue_ms = 0,
                          .sequences_running = 0,
                          .ttft = {},
                          .tpot = {},
                          .e2e = {},
                          .bound = "memory-bandwidth"};
  estimate.assumptions = {"memory bandwidth 300 GB/s from the catalog (NVIDIA L4 datasheet)",
                          "vLLM reserves gpu_memory_utilization = 0.9 of device memory"};
  // Listed information first: the reports must put the warning above it.
  ranked.assessment.findings = {
      {"DECODE_MEMORY_BOUND", rules::Severity::info, "decode reads 16.1 GB of weights per step at 300 GB/s", 0},
      {"KV_CACHE_LIMITS_CONCURRENCY", rules::Severity::warn,
       "the KV cache holds 9 sequences of 4,096 tokens; more users queue", -5},
  };
  ranked.assessment.requirements = {{"fits", 21'737'640'755, k_needed_bytes, true},
                                    {"max_ttft_ms", 800, 230, true},
                                    {"max_tpot_ms", 50, 62.5, false}};
  ranked.assessment.score = 72;
  ranked.assessment.verdict = rules::Verdict::recommended;
  ranked.cost.usd_per_hour = 0.80;
  ranked.command = "vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 4096 --max-num-seqs 8";
  return ranked;
}

advice::RankedCandidate two_l4_candidate()
{
  advice::RankedCandidate ranked = l4_candidate();
  estimate::Estimate& estimate = ranked.assessment.estimate;
  estimate.candidate.count = 2;
  estimate.memory.usable_bytes *= 2;
  estimate.memory.headroom_bytes += static_cast<std::int64_t>(estimate.memory.usable_bytes / 2);
  estimate.performance.ttft_ms = 140;
  estimate.performance.tpot_ms = 34;
  estimate.performance.decode_tok_s_per_user = 29.4;
  estimate.performance.decode_tok_s_aggregate = 235;
  estimate.performance.bound = "interconnect";
  ranked.assessment.findings = {
      {"TENSOR_PARALLEL_OVER_PCIE", rules::Severity::warn, "2 GPUs exchange activations over PCIe 4.0 x16", -8}};
  ranked.assessment.requirements = {{"fits", 2 * 21'737'640'755.0, k_needed_bytes, true},
                                    {"max_ttft_ms", 800, 140, true},
                                    {"max_tpot_ms", 50, 34, true}};
  ranked.assessment.score = 64;
  ranked.assessment.verdict = rules::Verdict::viable;
  ranked.cost.usd_per_hour = 1.60;
  ranked.command += " --tensor-parallel-size 2";
  return ranked;
}

advice::RankedCandidate rtx_4060_candidate()
{
  advice::RankedCandidate ranked;
  estimate::Estimate& estimate = ranked.assessment.estimate;
  estimate.candidate.device = "gpu0";
  estimate.candidate.name = "NVIDIA GeForce RTX 4060";
  estimate.candidate.host = "desk-07";
  estimate.candidate.local = true;
  estimate.candidate.hardware = gpu("rtx-4060", "NVIDIA GeForce RTX 4060", 8 * GiB, 272e9);
  estimate.candidate.engine = "vllm";
  estimate.candidate.quant = "bf16";
  estimate.candidate.kv_quant = "bf16";
  estimate.concurrency = 8;
  estimate.memory.usable_bytes = 7 * GiB;
  estimate.memory.weights_bytes = k_weights_bytes;
  estimate.memory.kv_cache_bytes = k_kv_cache_bytes;
  estimate.memory.activation_bytes = 512 * MiB;
  estimate.memory.overhead_bytes = 768 * MiB;
  estimate.memory.headroom_bytes = static_cast<std::int64_t>(estimate.memory.usable_bytes) -
                                   static_cast<std::int64_t>(k_weights_bytes + k_kv_cache_bytes + 1280 * MiB);
  estimate.memory.fits = false;
  estimate.memory.total_layers = 32;
  estimate.performance.bound = "memory-bandwidth";
  ranked.assessment.findings = {
      {"SMALLER_QUANT_FITS", rules::Severity::info, "q4_k_m weights (4.9 GB) would fit with llama.cpp", 0},
      {"WEIGHTS_EXCEED_MEMORY", rules::Severity::blocker, "16.1 GB of bf16 weights exceed 7.0 GiB usable", -100}};
  ranked.assessment.requirements = {{"fits", 7.0 * GiB, k_needed_bytes, false}};
  ranked.assessment.score = 0;
  ranked.assessment.verdict = rules::Verdict::not_viable;
  ranked.command = "vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 4096";
  return ranked;
}

} // namespace

advice::Advice sample_advice()
{
  static const catalog::Catalog catalog = catalog::load({}).value();
  advice::Advice advice;
  advice.model = model::load("llama-3.1-8b", catalog).value();
  advice.workload.name = "chat";
  advice.workload.prompt_tokens = 3'072;
  advice.workload.output_tokens = 1'024;
  advice.workload.context = 4'096;
  advice.workload.concurrency = 8;
  advice.workload.slo.max_ttft_ms = 800;
  advice.workload.slo.max_tpot_ms = 50;
  advice.quant = "bf16";
  advice.kv_quant = "bf16";
  advice.weight_bytes = k_weights_bytes;
  advice.kv_bytes_per_token = 128 * units::KiB;
  advice.candidates = {l4_candidate(), two_l4_candidate(), rtx_4060_candidate()};
  const advice::RankedCandidate& first = advice.candidates.front();
  advice.recommendation =
      advice::Recommendation{"l4",  "vllm", "bf16", "Serve Llama 3.1 8B Instruct on 1× NVIDIA L4 with vLLM in bf16: about 16 tok/s per user.",
                             1,     1,      "bf16", first.command,
                             first.cost};
  advice.warnings = {"no GPU found by the probe; ranking catalog targets"};
  return advice;
}

advice::Advice sample_advice_nothing_fits()
{
  advice::Advice advice = sample_advice();
  advice.candidates = {rtx_4060_candidate()};
  advice.recommendation.reset();
  advice.suggestions = {"q4_k_m weights with llama.cpp fit in 8 GiB: --quant q4_k_m --framework llama.cpp",
                        "2× RTX 4060 hold the bf16 weights: --target 2xrtx-4060"};
  return advice;
}

} // namespace llmhw::test
