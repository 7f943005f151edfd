// Estimator speed: candidates per second over the whole catalog, which is the
// inner loop of `llm-hw advise --target all`: every catalog target x engine x
// weight precision, for Llama 3.1 8B and DeepSeek-V3 on the chat workload.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/catalog/targets.hpp"
#include "llmhw/estimate/estimate.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/workload/workload.hpp"

#include <benchmark/benchmark.h>

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

void estimate_whole_catalog(benchmark::State& state, const char* model_id)
{
  const auto catalog = llmhw::catalog::load({}).value();
  const auto model = llmhw::model::load(model_id, catalog).value();
  const auto workload = llmhw::workload::resolve({}, catalog).value();
  const auto candidates = whole_catalog(catalog);
  for (auto _ : state) {
    for (const auto& candidate : candidates) {
      benchmark::DoNotOptimize(llmhw::estimate::run(candidate, model, workload, catalog));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * candidates.size()));
  state.counters["candidates"] = static_cast<double>(candidates.size());
}
BENCHMARK_CAPTURE(estimate_whole_catalog, llama_3_1_8b, "llama-3.1-8b")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(estimate_whole_catalog, deepseek_v3, "deepseek-v3")->Unit(benchmark::kMillisecond);

} // namespace
