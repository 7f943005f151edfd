// Deployment rules: CPUs that suffice, consumer cards, PCIe-only tensor
// parallelism, MIG slices, hosts, engines for many users, unknown figures.

#include "rules_fixture.hpp"

using llmhw::rules::assess;
using llmhw::rules::Severity;
using llmhw::rules::Verdict;
using namespace rules_test;

TEST_CASE("a CPU that meets every requirement says so", "[rules]")
{
  auto crafted = estimate("epyc-9654", "llama.cpp", "q4_k_m", "fp16");
  crafted.performance.tpot_ms = 45;
  const auto assessment = assess(crafted, model("qwen2.5-0.5b"), chat(), catalog());
  const auto* finding = find(assessment, "CPU_SUFFICES");
  REQUIRE(finding != nullptr);
  // No points: the CPU ranks first by this code, and its other findings (Q4_K_M of a bf16 model, fixed llama.cpp
  // slots for 8 users) stay visible in its score instead of vanishing under a bonus clamped at 100.
  CHECK(finding->score_delta == 0);
  CHECK(assessment.score < 100);
  CHECK_THAT(finding->message, Catch::Contains("45"));
  CHECK(assessment.verdict == Verdict::recommended);

  crafted.performance.tpot_ms = 400; // misses chat's 100 ms
  const auto slow = assess(crafted, model("qwen2.5-0.5b"), chat(), catalog());
  CHECK(find(slow, "CPU_SUFFICES") == nullptr);

  // With no speed requirement at all there is nothing to suffice for.
  auto batch = chat();
  batch.slo = {};
  crafted.performance.tpot_ms = 45;
  CHECK(find(assess(crafted, model("qwen2.5-0.5b"), batch, catalog()), "CPU_SUFFICES") == nullptr);
}

TEST_CASE("a CPU suffices only with room for the error of its estimate, and never slower than a reader needs",
          "[rules]")
{
  // chat: TTFT <= 1000 ms, TPOT <= 100 ms. The fixture's estimate: 200 ms to the first token, 25 ms a token, 40 tok/s.
  const auto suffices = [](const llmhw::estimate::Estimate& crafted, const llmhw::workload::Workload& workload) {
    return find(assess(crafted, model("qwen2.5-0.5b"), workload, catalog()), "CPU_SUFFICES") != nullptr;
  };
  auto crafted = estimate("ryzen-9-7950x", "llama.cpp", "q4_k_m", "fp16");
  CHECK(suffices(crafted, chat()));

  // Met, but prefill estimates are the least certain: the first token must come within half the limit.
  crafted.performance.ttft_ms = 600;
  CHECK(find(assess(crafted, model("qwen2.5-0.5b"), chat(), catalog()), "TTFT_MET") != nullptr);
  CHECK_FALSE(suffices(crafted, chat()));
  crafted.performance.ttft_ms = 450;
  CHECK(suffices(crafted, chat()));

  // Each later token with a fifth of the limit to spare: 90 ms of 100 is met but too close.
  crafted.performance.tpot_ms = 90;
  CHECK_FALSE(suffices(crafted, chat()));
  crafted.performance.tpot_ms = 75;
  CHECK(suffices(crafted, chat()));

  // A lenient workload does not lower what a reader needs: a first token within 10 s (twice over) and 5 tok/s.
  auto patient = chat();
  patient.slo.max_ttft_ms = 60000;
  patient.slo.max_tpot_ms = 1000;
  crafted.performance.ttft_ms = 8000;
  CHECK_FALSE(suffices(crafted, patient));
  crafted.performance.ttft_ms = 4000;
  CHECK(suffices(crafted, patient));
  crafted.performance.decode_tok_s_per_user = 4;
  crafted.performance.tpot_ms = 250;
  CHECK_FALSE(suffices(crafted, patient));
}

TEST_CASE("a consumer GPU serving many users is warned about; a workstation card is not", "[rules]")
{
  auto workload = chat();
  workload.concurrency = 16;
  const auto geforce = assess(estimate("rtx-4090", "vllm"), model("llama-3.1-8b"), workload, catalog());
  const auto* finding = find(geforce, "CONSUMER_GPU_MANY_USERS");
  REQUIRE(finding != nullptr);
  CHECK_THAT(finding->message, Catch::Contains("16 users") && Catch::Contains("licence"));
  CHECK(find(assess(estimate("rtx-6000-ada", "vllm"), model("llama-3.1-8b"), workload, catalog()),
             "CONSUMER_GPU_MANY_USERS") == nullptr);
  workload.concurrency = 1;
  CHECK(find(assess(estimate("rtx-4090", "vllm"), model("llama-3.1-8b"), workload, catalog()),
             "CONSUMER_GPU_MANY_USERS") == nullptr);
}

