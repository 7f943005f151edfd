// Serving under load (src/estimate/serving.cpp): one plan per candidate over the whole catalog, and the
// simulation's behaviour against what queueing and the rooflines say it must do. The bounds are computed here from
// the catalog's datasheet figures, never from the estimator's own output.

#include "support/builtin_catalog.hpp"

#include "llmhw/catalog/catalog.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

using llmhw::test::builtin_catalog;
using llmhw::test::catalog_model;

namespace {

/// The highest dense peak the device lists at any precision, FLOP/s (0 when it lists none).
double highest_peak(const llmhw::catalog::HardwareSpec& hardware)
{
  double peak = 0;
  for (const std::string precision : {"fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"}) {
    peak = std::max(peak, hardware.peak_tflops.get(precision).value_or(0.0) * 1e12);
  }
  return peak;
}

void check_percentiles_ordered(const llmhw::estimate::Percentiles& values, const char* name)
{
  INFO(name << " p50 " << values.p50 << " p90 " << values.p90 << " p99 " << values.p99);
  CHECK(values.p50 <= values.p90);
  CHECK(values.p90 <= values.p99);
}

/// The first engine of `engines` that runs on the device (GPUs: vLLM; TPUs: JetStream; others: llama.cpp).
std::string engine_for(const llmhw::catalog::HardwareSpec& hardware)
{
  using llmhw::catalog::DeviceKind;
  if (hardware.kind == DeviceKind::tpu) {
    return "jetstream";
  }
  if (hardware.kind == DeviceKind::gpu && hardware.vendor != "Apple") {
    return "vllm";
  }
  return "llama.cpp";
}

} // namespace

TEST_CASE("Serving: one consistent plan for every catalog device, users beyond the KV cache waiting",
          "[estimate][serving][property]")
{
  const auto& catalog = builtin_catalog();
  int checked = 0;
  int queued = 0;
  for (const std::string model_id : {"llama-3.1-8b", "qwen3-30b-a3b"}) {
    const auto model = catalog_model(model_id);
    for (const auto& hardware : catalog.hardware) {
      if (hardware.memory_bandwidth_bytes_s <= 0 || hardware.kind == llmhw::catalog::DeviceKind::cpu) {
        continue;
      }
      const std::string engine = engine_for(hardware);
      const std::string quant = engine == "llama.cpp" ? "q4_k_m" : "bf16";
      const auto* quant_format = catalog.find_quant(quant);
      REQUIRE(quant_format != nullptr);
      for (const std::uint64_t users : {1ULL, 64ULL}) {
        auto candidate = llmhw::test::candidate(hardware.id, engine, quant);
        const auto workload = llmhw::test::workload_of(2048, 256, users);
        const auto estimate = llmhw::estimate::run(candidate, model, workload, catalog);
        const auto& memory = estimate.memory;
        const auto& speed = estimate.performance;
        INFO(model_id << " on " << hardware.id << " with " << engine << ", " << users << " users; KV holds "
                      << memory.max_concurrency);
        ++checked;

        // fits: the weights and every user's KV cache, exactly when the memory figures say so.
        const double needed = static_cast<double>(memory.weights_bytes + memory.kv_cache_bytes +
                                                  memory.activation_bytes + memory.overhead_bytes);
        // A partial offload (llama.cpp -ngl) does not fit the device, but each layer carries every user's KV
        // cache where it lives, so all the users run.
        CHECK(memory.fits == (memory.max_concurrency >= users && !memory.gpu_layers));
        if (memory.gpu_layers) {
          CHECK(memory.max_concurrency == users);
        }
        if (memory.fits) {
          CHECK(needed <= static_cast<double>(memory.usable_bytes) * (1 + 1e-9) + 1);
          CHECK(memory.headroom_bytes >= -1);
        } else if (!memory.gpu_layers) {
          CHECK(needed > static_cast<double>(memory.usable_bytes) * (1 - 1e-9) - 1);
        }
        if (speed.tpot_ms <= 0 || speed.ttft_ms <= 0 || memory.max_concurrency == 0) {
          continue; // nothing runs, or no figures to estimate with (no peak for the precision: UNKNOWN_FIGURES)
        }

        // At most the sequences the KV cache holds run; percentiles ordered; the medians are the headline.
        CHECK(speed.sequences_running <= static_cast<double>(memory.max_concurrency) + 1e-9);
        CHECK(speed.sequences_running <= static_cast<double>(users) + 1e-9);
        check_percentiles_ordered(speed.ttft, "TTFT");
        check_percentiles_ordered(speed.tpot, "TPOT");
        check_percentiles_ordered(speed.e2e, "e2e");
        CHECK(speed.ttft_ms == Approx(speed.ttft.p50));
        CHECK(speed.tpot_ms == Approx(speed.tpot.p50));
        CHECK(speed.ttft.p99 <= speed.e2e.p99);

        // Rooflines from the datasheet: a user's tokens cannot come faster than the devices read one token's
        // weights, and the deployment's output cannot outrun its peak doing every request's prompt and output.
        const double bytes_per_token =
            static_cast<double>(llmhw::model::weight_bytes_read_per_token(model, *quant_format));
        CHECK(speed.decode_tok_s_per_user <= hardware.memory_bandwidth_bytes_s / bytes_per_token * 1.000001);
        const double peak = highest_peak(hardware);
        if (peak > 0) {
          const double flops_per_request = 2.0 * static_cast<double>(model.active_params - model.parameters.embedding) *
                                           static_cast<double>(workload.prompt_tokens + workload.output_tokens);
          const double max_requests_per_s = peak / flops_per_request;
          CHECK(speed.requests_per_s <= max_requests_per_s * 1.000001);
          CHECK(speed.throughput_tok_s <= max_requests_per_s * static_cast<double>(workload.output_tokens) * 1.000001);
        }

        // Twice the users the KV cache holds: the extra ones wait, so the first token comes later.
        const std::uint64_t capacity = memory.max_concurrency;
        if (users == 1 && capacity < 4096 && !memory.gpu_layers) { // an offload is planned for its users
          const auto crowded =
              llmhw::estimate::run(candidate, model, llmhw::test::workload_of(2048, 256, 2 * capacity + 1), catalog);
          CHECK_FALSE(crowded.memory.fits);
          CHECK(crowded.performance.sequences_running <= static_cast<double>(capacity) + 1e-9);
          CHECK(crowded.performance.queue_ms > 0);
          CHECK(crowded.performance.ttft_ms > speed.ttft_ms);
          ++queued;
        }
      }
    }
  }
  CHECK(checked > 100);
  CHECK(queued > 20);
}

