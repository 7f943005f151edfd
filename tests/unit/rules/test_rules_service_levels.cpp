// Service-level rules: a miss is measured as a factor, so that the penalty
// keeps growing with the shortfall and the ranking can prefer the candidate
// that comes closest when none meets the limits.

#include "rules_fixture.hpp"

#include <cmath>
#include <limits>

using llmhw::rules::assess;
using llmhw::rules::miss_ratio;
using llmhw::rules::Requirement;
using namespace rules_test;

TEST_CASE("a miss is a factor: the latency over its limit, the limit over the rate", "[rules]")
{
  CHECK(miss_ratio(Requirement{"max_tpot_ms", 100, 300, false, true}) == Approx(3));
  CHECK(miss_ratio(Requirement{"min_tok_s", 30, 10, false, false}) == Approx(3));
  CHECK(miss_ratio(Requirement{"max_tpot_ms", 100, 50, true, true}) == 1);
  CHECK(miss_ratio(Requirement{"fits", 80e9, 160e9, false, true}) == Approx(2));
  // Unknown (zero) estimates are the widest miss of all.
  CHECK(miss_ratio(Requirement{"min_tok_s", 30, 0, false, false}) == std::numeric_limits<double>::infinity());
}

TEST_CASE("the miss penalty keeps growing past a 100% miss: 10x costs more than 3x", "[rules]")
{
  // Chat's limit is 100 ms per output token; 300 ms is a 3x miss, 1000 ms a 10x miss. Under the old penalty,
  // a share of the limit capped at 100%, both cost the same 45 points.
  const auto penalty = [](double tpot_ms) {
    auto crafted = estimate("l40s", "vllm");
    crafted.performance.tpot_ms = tpot_ms;
    const auto assessment = assess(crafted, model("llama-3.1-8b"), chat(), catalog());
    const auto* missed = find(assessment, "TPOT_MISSED");
    REQUIRE(missed != nullptr);
    return missed->score_delta;
  };
  const int three = penalty(300);
  const int ten = penalty(1000);
  CHECK(three == -15 - static_cast<int>(std::lround(15 * std::log2(3.0))));
  CHECK(ten < three);
  CHECK(penalty(150) > three); // a 50% miss
  CHECK(penalty(101) >= -16);  // a near miss costs little more than the miss itself
}

TEST_CASE("a rate missed several times over says by what factor", "[rules]")
{
  auto workload = chat();
  workload.slo.min_tok_s = 30;
  auto crafted = estimate("l40s", "vllm");
  crafted.performance.decode_tok_s_per_user = 6; // a fifth of the minimum
  const auto assessment = assess(crafted, model("llama-3.1-8b"), workload, catalog());
  const auto* missed = find(assessment, "TOK_S_MISSED");
  REQUIRE(missed != nullptr);
  CHECK_THAT(missed->message, Catch::Contains("factor of 5"));
  CHECK(missed->score_delta == -15 - static_cast<int>(std::lround(15 * std::log2(5.0))));
}

TEST_CASE("a miss by less than the rounding is written in figures that differ", "[rules]")
{
  using llmhw::rules::requirement_figures;
  // 2.02 s against 2 s reads "2 s" twice in seconds, 99.96 tok/s against 100 "100 tok/s" twice.
  CHECK(requirement_figures(Requirement{"max_ttft_ms", 2000, 2020, false, true}).estimate == "2,020 ms");
  CHECK(requirement_figures(Requirement{"max_ttft_ms", 2000, 2020, false, true}).limit == "2,000 ms");
  CHECK(requirement_figures(Requirement{"min_tok_s", 100, 99.96, false, false}).estimate == "99.96 tok/s");
  CHECK(requirement_figures(Requirement{"min_tok_s", 100, 99.96, false, false}).limit == "100.00 tok/s");
  // A clear miss, or a requirement met, keeps the usual rounding; an unknown speed has no figure.
  CHECK(requirement_figures(Requirement{"max_ttft_ms", 2000, 3500, false, true}).estimate == "3.5 s");
  CHECK(requirement_figures(Requirement{"max_ttft_ms", 2000, 1990, true, true}).estimate == "2 s");
  CHECK(requirement_figures(Requirement{"max_tpot_ms", 50, 0, false, true}).estimate.empty());

  // The finding says so too: not "TPOT 100 ms misses the limit of 100 ms by 0%".
  auto crafted = estimate("l40s", "vllm");
  crafted.performance.tpot_ms = 100.3;
  const auto assessment = assess(crafted, model("llama-3.1-8b"), chat(), catalog());
  const auto* missed = find(assessment, "TPOT_MISSED");
  REQUIRE(missed != nullptr);
  CHECK_THAT(missed->message, Catch::Contains("100.3 ms misses the limit of 100.0 ms"));
}

TEST_CASE("each doubling of devices costs 3 points of the score shown", "[rules]")
{
  const auto one = assess(estimate("h100-sxm", "vllm"), model("llama-3.1-70b"), chat(), catalog());
  CHECK(find(one, "DEVICE_COUNT") == nullptr);
  CHECK(one.score == 100);
  const auto eight = assess(estimate("8xh100-sxm", "vllm"), model("llama-3.1-70b"), chat(), catalog());
  const auto* finding = find(eight, "DEVICE_COUNT");
  REQUIRE(finding != nullptr);
  CHECK(finding->score_delta == -9); // log2(8) = 3 doublings
  CHECK(finding->severity == llmhw::rules::Severity::info);
  CHECK(eight.score == 91);
  CHECK(eight.verdict == llmhw::rules::Verdict::recommended);
}
