// Property: no estimate beats the physical roofline of its devices. For every
// catalog device × a dense and an MoE model × every precision the device runs,
// decode cannot read the weights faster than the datasheet bandwidth allows,
// and prefill cannot do its arithmetic faster than the datasheet peak. The
// bounds are computed here from the catalog figures alone.

#include "support/builtin_catalog.hpp"

#include <algorithm>
#include <cmath>

using llmhw::test::builtin_catalog;
using llmhw::test::catalog_model;

namespace {

/// The highest dense peak the device lists at any precision, FLOP/s; for a CPU, a bound no core exceeds:
/// 2048 int8 operations per cycle (Intel AMX, the widest unit any CPU has) at its boost clock.
double highest_peak(const llmhw::catalog::HardwareSpec& hardware)
{
  if (hardware.cpu) {
    const double clock_ghz = hardware.cpu->boost_clock_ghz.value_or(hardware.cpu->base_clock_ghz.value_or(6.0));
    return hardware.cpu->cores * clock_ghz * 1e9 * 2048;
  }
  double peak = 0;
  for (const std::string precision : {"fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"}) {
    peak = std::max(peak, hardware.peak_tflops.get(precision).value_or(0.0) * 1e12);
  }
  return peak;
}

} // namespace

TEST_CASE("Roofline: no estimate over the catalog exceeds its devices' bandwidth or peak", "[estimate][roofline]")
{
  const auto& catalog = builtin_catalog();
  const std::vector<std::string> models = {"llama-3.1-8b", "qwen3-30b-a3b"};
  int checked = 0;
  for (const std::string& model_id : models) {
    const auto model = catalog_model(model_id);
    for (const auto& hardware : catalog.hardware) {
      if (hardware.memory_bandwidth_bytes_s <= 0) {
        continue;
      }
      for (const std::string quant_id : {"bf16", "fp8", "int4", "q4_k_m", "q8_0"}) {
        const auto* quant = catalog.find_quant(quant_id);
        REQUIRE(quant != nullptr);
        for (const std::string engine : {"vllm", "llama.cpp"}) {
          for (const std::uint32_t count : {1U, 4U}) {
            for (const std::uint64_t concurrency : {1ULL, 64ULL}) {
              llmhw::estimate::Candidate candidate;
              candidate.device = hardware.id;
              candidate.hardware = hardware;
              candidate.count = count;
              candidate.engine = engine;
              candidate.quant = quant_id;
              candidate.kv_quant = "bf16";
              const auto workload = llmhw::test::workload_of(512, 256, concurrency);
              const auto estimate = llmhw::estimate::run(candidate, model, workload, catalog);
              const auto& speed = estimate.performance;
              INFO(model_id << " " << quant_id << " on " << count << "x " << hardware.id << " with " << engine << ", "
                            << concurrency << " sequences");
              const double bandwidth = count * hardware.memory_bandwidth_bytes_s;
              const double bytes_per_token =
                  static_cast<double>(llmhw::model::weight_bytes_read_per_token(model, *quant));
              // Each step reads at least one token's weights once, across all devices together.
              CHECK(speed.decode_tok_s_per_user <= bandwidth / bytes_per_token * 1.0000001);
              // Every output token costs 2 FLOPs per active non-embedding parameter.
              const double flops_per_token =
                  2.0 * static_cast<double>(model.active_params - model.parameters.embedding);
              const double peak = count * highest_peak(hardware);
              if (peak > 0) {
                CHECK(speed.decode_tok_s_aggregate <= peak / flops_per_token * 1.0000001);
                CHECK(speed.throughput_tok_s <= peak / flops_per_token * 1.0000001);
                CHECK(speed.prefill_tok_s <= peak / flops_per_token * 1.0000001);
              }
              CHECK(speed.decode_tok_s_aggregate <=
                    static_cast<double>(concurrency) * bandwidth / bytes_per_token * 1.0000001);
              CHECK(speed.tpot_ms > 0);
              // No peak for the precision (the A10G; Grace, whose clock is not catalogued): no prefill figures,
              // never a bandwidth-only guess, and the gap is named. A GPU or TPU with a datasheet peak has them.
              CHECK((speed.ttft_ms > 0) == (speed.prefill_tok_s > 0));
              CHECK((speed.ttft_ms > 0) == estimate.candidate.unknown_figures.empty());
              if (!hardware.cpu && peak > 0) {
                CHECK(speed.ttft_ms > 0);
              }
              ++checked;
            }
          }
        }
      }
    }
  }
  // 111 devices × 2 models × 5 precisions × 2 engines × 2 counts × 2 concurrencies, less any without bandwidth.
  CHECK(checked > 4000);
}

TEST_CASE("Every catalog model gets finite, non-negative figures on every kind of device", "[estimate][roofline]")
{
  const auto& catalog = builtin_catalog();
  for (const auto& entry : catalog.models) {
    const auto model = catalog_model(entry.id);
    for (const std::string device : {"h100-sxm", "rtx-4090", "apple-m2-ultra-76c", "tpu-v5e", "epyc-9654"}) {
      for (const std::string engine : {"vllm", "llama.cpp", "jetstream"}) {
        auto workload = llmhw::test::workload_of(2048, 512, 4);
        workload.max_concurrency = engine == "vllm";
        const auto estimate =
            llmhw::estimate::run(llmhw::test::candidate(device, engine, "q4_k_m", 2), model, workload, catalog);
        const auto& speed = estimate.performance;
        INFO(entry.id << " on " << device << " with " << engine);
        for (const double figure : {speed.prefill_tok_s, speed.ttft_ms, speed.tpot_ms, speed.decode_tok_s_per_user,
                                    speed.decode_tok_s_aggregate, speed.throughput_tok_s}) {
          CHECK(std::isfinite(figure));
          CHECK(figure > 0);
        }
        CHECK(estimate.memory.weights_bytes > 0);
        CHECK(estimate.concurrency >= 1);
        CHECK_FALSE(speed.bound.empty());
      }
    }
  }
}
