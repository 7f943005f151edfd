// Memory and service-level rules: fit, concurrency, context, headroom,
// offload, and every requirement with its margin.

#include "rules_fixture.hpp"

using llmhw::rules::assess;
using llmhw::rules::Severity;
using llmhw::rules::Verdict;
using llmhw::units::GiB;
using namespace rules_test;

TEST_CASE("a candidate that does not fit is not viable and says by how much", "[rules]")
{
  auto crafted = estimate("h100-sxm", "vllm");
  crafted.memory.usable_bytes = 72 * GiB;
  crafted.memory.weights_bytes = 131 * GiB;
  crafted.memory.headroom_bytes = -static_cast<std::int64_t>(89 * GiB);
  crafted.memory.fits = false;
  crafted.memory.max_concurrency = 0; // the weights alone exceed the memory: no sequence fits
  const auto assessment = assess(crafted, model("llama-3.1-70b"), chat(), catalog());
  CHECK(assessment.verdict == Verdict::not_viable);
  const auto* finding = find(assessment, "DOES_NOT_FIT");
  REQUIRE(finding != nullptr);
  CHECK(finding->severity == Severity::blocker);
  CHECK_THAT(finding->message, Catch::Contains("131") && Catch::Contains("72"));
  const auto* fits = requirement(assessment, "fits");
  REQUIRE(fits != nullptr);
  CHECK_FALSE(fits->met);
  CHECK(fits->limit == Approx(72.0 * GiB));
  CHECK(fits->estimate == Approx(161.0 * GiB));
  // Speeds of a plan that does not fit are not judged.
  CHECK(requirement(assessment, "max_tpot_ms") == nullptr);
}

TEST_CASE("a KV cache too small for every user: the plan does not hold them, and says how many it does", "[rules]")
{
  auto crafted = estimate("rtx-6000-ada", "vllm");
  crafted.memory.max_concurrency = 3;
  crafted.memory.fits = false; // 3 of the chat workload's 8 users
  const auto assessment = assess(crafted, model("llama-3.1-8b"), chat(), catalog());
  const auto* finding = find(assessment, "KV_CACHE_LIMITS_CONCURRENCY");
  REQUIRE(finding != nullptr);
  CHECK(finding->severity == Severity::blocker);
  CHECK_THAT(finding->message, Catch::Contains("3 of the 8") && Catch::Contains("other 5 wait"));
  CHECK(assessment.verdict == Verdict::not_viable);
  // It runs (three at a time), so its speeds with the wait are judged, and the fits requirement is missed.
  REQUIRE(requirement(assessment, "fits") != nullptr);
  CHECK_FALSE(requirement(assessment, "fits")->met);
  CHECK(find(assessment, "DOES_NOT_FIT") == nullptr);
}

TEST_CASE("a context longer than the KV cache holds, or than the model was trained for", "[rules]")
{
  auto crafted = estimate("l4", "vllm");
  crafted.memory.max_context = 900;
  const auto short_cache = assess(crafted, model("llama-3.1-8b"), chat(), catalog());
  REQUIRE(find(short_cache, "CONTEXT_LIMITED_BY_MEMORY") != nullptr);
  CHECK_THAT(find(short_cache, "CONTEXT_LIMITED_BY_MEMORY")->message, Catch::Contains("900"));

  // Llama 2 was trained on 4096 positions (max_position_embeddings in its config.json).
  auto long_workload = chat();
  long_workload.prompt_tokens = 7000;
  long_workload.context = 8000;
  const auto too_long = assess(estimate("l4", "vllm", "fp16", "fp16"), model("llama-2-7b"), long_workload, catalog());
  const auto* blocker = find(too_long, "CONTEXT_EXCEEDS_MODEL");
  REQUIRE(blocker != nullptr);
  CHECK_THAT(blocker->message, Catch::Contains("4096"));
  CHECK(too_long.verdict == Verdict::not_viable);
}