TEST_CASE("Serving: TTFT grows with users beyond the KV cache, throughput does not", "[estimate][serving]")
{
  const auto model = catalog_model("llama-3.1-8b");
  const auto candidate = llmhw::test::candidate("l4", "vllm", "bf16");
  const auto at = [&](std::uint64_t users) {
    return llmhw::estimate::run(candidate, model, llmhw::test::workload_of(4000, 500, users), builtin_catalog());
  };
  const auto fitting = at(1);
  const std::uint64_t capacity = fitting.memory.max_concurrency;
  REQUIRE(capacity >= 2);
  const auto full = at(capacity);
  const auto twice = at(2 * capacity);
  const auto thrice = at(3 * capacity);
  CHECK(full.memory.fits);
  CHECK_FALSE(twice.memory.fits);
  // Little's law in a closed loop: each extra user waits for one more request to complete ahead of it.
  CHECK(twice.performance.ttft_ms > full.performance.ttft_ms);
  CHECK(thrice.performance.ttft_ms > twice.performance.ttft_ms);
  const double per_request_ms = 1e3 / twice.performance.requests_per_s;
  CHECK(thrice.performance.ttft_ms - twice.performance.ttft_ms ==
        Approx(static_cast<double>(capacity) * per_request_ms).epsilon(0.05));
  // Only the KV cache's sequences run, so beyond it the deployment's output stays the same.
  CHECK(twice.performance.throughput_tok_s == Approx(full.performance.throughput_tok_s).epsilon(0.02));
  CHECK(twice.performance.tpot_ms == Approx(full.performance.tpot_ms).epsilon(0.02));
}

