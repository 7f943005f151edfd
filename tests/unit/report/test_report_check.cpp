// check: PASS or FAIL, then a line per requirement with estimate, limit and result.
#include "sample_advice.hpp"

#include "llmhw/report/report.hpp"

#include <catch2/catch.hpp>

using llmhw::report::Format;
using llmhw::report::Style;

TEST_CASE("check fails and names the requirement the estimate misses", "[report][check]")
{
  const auto advice = llmhw::test::sample_advice();
  CHECK_FALSE(llmhw::report::check_passed(advice));
  const std::string text = llmhw::report::check(advice, Format::text, Style{});
  CHECK_THAT(text, Catch::StartsWith("FAIL Llama 3.1 8B Instruct on 1× NVIDIA L4 · vllm · bf16: "
                                     "1 of 3 requirements missed\n"));
  // 62.5 ms per output token against the 50 ms limit.
  CHECK_THAT(text, Catch::Matches(R"([\s\S]*\n  ✗  max_tpot_ms\s+62\.5 ms\s+≤ 50 ms  MISSED\n[\s\S]*)"));
  CHECK_THAT(text, Catch::Matches(R"([\s\S]*\n  ✓  max_ttft_ms\s+230 ms\s+≤ 800 ms  met\n[\s\S]*)"));
  CHECK_THAT(text, Catch::Matches(R"([\s\S]*\n  ✓  fits\s+20\.2 GiB\s+≤ 20\.2 GiB  met\n[\s\S]*)"));
  // The advice follows the verdict.
  CHECK_THAT(text, Catch::Contains("Recommended:"));
}

TEST_CASE("a miss by less than the rounding shows figures that differ", "[report][check]")
{
  // 2.02 s against a 2 s limit would read "2 s ≤ 2 s MISSED" in seconds; 99.96 tok/s against 100 "100 tok/s".
  auto advice = llmhw::test::sample_advice();
  auto& requirements = advice.candidates[0].assessment.requirements;
  requirements = {{"max_ttft_ms", 2000, 2020, false, true}, {"min_tok_s", 100, 99.96, false, false}};
  const std::string text = llmhw::report::check(advice, Format::text, Style{});
  CHECK_THAT(text, Catch::Matches(R"([\s\S]*\n  ✗  max_ttft_ms\s+2,020 ms\s+≤ 2,000 ms  MISSED\n[\s\S]*)"));
  CHECK_THAT(text, Catch::Matches(R"([\s\S]*\n  ✗  min_tok_s\s+99\.96 tok/s\s+≥ 100\.00 tok/s  MISSED\n[\s\S]*)"));
  // A met requirement keeps the usual rounding.
  requirements = {{"max_ttft_ms", 2000, 1990, true, true}};
  CHECK_THAT(llmhw::report::check(advice, Format::text, Style{}),
             Catch::Matches(R"([\s\S]*\n  ✓  max_ttft_ms\s+2 s\s+≤ 2 s  met\n[\s\S]*)"));
}

TEST_CASE("check passes when every requirement is met", "[report][check]")
{
  auto advice = llmhw::test::sample_advice();
  advice.candidates[0].assessment.requirements[2].met = true;
  CHECK(llmhw::report::check_passed(advice));
  CHECK_THAT(
      llmhw::report::check(advice, Format::text, Style{}),
      Catch::StartsWith("PASS Llama 3.1 8B Instruct on 1× NVIDIA L4 · vllm · bf16: every requirement met (3 of 3)"));
}

TEST_CASE("check fails when nothing fits or there is no candidate", "[report][check]")
{
  auto advice = llmhw::test::sample_advice_nothing_fits();
  CHECK_FALSE(llmhw::report::check_passed(advice));
  CHECK_THAT(llmhw::report::check(advice, Format::text, Style{}),
             Catch::Contains("✗  fits         20.2 GiB  ≤ 7.0 GiB  MISSED"));
  advice.candidates.clear();
  CHECK_FALSE(llmhw::report::check_passed(advice));
  CHECK_THAT(llmhw::report::check(advice, Format::text, Style{}), Catch::StartsWith("FAIL check: no candidate"));
}

TEST_CASE("check as markdown puts a requirement table above the advice", "[report][check]")
{
  const std::string text = llmhw::report::check(llmhw::test::sample_advice(), Format::markdown, Style{});
  CHECK_THAT(text, Catch::StartsWith("### ❌ llm-hw check: 1 of 3 requirements missed\n"));
  CHECK_THAT(text, Catch::Contains("| `max_tpot_ms` | 62.5 ms | ≤ 50 ms | ❌ missed |"));
  CHECK_THAT(text, Catch::Contains("| `max_ttft_ms` | 230 ms | ≤ 800 ms | ✅ met |"));
  CHECK(text.find("| Requirement |") < text.find("### llm-hw: Llama 3.1 8B Instruct"));
}

TEST_CASE("check as JSON is the advice document with whether it passed", "[report][check]")
{
  const auto advice = llmhw::test::sample_advice(); // the L4 misses max_tpot_ms
  auto check = nlohmann::json::parse(llmhw::report::check(advice, Format::json, Style{}));
  REQUIRE(check.contains("passed"));
  CHECK(check["passed"] == false);
  CHECK(check["passed"] == llmhw::report::check_passed(advice));
  check.erase("passed");
  CHECK(check == nlohmann::json::parse(llmhw::report::advice(advice, Format::json, Style{})));
}