TEST_CASE("thin headroom and partial offload are warnings", "[rules]")
{
  auto crafted = estimate("rtx-4090", "llama.cpp", "q4_k_m", "fp16");
  crafted.memory.headroom_bytes = static_cast<std::int64_t>(2 * GiB); // 2% of 100 GiB
  crafted.memory.gpu_layers = 20;
  crafted.memory.total_layers = 80;
  auto workload = chat();
  workload.concurrency = 1;
  const auto assessment = assess(crafted, model("llama-3.1-70b"), workload, catalog());
  REQUIRE(find(assessment, "THIN_HEADROOM") != nullptr);
  const auto* offload = find(assessment, "PARTIAL_OFFLOAD");
  REQUIRE(offload != nullptr);
  CHECK_THAT(offload->message, Catch::Contains("20 of 80") && Catch::Contains("-ngl 20"));
  CHECK(assessment.verdict == Verdict::recommended); // warnings lower the score, not the verdict
  CHECK(assessment.score <= 75);
}

TEST_CASE("each requirement is met or missed with its margin", "[rules]")
{
  auto workload = chat();
  workload.slo.min_tok_s = 20;
  workload.slo.min_throughput_tok_s = 1000;
  auto crafted = estimate("l40s", "vllm");
  crafted.performance.ttft_ms = 400; // limit 1000: 60% margin
  crafted.performance.tpot_ms = 150; // limit 100: missed by 50%
  crafted.performance.decode_tok_s_per_user = 6.7;
  crafted.performance.decode_tok_s_aggregate = 53;
  const auto assessment = assess(crafted, model("llama-3.1-8b"), workload, catalog());
  CHECK(assessment.verdict == Verdict::viable);

  const auto* ttft = requirement(assessment, "max_ttft_ms");
  REQUIRE(ttft != nullptr);
  CHECK(ttft->met);
  CHECK(ttft->limit == 1000);
  CHECK(ttft->estimate == 400);
  CHECK_THAT(find(assessment, "TTFT_MET")->message, Catch::Contains("60% margin"));

  const auto* tpot = requirement(assessment, "max_tpot_ms");
  REQUIRE(tpot != nullptr);
  CHECK_FALSE(tpot->met);
  REQUIRE(find(assessment, "TPOT_MISSED") != nullptr);
  CHECK(find(assessment, "TPOT_MISSED")->severity == Severity::warn);
  CHECK_THAT(find(assessment, "TPOT_MISSED")->message, Catch::Contains("150") && Catch::Contains("50%"));
  CHECK(find(assessment, "TOK_S_MISSED") != nullptr);
  CHECK(find(assessment, "THROUGHPUT_MISSED") != nullptr);
  CHECK(requirement(assessment, "min_throughput")->limit == 1000);
  CHECK(assessment.score < 50);
}

TEST_CASE("a wider miss costs more score than a near one", "[rules]")
{
  auto near = estimate("l40s", "vllm");
  near.performance.tpot_ms = 105;
  auto wide = estimate("l40s", "vllm");
  wide.performance.tpot_ms = 300;
  const auto near_score = assess(near, model("llama-3.1-8b"), chat(), catalog()).score;
  const auto wide_score = assess(wide, model("llama-3.1-8b"), chat(), catalog()).score;
  CHECK(near_score > wide_score);
  CHECK(near_score < 100);
}

TEST_CASE("a speed that could not be estimated never meets a requirement", "[rules]")
{
  auto crafted = estimate("epyc-9654", "llama.cpp", "q4_k_m", "fp16");
  crafted.performance = {};   // no bandwidth figure: the estimator gave no speed
  const auto assessment = assess(crafted, model("qwen2.5-0.5b"), chat(), catalog());
  REQUIRE(find(assessment, "TPOT_UNKNOWN") != nullptr);
  REQUIRE(requirement(assessment, "max_tpot_ms") != nullptr);
  CHECK_FALSE(requirement(assessment, "max_tpot_ms")->met);
  CHECK(find(assessment, "CPU_SUFFICES") == nullptr);
  CHECK(assessment.verdict == Verdict::viable);
}