TEST_CASE("Serving: a partial offload runs every user at once", "[estimate][serving]")
{
  // Qwen3-30B-A3B in q8_0 (32.5 GB of weights) on one L4 (24 GB, NVIDIA L4 datasheet): llama.cpp keeps 32 of 48
  // layers on the GPU with -np 8 slots, each layer's share of the eight KV caches beside it. Estimated as one
  // sequence alone, the report once read "8 users at 44.9 ms per token (22.3 tok/s each, 20.8 tok/s in all)".
  const auto model = catalog_model("qwen3-30b-a3b");
  const auto candidate = llmhw::test::candidate("l4", "llama.cpp", "q8_0");
  const auto estimate =
      llmhw::estimate::run(candidate, model, llmhw::test::workload_of(5000, 500, 8), builtin_catalog());
  REQUIRE(estimate.memory.gpu_layers.has_value());
  CHECK_FALSE(estimate.memory.fits);
  CHECK(estimate.memory.max_concurrency == 8);
  const auto& speed = estimate.performance;
  CHECK(speed.sequences_running > 7);
  // Eight users together produce more than one of them does (the contradiction above).
  CHECK(speed.throughput_tok_s > 4 * speed.decode_tok_s_per_user);
  CHECK(speed.decode_tok_s_aggregate == Approx(speed.decode_tok_s_per_user * speed.sequences_running));
}

TEST_CASE("Serving: running prefills slow the decode steps, and a prompt waits behind others", "[estimate][serving]")
{
  // 25 users with 5,000-token prompts on 2x H100 (the TensorRT-LLM case): every step that carries a prompt
  // chunk is a compute-bound 8k-token step, so TPOT is far above the lone sequence's.
  const auto model = catalog_model("llama-3.1-70b");
  const auto candidate = llmhw::test::candidate("h100-sxm", "tensorrt-llm", "fp8", 2);
  const auto alone = llmhw::estimate::run(candidate, model, llmhw::test::workload_of(5000, 500, 1), builtin_catalog());
  const auto loaded =
      llmhw::estimate::run(candidate, model, llmhw::test::workload_of(5000, 500, 25), builtin_catalog());
  REQUIRE(loaded.memory.fits);
  CHECK(loaded.performance.tpot_ms > 1.5 * alone.performance.tpot_ms);
  CHECK(loaded.performance.ttft.p99 > alone.performance.ttft_ms);
  CHECK(loaded.performance.sequences_running == Approx(25).epsilon(0.01));
}

TEST_CASE("Serving: Poisson arrivals queue once the rate passes what the deployment completes", "[estimate][serving]")
{
  const auto model = catalog_model("llama-3.1-8b");
  const auto candidate = llmhw::test::candidate("a100-sxm4-80gb", "vllm", "bf16");
  auto workload = llmhw::test::workload_of(1000, 200, 1);
  const auto alone = llmhw::estimate::run(candidate, model, workload, builtin_catalog());
  workload.concurrency = 256;
  const auto offline = llmhw::estimate::run(candidate, model, workload, builtin_catalog());
  const double capacity = offline.performance.requests_per_s;
  REQUIRE(capacity > 0);

  workload.request_rate = capacity * 0.05;
  const auto light = llmhw::estimate::run(candidate, model, workload, builtin_catalog());
  workload.request_rate = capacity * 2;
  const auto overloaded = llmhw::estimate::run(candidate, model, workload, builtin_catalog());
  // A light load: almost no queue, the first token about as soon as for a prompt alone.
  CHECK(light.performance.ttft_ms < 2 * alone.performance.ttft_ms + 5);
  CHECK(light.performance.requests_per_s == Approx(capacity * 0.05).epsilon(0.25));
  // Twice what it completes: the queue grows, and with it the tail.
  CHECK(overloaded.performance.ttft.p99 > 10 * light.performance.ttft.p99);
  CHECK(overloaded.performance.requests_per_s <= capacity * 1.1);
  // Deterministic: the same inputs, the same figures.
  const auto again = llmhw::estimate::run(candidate, model, workload, builtin_catalog());
  CHECK(again.performance.ttft.p99 == overloaded.performance.ttft.p99);
}

