// Estimator speed: candidates per second over the whole catalog, which is the
// inner loop of `llm-hw advise --target all`: every catalog target x engine x
// weight precision, for Llama 3.1 8B and DeepSeek-V3 on the chat workload;
// with the analytic speeds alone and with the serving simulation, whose cost
// per candidate is the difference (and, for a few loads, its own benchmark).

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/catalog/targets.hpp"
#include "llmhw/estimate/estimate.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/workload/workload.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

namespace {

std::vector<llmhw::estimate::Candidate> whole_catalog(const llmhw::catalog::Catalog& catalog)
{
  std::vector<llmhw::estimate::Candidate> candidates;
  for (const llmhw::catalog::TargetRef& target : llmhw::catalog::all_targets(catalog)) {
    for (const auto& [engine, quants] :
         {std::pair<const char*, std::vector<const char*>>{"vllm", {"bf16", "fp8", "int4"}},
          {"llama.cpp", {"q8_0", "q4_k_m"}}}) {
      for (const char* quant : quants) {
        llmhw::estimate::Candidate candidate;
        candidate.device = target.id;
        candidate.name = target.device.name;
        candidate.hardware = target.device;
        candidate.count = target.device_count;
        candidate.system = target.system;
        candidate.engine = engine;
        candidate.quant = quant;
        candidate.kv_quant = "fp16";
        candidates.push_back(std::move(candidate));
      }
    }
  }
  return candidates;
}

void estimate_catalog(benchmark::State& state, const char* model_id, llmhw::estimate::Speeds speeds)
{
  const auto catalog = llmhw::catalog::load({}).value();
  const auto model = llmhw::model::load(model_id, catalog).value();
  const auto workload = llmhw::workload::resolve({}, catalog).value();
  const auto candidates = whole_catalog(catalog);
  for (auto _ : state) {
    for (const auto& candidate : candidates) {
      benchmark::DoNotOptimize(llmhw::estimate::run(candidate, model, workload, catalog, speeds));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * candidates.size()));
  state.counters["candidates"] = static_cast<double>(candidates.size());
}

void estimate_whole_catalog(benchmark::State& state, const char* model_id)
{
  estimate_catalog(state, model_id, llmhw::estimate::Speeds::simulated);
}
void estimate_whole_catalog_analytic(benchmark::State& state, const char* model_id)
{
  estimate_catalog(state, model_id, llmhw::estimate::Speeds::analytic);
}
BENCHMARK_CAPTURE(estimate_whole_catalog, llama_3_1_8b, "llama-3.1-8b")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(estimate_whole_catalog, deepseek_v3, "deepseek-v3")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(estimate_whole_catalog_analytic, llama_3_1_8b, "llama-3.1-8b")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(estimate_whole_catalog_analytic, deepseek_v3, "deepseek-v3")->Unit(benchmark::kMillisecond);

/// One H100 SXM with vLLM, Llama 3.1 8B bf16, 2,000-token prompts and 200-token outputs: the simulation's cost
/// for one candidate under a closed loop of `users` (0: --concurrency max) or, with `rate`, Poisson arrivals.
void simulate_one_candidate(benchmark::State& state, std::uint64_t users, double rate)
{
  const auto catalog = llmhw::catalog::load({}).value();
  const auto model = llmhw::model::load("llama-3.1-8b", catalog).value();
  llmhw::workload::Overrides overrides;
  overrides.prompt_tokens = 2000;
  overrides.output_tokens = 200;
  overrides.concurrency = std::max<std::uint64_t>(1, users);
  overrides.max_concurrency = users == 0;
  if (rate > 0) {
    overrides.request_rate = rate;
  }
  const auto workload = llmhw::workload::resolve(overrides, catalog).value();
  llmhw::estimate::Candidate candidate;
  candidate.hardware = *catalog.find_hardware("h100-sxm");
  candidate.device = candidate.hardware.id;
  candidate.engine = "vllm";
  candidate.quant = "bf16";
  candidate.kv_quant = "bf16";
  for (auto _ : state) {
    benchmark::DoNotOptimize(llmhw::estimate::run(candidate, model, workload, catalog));
  }
}
BENCHMARK_CAPTURE(simulate_one_candidate, users_1, 1, 0.0)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(simulate_one_candidate, users_64, 64, 0.0)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(simulate_one_candidate, users_max, 0, 0.0)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(simulate_one_candidate, poisson_10_per_s, 1, 10.0)->Unit(benchmark::kMicrosecond);

} // namespace