TEST_CASE("tensor parallel over PCIe only is a warning; over NVLink it is not", "[rules]")
{
  const auto l40s = assess(estimate("2xl40s", "vllm"), model("llama-3.1-70b"), chat(), catalog());
  const auto* finding = find(l40s, "TP_OVER_PCIE");
  REQUIRE(finding != nullptr);
  CHECK_THAT(finding->message, Catch::Contains("pcie4"));
  CHECK(find(assess(estimate("2xh100-sxm", "vllm"), model("llama-3.1-70b"), chat(), catalog()), "TP_OVER_PCIE") ==
        nullptr);
  CHECK(find(assess(estimate("l40s", "vllm"), model("llama-3.1-8b"), chat(), catalog()), "TP_OVER_PCIE") == nullptr);
}

TEST_CASE("a MIG slice is named", "[rules]")
{
  auto crafted = estimate("a100-sxm4-80gb", "vllm");
  crafted.candidate.mig_profile = "3g.40gb";
  const auto assessment = assess(crafted, model("llama-3.1-8b"), chat(), catalog());
  const auto* finding = find(assessment, "MIG_SLICE");
  REQUIRE(finding != nullptr);
  CHECK_THAT(finding->message, Catch::Contains("3g.40gb"));
}

TEST_CASE("devices on several hosts need an engine with a multi-node mode", "[rules]")
{
  // Two DGX H100 boxes: 16 GPUs on 2 hosts. TGI shards within one host only.
  const auto tgi = assess(estimate("2xdgx-h100", "tgi"), model("llama-3.1-405b"), chat(), catalog());
  REQUIRE(find(tgi, "ENGINE_SINGLE_HOST") != nullptr);
  CHECK(tgi.verdict == Verdict::not_viable);
  const auto vllm = assess(estimate("2xdgx-h100", "vllm"), model("llama-3.1-405b"), chat(), catalog());
  const auto* finding = find(vllm, "MULTI_HOST");
  REQUIRE(finding != nullptr);
  CHECK_THAT(finding->message, Catch::Contains("ray"));
  CHECK(find(assess(estimate("dgx-h100", "tgi"), model("llama-3.1-70b"), chat(), catalog()), "ENGINE_SINGLE_HOST") ==
        nullptr);
}

TEST_CASE("engines without paged KV are warned off many users", "[rules]")
{
  auto workload = chat();
  workload.concurrency = 32;
  const auto llama_cpp =
      assess(estimate("h100-sxm", "llama.cpp", "q8_0", "fp16"), model("llama-3.1-8b"), workload, catalog());
  REQUIRE(find(llama_cpp, "ENGINE_FEW_SLOTS") != nullptr);
  CHECK(find(assess(estimate("h100-sxm", "vllm"), model("llama-3.1-8b"), workload, catalog()), "ENGINE_FEW_SLOTS") ==
        nullptr);
}

TEST_CASE("figures neither probed nor catalogued lower the confidence", "[rules]")
{
  auto crafted = estimate("h100-sxm", "vllm");
  crafted.candidate.unknown_figures = {"memory_bandwidth_bytes_s", "peak_tflops.bf16"};
  const auto assessment = assess(crafted, model("llama-3.1-8b"), chat(), catalog());
  const auto* finding = find(assessment, "UNKNOWN_FIGURES");
  REQUIRE(finding != nullptr);
  CHECK(finding->severity == Severity::warn);
  CHECK_THAT(finding->message, Catch::Contains("memory_bandwidth_bytes_s"));
  CHECK(assessment.score < 100);
}

TEST_CASE("a device without a peak for the precision gets no prefill figures and cannot meet a TTFT limit",
          "[rules][unknown-figures]")
{
  // The catalog's A10G has a bandwidth but no published tensor throughput (data/hardware.json).
  auto workload = chat();
  const auto estimated =
      llmhw::estimate::run(estimate("a10g", "vllm").candidate, model("llama-3.1-8b"), workload, catalog());
  CHECK(estimated.performance.ttft_ms == 0);
  CHECK(estimated.performance.prefill_tok_s == 0);
  CHECK(estimated.performance.throughput_tok_s == 0);
  CHECK(estimated.performance.decode_tok_s_per_user > 0); // bandwidth is known: decode stays estimated
  const auto& unknown = estimated.candidate.unknown_figures;
  CHECK(std::find(unknown.begin(), unknown.end(), "peak_tflops.bf16") != unknown.end());

  const auto assessment = assess(estimated, model("llama-3.1-8b"), workload, catalog());
  const auto* finding = find(assessment, "UNKNOWN_FIGURES");
  REQUIRE(finding != nullptr);
  CHECK_THAT(finding->message, Catch::Contains("time to first token"));
  REQUIRE(find(assessment, "TTFT_UNKNOWN") != nullptr);
  const auto ttft = std::find_if(assessment.requirements.begin(), assessment.requirements.end(),
                                 [](const auto& requirement) { return requirement.name == "max_ttft_ms"; });
  REQUIRE(ttft != assessment.requirements.end());
  CHECK_FALSE(ttft->met);

  // The same model on an L4, whose peak is catalogued, keeps its prefill figures.
  const auto l4 = llmhw::estimate::run(estimate("l4", "vllm").candidate, model("llama-3.1-8b"), workload, catalog());
  CHECK(l4.performance.ttft_ms > 0);
  CHECK(l4.candidate.unknown_figures.empty());
}