TEST_CASE("Serving: offline throughput counts the prefill", "[estimate][serving]")
{
  // The case: Llama 3.1 8B, fp8, one H100 SXM, TensorRT-LLM, 2,048-token prompts and 128-token outputs,
  // as many sequences as fit. NVIDIA's published figure is about 3,450 output tok/s; 16,184 was the decode-only
  // rate. Every request's prefill needs 2 x 8.0e9 x 2,048 FLOPs, so at the H100's dense fp8 peak (1,979 TFLOPS)
  // output cannot pass 1979e12 / (2 x 8.0e9 x 2,176) x 128 = 7,276 tok/s.
  const auto model = catalog_model("llama-3.1-8b");
  const auto candidate = llmhw::test::candidate("h100-sxm", "tensorrt-llm", "fp8");
  auto workload = llmhw::test::workload_of(2048, 128, 1);
  workload.max_concurrency = true;
  const auto estimate = llmhw::estimate::run(candidate, model, workload, builtin_catalog());
  CHECK(estimate.performance.throughput_tok_s < 7276);
  CHECK(estimate.performance.throughput_tok_s > 3450 / 2.0);
  CHECK(estimate.performance.throughput_tok_s < estimate.performance.decode_tok_s_aggregate);
}

namespace {

/// The built-in catalog with one engine's scheduler changed: the environment the simulation reads, not its code.
llmhw::catalog::Catalog with_scheduler(const std::string& engine_id,
                                       const std::function<void(llmhw::catalog::SchedulerSpec&)>& change)
{
  llmhw::catalog::Catalog catalog = builtin_catalog();
  for (auto& engine : catalog.engines) {
    if (engine.id == engine_id) {
      REQUIRE(engine.scheduler.has_value());
      change(*engine.scheduler);
    }
  }
  return catalog;
}

} // namespace

TEST_CASE("Serving: prompts that run apart from decode stall every decoding sequence", "[estimate][serving]")
{
  // SGLang's default (no --enable-mixed-chunk): an iteration with prompt tokens carries no decode tokens, so each
  // arriving prompt adds its whole prefill to the time between the running users' tokens.
  const auto model = catalog_model("llama-3.1-8b");
  const auto candidate = llmhw::test::candidate("h100-sxm", "vllm", "bf16");
  const auto workload = llmhw::test::workload_of(4000, 200, 32);
  const auto mixed_catalog = with_scheduler("vllm", [](auto& scheduler) { scheduler.mixed_batches = true; });
  const auto apart_catalog = with_scheduler("vllm", [](auto& scheduler) { scheduler.mixed_batches = false; });
  const auto mixed = llmhw::estimate::run(candidate, model, workload, mixed_catalog);
  const auto apart = llmhw::estimate::run(candidate, model, workload, apart_catalog);
  REQUIRE(mixed.memory.fits);
  CHECK(apart.performance.tpot.mean > mixed.performance.tpot.mean);
  CHECK(apart.performance.tpot.p99 > mixed.performance.tpot.p99);
  // Same work in all: the deployment's output moves by no more than the per-step overhead and batching allow.
  CHECK(apart.performance.throughput_tok_s == Approx(mixed.performance.throughput_tok_s).epsilon(0.25));
}

TEST_CASE("Serving: without chunked prefill a prompt waits for an iteration with room for all of it",
          "[estimate][serving]")
{
  // TensorRT-LLM's default: 5,000-token prompts in an 8,192-token budget go one per iteration, so a prompt that
  // arrives beside another waits for the next iteration where chunking would have split the budget between them
  // (delaying the first instead).
  const auto model = catalog_model("llama-3.1-70b");
  const auto candidate = llmhw::test::candidate("h100-sxm", "tensorrt-llm", "fp8", 2);
  const auto workload = llmhw::test::workload_of(5000, 500, 25);
  const auto chunked_catalog =
      with_scheduler("tensorrt-llm", [](auto& scheduler) { scheduler.chunked_prefill = true; });
  const auto whole_catalog = with_scheduler("tensorrt-llm", [](auto& scheduler) { scheduler.chunked_prefill = false; });
  const auto chunked = llmhw::estimate::run(candidate, model, workload, chunked_catalog);
  const auto whole = llmhw::estimate::run(candidate, model, workload, whole_catalog);
  REQUIRE(whole.memory.fits);
  // The same work either way: what the deployment completes barely moves.
  CHECK(whole.performance.requests_per_s == Approx(chunked.performance.requests_per_s).epsilon(0.1));
  // A lone prompt is one 5,000-token iteration either way: its TTFT is the median's floor.
  const auto alone = llmhw::estimate::run(candidate, model, llmhw::test::workload_of(5000, 500, 1), whole_catalog);
  CHECK(whole.performance.ttft.p50 >= alone.performance.ttft_ms * 0.99);
  // A prompt never runs in parts: meeting another only ever adds a further iteration to wait.
  CHECK(whole.performance.ttft.mean >= alone.performance.ttft_ms * 0.99);
}

