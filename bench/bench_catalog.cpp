// Start-up cost: every command parses the built-in catalog first.
#include "llmhw/catalog/catalog.hpp"

#include <benchmark/benchmark.h>

namespace {

void catalog_load(benchmark::State& state)
{
  for (auto _ : state) {
    auto catalog = llmhw::catalog::load({});
    benchmark::DoNotOptimize(catalog);
  }
}
BENCHMARK(catalog_load)->Unit(benchmark::kMillisecond);

void hardware_lookup_by_vendor_name(benchmark::State& state)
{
  const auto catalog = llmhw::catalog::load({}).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(catalog.find_hardware("NVIDIA H100 80GB HBM3"));
  }
}
BENCHMARK(hardware_lookup_by_vendor_name);

} // namespace
