// advise --json: the document validates against docs/schema/advice-v1.json,
// keeps every figure as given, and survives names no JSON writer should break on.
#include "sample_advice.hpp"
#include "support/schema_check.hpp"

#include "llmhw/report/report.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using llmhw::report::Format;
using llmhw::test::check_against_schema;

namespace {

std::string render_json(const llmhw::advice::Advice& advice)
{
  return llmhw::report::advice(advice, Format::json, llmhw::report::Style{});
}

} // namespace

TEST_CASE("advice JSON with a recommendation validates against advice-v1", "[report][schema]")
{
  const auto check = check_against_schema(render_json(llmhw::test::sample_advice()), "advice");
  INFO(check.problems);
  CHECK(check.valid);
}

TEST_CASE("advice JSON with nothing fitting validates, with a null recommendation", "[report][schema]")
{
  const std::string text = render_json(llmhw::test::sample_advice_nothing_fits());
  const auto check = check_against_schema(text, "advice");
  INFO(check.problems);
  CHECK(check.valid);
  const auto document = nlohmann::json::parse(text);
  CHECK(document["recommendation"].is_null());
  CHECK(document["suggestions"].size() == 2);
}

TEST_CASE("the advice schema rejects a document that breaks the contract", "[report][schema]")
{
  // The validator must be able to fail: a verdict outside SPEC's three, a size as a string.
  auto document = llmhw::report::advice_json(llmhw::test::sample_advice());
  document["candidates"][0]["verdict"] = "maybe";
  CHECK_FALSE(check_against_schema(document.dump(), "advice").valid);

  document = llmhw::report::advice_json(llmhw::test::sample_advice());
  document["candidates"][0]["memory"]["weights_bytes"] = "16 GB";
  CHECK_FALSE(check_against_schema(document.dump(), "advice").valid);

  document = llmhw::report::advice_json(llmhw::test::sample_advice());
  document["candidates"][0].erase("command");
  CHECK_FALSE(check_against_schema(document.dump(), "advice").valid);
}

TEST_CASE("advice JSON keeps quotes, backslashes, non-ASCII and invalid UTF-8 in names", "[report][schema]")
{
  auto advice = llmhw::test::sample_advice();
  const std::string odd = "Lab \"Quoted\" GPU \\ rev2 — ünïcode";
  advice.candidates[0].assessment.estimate.candidate.name = odd;
  // A driver string with a stray Latin-1 byte: printed with U+FFFD, never a broken document.
  advice.candidates[1].assessment.estimate.candidate.name = "GPU \xE9t\xE9";
  const std::string text = render_json(advice);
  const auto check = check_against_schema(text, "advice");
  INFO(check.problems);
  CHECK(check.valid);
  const auto document = nlohmann::json::parse(text);
  CHECK(document["candidates"][0]["name"] == odd);
  CHECK(document["candidates"][1]["name"] == "GPU \xEF\xBF\xBDt\xEF\xBF\xBD");
}

TEST_CASE("advice JSON carries the memory plan and speeds as given", "[report][schema]")
{
  const auto document = nlohmann::json::parse(render_json(llmhw::test::sample_advice()));
  const auto& best = document["candidates"][0];
  CHECK(best["memory"]["weights_bytes"] == 16'060'000'000ULL);
  CHECK(best["memory"]["kv_cache_bytes"] == 4ULL * 1024 * 1024 * 1024);
  CHECK(best["performance"]["tpot_ms"] == 62.5);
  CHECK(best["requirements"][2]["name"] == "max_tpot_ms");
  CHECK(best["requirements"][2]["met"] == false);
  CHECK(document["candidates"][2]["host"] == "desk-07");
  CHECK(document["candidates"][0]["host"].is_null());
}

TEST_CASE("advice JSON gives a null bound when no speed could be estimated", "[report][schema]")
{
  auto advice = llmhw::test::sample_advice();
  advice.candidates[0].assessment.estimate.performance = {};
  const std::string text = render_json(advice);
  const auto check = check_against_schema(text, "advice");
  INFO(check.problems);
  CHECK(check.valid);
  CHECK(nlohmann::json::parse(text)["candidates"][0]["performance"]["bound"].is_null());
}
