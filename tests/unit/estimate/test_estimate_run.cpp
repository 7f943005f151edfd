// The memory plan and speed of single candidates, against figures worked out
// by hand from the model's published shape and the device's datasheet.

#include "support/builtin_catalog.hpp"

#include "llmhw/util/units.hpp"

using llmhw::estimate::run;
using llmhw::test::builtin_catalog;
using llmhw::test::candidate;
using llmhw::test::catalog_model;
using llmhw::test::d;
using llmhw::test::workload_of;

TEST_CASE("Memory plan: Llama 3.1 8B bf16 on one H100 SXM with vLLM", "[estimate][memory]")
{
  const auto model = catalog_model("llama-3.1-8b");
  const auto estimate =
      run(candidate("h100-sxm", "vllm", "bf16"), model, workload_of(1000, 1000, 16), builtin_catalog());
  const auto& memory = estimate.memory;
  // vLLM's default --gpu-memory-utilization 0.9 of the 81,559 MiB nvidia-smi reports.
  CHECK(memory.usable_bytes == Approx(0.9 * 85'520'809'984.0).epsilon(1e-6));
  // 8.03 B parameters in bf16: 16.06 GB.
  CHECK(memory.weights_bytes == Approx(16.06e9).epsilon(0.01));
  // KV: 32 layers x 2 x 8 KV heads x 128 x 2 bytes = 128 KiB per token; 2000 tokens x 16 sequences.
  CHECK(memory.kv_cache_bytes == 131'072ULL * 2000 * 16);
  CHECK(memory.fits);
  CHECK(memory.headroom_bytes > 0);
  CHECK(static_cast<double>(memory.headroom_bytes) ==
        Approx(d(memory.usable_bytes) - d(memory.weights_bytes) - d(memory.kv_cache_bytes) -
               d(memory.activation_bytes) - d(memory.overhead_bytes))
            .margin(2.0));
  // What is left after weights, activations and overhead holds max_concurrency sequences of 2000 tokens.
  const double left =
      d(memory.usable_bytes) - d(memory.weights_bytes) - d(memory.activation_bytes) - d(memory.overhead_bytes);
  CHECK(memory.max_concurrency == static_cast<std::uint64_t>(left / (131'072.0 * 2000)));
  // One sequence may use the model's whole 131,072-token window: 16 GiB of KV fits in the ~58 GB left.
  CHECK(memory.max_context == 131'072);
  CHECK(memory.total_layers == 32);
  CHECK_FALSE(memory.gpu_layers.has_value());
}

TEST_CASE("Memory plan: TensorRT-LLM, LMDeploy and TGI give the KV cache a share of the memory free after the weights",
          "[estimate][memory]")
{
  const auto model = catalog_model("llama-3.1-8b");
  const auto workload = workload_of(1000, 1000, 16);
  // The H100 SXM's 81,559 MiB (85,520,809,984 bytes) as nvidia-smi reports them.
  const double device = 85'520'809'984.0;
  // Defaults: TensorRT-LLM KvCacheConfig free_gpu_memory_fraction 0.9, LMDeploy --cache-max-entry-count 0.8,
  // TGI's TGI_WIGGLE_ROOM 0.95 ("leave 5%").
  for (const auto& [engine, share] : {std::pair{"tensorrt-llm", 0.9}, {"lmdeploy", 0.8}, {"tgi", 0.95}}) {
    CAPTURE(engine);
    const auto memory = run(candidate("h100-sxm", engine, "bf16"), model, workload, builtin_catalog()).memory;
    const double loaded = d(memory.weights_bytes) + d(memory.overhead_bytes) + d(memory.activation_bytes);
    // What the engine may use: everything it loads plus its share of what is free after that.
    CHECK(d(memory.usable_bytes) == Approx(loaded + share * (device - loaded)).epsilon(1e-6));
    const double kv_pool = share * (device - loaded);
    CHECK(memory.max_concurrency == static_cast<std::uint64_t>(kv_pool / (131'072.0 * 2000)));
    CHECK(d(memory.kv_cache_bytes) == 131'072.0 * 2000 * 16);
    CHECK(static_cast<double>(memory.headroom_bytes) == Approx(kv_pool - d(memory.kv_cache_bytes)).margin(2.0));
  }
  // A smaller share of the same free memory holds fewer sequences.
  const auto lmdeploy = run(candidate("h100-sxm", "lmdeploy", "bf16"), model, workload, builtin_catalog()).memory;
  const auto tensorrt = run(candidate("h100-sxm", "tensorrt-llm", "bf16"), model, workload, builtin_catalog()).memory;
  CHECK(lmdeploy.max_concurrency < tensorrt.max_concurrency);
}

TEST_CASE("Memory plan: a share of free memory changes nothing when the weights do not fit", "[estimate][memory]")
{
  const auto model = catalog_model("llama-3.1-70b");
  const auto memory =
      run(candidate("rtx-4090", "tensorrt-llm", "bf16"), model, workload_of(1000, 1000, 1), builtin_catalog()).memory;
  CHECK_FALSE(memory.fits);
  CHECK(memory.max_concurrency == 0);
  // 141 GB of weights against the card's 24 GiB: the shortfall is the whole difference.
  CHECK(static_cast<double>(memory.headroom_bytes) ==
        Approx(d(memory.usable_bytes) - d(memory.weights_bytes) - d(memory.overhead_bytes) -
               d(memory.activation_bytes) - d(memory.kv_cache_bytes))
            .margin(2.0));
  CHECK(d(memory.usable_bytes) == Approx(25'757'220'864.0).epsilon(1e-6));
}

TEST_CASE("Memory plan: Llama 3.1 70B bf16 does not fit one RTX 4090", "[estimate][memory]")
{
  const auto model = catalog_model("llama-3.1-70b");
  const auto estimate =
      run(candidate("rtx-4090", "vllm", "bf16"), model, workload_of(1000, 1000, 1), builtin_catalog());
  // 141 GB of weights against 24 GiB.
  CHECK_FALSE(estimate.memory.fits);
  CHECK(estimate.memory.headroom_bytes < 0);
  CHECK(estimate.memory.max_concurrency == 0);
  CHECK(estimate.memory.max_context == 0);
}

TEST_CASE("Concurrency max resolves to the sequences that fit", "[estimate][memory]")
{
  const auto model = catalog_model("llama-3.1-8b");
  auto workload = workload_of(1000, 1000, 1);
  workload.max_concurrency = true;
  const auto estimate = run(candidate("h100-sxm", "vllm", "bf16"), model, workload, builtin_catalog());
  CHECK(estimate.concurrency == estimate.memory.max_concurrency);
  CHECK(estimate.concurrency > 100);
  CHECK(estimate.memory.kv_cache_bytes == 131'072ULL * 2000 * estimate.concurrency);
  CHECK(estimate.memory.headroom_bytes >= 0);
  CHECK(estimate.memory.headroom_bytes < static_cast<std::int64_t>(131'072ULL * 2000));
}

TEST_CASE("llama.cpp offloads the layers that fit when the model does not", "[estimate][memory]")
{
  // Llama 3.1 70B Q4_K_M: ~42.5 GB of weights over 80 layers, ~0.53 GB a layer; a 24 GiB card holds ~45 of them.
  const auto model = catalog_model("llama-3.1-70b");
  const auto estimate =
      run(candidate("rtx-4090", "llama.cpp", "q4_k_m", 1, "fp16"), model, workload_of(512, 128, 1), builtin_catalog());
  CHECK_FALSE(estimate.memory.fits);
  REQUIRE(estimate.memory.gpu_layers.has_value());
  CHECK(*estimate.memory.gpu_layers >= 40);
  CHECK(*estimate.memory.gpu_layers <= 46);
  // The host's DRAM carries the rest: slower than the card's own roofline at the same bytes.
  CHECK(estimate.performance.decode_tok_s_per_user < 1008e9 / d(estimate.memory.weights_bytes));
  CHECK(estimate.performance.decode_tok_s_per_user > 0.5);
}

TEST_CASE("Decode: one sequence of Llama 3.1 8B is memory-bound and under the bandwidth roofline", "[estimate][speed]")
{
  const auto model = catalog_model("llama-3.1-8b");
  const auto estimate = run(candidate("h100-sxm", "vllm", "bf16"), model, workload_of(100, 100, 1), builtin_catalog());
  const auto& speed = estimate.performance;
  CHECK(speed.bound == "memory-bandwidth");
  // Roofline: 3.35 TB/s over 15 GB read per token (weights less the embedding table) = 223 tok/s.
  CHECK(speed.decode_tok_s_per_user < 3.35e12 / 15.0e9);
  CHECK(speed.decode_tok_s_per_user > 0.5 * 3.35e12 / 16.06e9);
  CHECK(speed.tpot_ms == Approx(1000.0 / speed.decode_tok_s_per_user));
  CHECK(speed.decode_tok_s_aggregate == Approx(speed.decode_tok_s_per_user));
  // Prefill of 100 tokens: 2 x 7.5 G FLOPs x 100 over 989 TFLOPS is 1.5 ms at peak; reading 16 GB once takes 4.8 ms.
  CHECK(speed.ttft_ms > 16.06e9 / 3.35e12 * 1e3);
}

TEST_CASE("Decode: large batches turn compute-bound and raise aggregate throughput", "[estimate][speed]")
{
  const auto model = catalog_model("llama-3.1-8b");
  const auto one =
      run(candidate("h100-sxm", "vllm", "fp8", 1, "fp8"), model, workload_of(128, 128, 1), builtin_catalog());
  const auto many =
      run(candidate("h100-sxm", "vllm", "fp8", 1, "fp8"), model, workload_of(128, 128, 1024), builtin_catalog());
  CHECK(many.performance.decode_tok_s_aggregate > 20 * one.performance.decode_tok_s_aggregate);
  CHECK(many.performance.tpot_ms > one.performance.tpot_ms);
  CHECK(many.performance.bound == "compute");
  // Compute roofline: 1979 fp8 TFLOPS / (2 x 7.5 G FLOPs) = 132k tok/s.
  CHECK(many.performance.decode_tok_s_aggregate < 1978.9e12 / (2 * 7.5e9));
}

TEST_CASE("Tensor parallel: 8 H100s decode Llama 3.1 70B faster than 4, over NVLink", "[estimate][speed]")
{
  const auto model = catalog_model("llama-3.1-70b");
  const auto four = run(candidate("h100-sxm", "vllm", "bf16", 4), model, workload_of(1000, 200, 8), builtin_catalog());
  const auto eight = run(candidate("h100-sxm", "vllm", "bf16", 8), model, workload_of(1000, 200, 8), builtin_catalog());
  CHECK(four.memory.fits);
  CHECK(eight.performance.tpot_ms < four.performance.tpot_ms);
  // The all-reduces keep 8 devices from halving 4 devices' step time.
  CHECK(eight.performance.tpot_ms > 0.5 * four.performance.tpot_ms);
  CHECK(d(eight.memory.usable_bytes) == Approx(2 * d(four.memory.usable_bytes)));
}