TEST_CASE("Serving: a benchmark's start-up wave queues every user's first prompt", "[estimate][serving]")
{
  // 64 users with 4,096-token prompts on one H100 (bf16 Llama 3.1 8B), started at once as benchmark_serving
  // does: the wave's last prompts wait for nearly all 64 prefills. Their FLOPs alone, 2 x 7.5e9 active
  // non-embedding parameters x 4,096 tokens each, at the H100 SXM's dense bf16 peak (989 TFLOPS, datasheet)
  // take 64 x 62 ms = 4.0 s; the 7th-worst of 640 requests (p99) waits at least for 57 of them.
  const auto model = catalog_model("llama-3.1-8b");
  const auto candidate = llmhw::test::candidate("h100-sxm", "vllm", "bf16");
  auto workload = llmhw::test::workload_of(4096, 256, 64);
  const auto steady = llmhw::estimate::run(candidate, model, workload, builtin_catalog());
  workload.benchmark_rounds = 10;
  const auto benchmark = llmhw::estimate::run(candidate, model, workload, builtin_catalog());
  REQUIRE(benchmark.memory.fits);
  const double prefill_s = 2.0 * static_cast<double>(model.active_params - model.parameters.embedding) * 4096 / 989e12;
  CHECK(benchmark.performance.ttft.p99 >= 57 * prefill_s * 1e3);
  CHECK(benchmark.performance.ttft.mean > steady.performance.ttft.mean);
  check_percentiles_ordered(benchmark.performance.ttft, "TTFT");
  // The mean lies within the simulated requests' range, and the start-up wave's tail pulls it above the median.
  CHECK(benchmark.performance.ttft.mean > benchmark.performance.ttft.p50);
  CHECK(benchmark.performance.ttft.mean <= benchmark.performance.ttft.p99);
}

TEST_CASE("Serving: one user's prompt takes as long analytic as simulated", "[estimate][serving]")
{
  // The analytic TTFT bounds the simulated one (advice prunes on it), and for one user both cut the prompt into
  // the engine's chunks (Ollama's num_batch 512): they differ by the simulation's host time per step alone. A
  // prompt of 20 chunks is costed chunk by chunk, one of 195 in groups of equal chunks at their mean offset.
  const auto model = catalog_model("llama-3.1-8b");
  const auto candidate = llmhw::test::candidate("rtx-4090", "ollama", "q4_k_m");
  const double step_overhead_ms = builtin_catalog().find_engine("ollama")->scheduler->step_overhead_ms;
  for (const std::uint64_t prompt : {10'000, 100'000}) {
    INFO(prompt << " prompt tokens");
    const auto workload = llmhw::test::workload_of(prompt, 4, 1);
    const auto analytic =
        llmhw::estimate::run(candidate, model, workload, builtin_catalog(), llmhw::estimate::Speeds::analytic);
    const auto simulated = llmhw::estimate::run(candidate, model, workload, builtin_catalog());
    REQUIRE(simulated.memory.fits);
    const double chunks = std::ceil(static_cast<double>(prompt) / 512);
    CHECK(analytic.performance.ttft_ms <= simulated.performance.ttft.p50);
    CHECK(analytic.performance.ttft_ms ==
          Approx(simulated.performance.ttft.p50 - chunks * step_overhead_ms).epsilon(0.01));
  }
}
