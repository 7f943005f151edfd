// JSON for scripts, end to end through the binary: the recommendation as data, suggestions as structured
// alternatives, check's `passed`, --sort, and scores that never rise down the list.
#include "support/run_binary.hpp"
#include "support/schema_check.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

using llmhw::test::run_llm_hw;
using nlohmann::json;

namespace {

/// `llm-hw ARGUMENTS --json`: exits `expected_exit` and validates against docs/schema/advice-v1.json.
json run_json(std::vector<std::string> arguments, int expected_exit = 0)
{
  arguments.emplace_back("--json");
  const auto result = run_llm_hw(arguments);
  INFO("llm-hw " << Catch::Detail::stringify(arguments) << "\n" << result.err);
  REQUIRE(result.exit_code == expected_exit);
  const auto check = llmhw::test::check_against_schema(result.out, "advice");
  INFO(check.problems);
  CHECK(check.valid);
  return json::parse(result.out);
}

int verdict_rank(const json& candidate)
{
  const std::string verdict = candidate["verdict"].get<std::string>();
  return verdict == "recommended" ? 0 : verdict == "viable" ? 1 : 2;
}

/// A figure that may be null (unknown), as a number that sorts unknowns last.
double or_last(const json& value)
{
  return value.is_null() ? 1e300 : value.get<double>();
}

/// Every priced catalog target, from `llm-hw targets --json`.
std::vector<std::string> priced_targets()
{
  const auto result = run_llm_hw({"targets", "--json"});
  REQUIRE(result.exit_code == 0);
  const json document = json::parse(result.out);
  std::vector<std::string> ids;
  for (const json& target : document["targets"]) {
    if (!target["price_usd_per_hour"].is_null()) {
      ids.push_back(target["id"].get<std::string>());
    }
  }
  REQUIRE(ids.size() >= 5);
  return ids;
}

} // namespace

TEST_CASE("the recommendation carries the first candidate's count, hosts, precisions, command and cost",
          "[cli][json]")
{
  // A priced instance (an L4 at $0.805 an hour), and a TPU slice whose 16 chips sit on 2 hosts.
  for (const auto& [target, hosts] : std::vector<std::pair<std::string, int>>{{"aws-g6.xlarge", 1},
                                                                              {"tpu-v5e-16", 2}}) {
    const std::string model = target == "tpu-v5e-16" ? "llama-3.1-70b" : "llama-3.1-8b";
    const json document = run_json({"advise", "--model", model, "--target", target});
    INFO(target);
    const json& recommendation = document["recommendation"];
    REQUIRE(recommendation.is_object());
    const json& first = document["candidates"][0];
    for (const char* field : {"device", "count", "framework", "quant", "kv_quant", "command", "cost"}) {
      INFO(field);
      REQUIRE(recommendation.contains(field));
      CHECK(recommendation[field] == first[field]);
    }
    CHECK(recommendation["hosts"] == hosts);
    CHECK_FALSE(recommendation["command"].get<std::string>().empty());
    if (target == "aws-g6.xlarge") {
      CHECK(recommendation["cost"]["usd_per_hour"] == Approx(0.805));
      CHECK(recommendation["cost"]["usd_per_million_output_tokens"].get<double>() > 0);
    }
  }
  // A bare device carries no price: the cost's figures are null, as in the candidate.
  const json bare = run_json({"advise", "--model", "llama-3.1-8b", "--target", "h100-sxm"});
  CHECK(bare["recommendation"]["cost"]["usd_per_hour"].is_null());
  CHECK(bare["recommendation"]["cost"]["usd_per_million_output_tokens"].is_null());
}

TEST_CASE("alternatives are the suggestions as data, each reproducible with the options it names", "[cli][json]")
{
  // Llama 3.1 70B in bf16 (141 GB) on one H100: a narrower precision, more H100s or a bigger device would run it.
  const json document = run_json({"advise", "--model", "llama-3.1-70b", "--target", "h100-sxm", "--quant", "bf16"});
  const json& alternatives = document["alternatives"];
  const json& suggestions = document["suggestions"];
  REQUIRE(alternatives.is_array());
  REQUIRE_FALSE(alternatives.empty());
  CHECK(alternatives.size() == suggestions.size()); // every suggestion here is another deployment
  std::set<std::string> kinds;
  for (std::size_t i = 0; i < alternatives.size(); ++i) {
    const json& alternative = alternatives[i];
    INFO(alternative.dump());
    CHECK(alternative["message"] == suggestions[i]);
    kinds.insert(alternative["kind"].get<std::string>());
    // The sentence names the option values that the object carries.
    if (alternative["target"].is_string() && alternative["kind"] != "quant") {
      CHECK_THAT(suggestions[i].get<std::string>(),
                 Catch::Contains("--target " + alternative["target"].get<std::string>()));
    }
    if (alternative["kind"] == "quant") {
      CHECK_THAT(suggestions[i].get<std::string>(),
                 Catch::Contains("--quant " + alternative["quant"].get<std::string>()));
    }
    CHECK(alternative["performance"]["tpot_ms"].get<double>() > 0);
  }
  CHECK(kinds.count("quant") == 1);
  CHECK(kinds.count("count") == 1);

  // Running what the quant alternative says gives a candidate that fits, at the speed it promised.
  for (const json& alternative : alternatives) {
    if (alternative["kind"] != "quant") {
      continue;
    }
    REQUIRE(alternative["target"].is_string());
    const json changed = run_json({"advise", "--model", "llama-3.1-70b", "--target",
                                   alternative["target"].get<std::string>(), "--quant",
                                   alternative["quant"].get<std::string>(), "--framework",
                                   alternative["framework"].get<std::string>()});
    const json& best = changed["candidates"][0];
    CHECK(best["fits"] == true);
    CHECK(best["count"] == alternative["count"]);
    CHECK(best["performance"]["tpot_ms"].get<double>() ==
          Approx(alternative["performance"]["tpot_ms"].get<double>()).epsilon(0.05));
  }

  // A recommendation that needs no change: no suggestions and no alternatives.
  const json fine = run_json({"advise", "--model", "llama-3.1-8b", "--target", "h100-sxm"});
  CHECK(fine["suggestions"].empty());
  CHECK(fine["alternatives"].empty());
}

TEST_CASE("check --json says passed exactly when check exits 0", "[cli][json]")
{
  const json passing = run_json({"check", "--model", "llama-3.1-8b", "--target", "h100-sxm"}, 0);
  REQUIRE(passing.contains("passed"));
  CHECK(passing["passed"] == true);

  const json failing = run_json({"check", "--model", "llama-3.1-70b", "--target", "h100-sxm", "--quant", "bf16"}, 1);
  REQUIRE(failing.contains("passed"));
  CHECK(failing["passed"] == false);

  // A plan that runs but misses a requirement fails too.
  const json missing = run_json({"check", "--model", "llama-3.1-8b", "--target", "h100-sxm", "--max-tpot-ms", "1"}, 1);
  CHECK(missing["passed"] == false);
  CHECK(missing["recommendation"].is_object());

  // advise has no pass or fail.
  CHECK_FALSE(run_json({"advise", "--model", "llama-3.1-8b", "--target", "h100-sxm"}).contains("passed"));
}

TEST_CASE("sort by cost puts the lowest cost per million output tokens first, within each verdict", "[cli][json]")
{
  std::vector<std::string> arguments = {"advise", "--model", "llama-3.1-8b", "--sort", "cost"};
  for (const std::string& target : priced_targets()) {
    arguments.insert(arguments.end(), {"--target", target});
  }
  const json document = run_json(arguments);
  const json& candidates = document["candidates"];
  REQUIRE(candidates.size() >= 5);
  for (std::size_t i = 1; i < candidates.size(); ++i) {
    INFO(candidates[i - 1]["device"] << " then " << candidates[i]["device"]);
    REQUIRE(verdict_rank(candidates[i - 1]) <= verdict_rank(candidates[i]));
    if (verdict_rank(candidates[i - 1]) == verdict_rank(candidates[i])) {
      CHECK(or_last(candidates[i - 1]["cost"]["usd_per_million_output_tokens"]) <=
            or_last(candidates[i]["cost"]["usd_per_million_output_tokens"]));
    }
  }
  // The recommendation follows the order: the cheapest plan that meets every requirement.
  CHECK(document["recommendation"]["device"] == candidates[0]["device"]);
  CHECK(document["recommendation"]["cost"] == candidates[0]["cost"]);

  // The whole catalog, most of it unpriced: a priced candidate leads all the same.
  const json all = run_json({"advise", "--model", "llama-3.1-8b", "--target", "all", "--sort", "cost"});
  CHECK(all["candidates"][0]["verdict"] == "recommended");
  CHECK(all["candidates"][0]["cost"]["usd_per_million_output_tokens"].is_number());
  CHECK(all["recommendation"]["cost"]["usd_per_million_output_tokens"].is_number());
}

TEST_CASE("sort by speed puts the fastest decode per user first, within each verdict", "[cli][json]")
{
  const json document = run_json({"advise", "--model", "llama-3.1-8b", "--target", "all", "--sort", "speed"});
  const json& candidates = document["candidates"];
  REQUIRE(candidates.size() > 20);
  for (std::size_t i = 1; i < candidates.size(); ++i) {
    INFO(candidates[i - 1]["device"] << " then " << candidates[i]["device"]);
    REQUIRE(verdict_rank(candidates[i - 1]) <= verdict_rank(candidates[i]));
    if (verdict_rank(candidates[i - 1]) == verdict_rank(candidates[i])) {
      CHECK(or_last(candidates[i - 1]["performance"]["tpot_ms"]) <= or_last(candidates[i]["performance"]["tpot_ms"]));
    }
  }
  // Not the judgement's order: by score a CPU that suffices leads; by speed a fast accelerator does.
  const json by_score = run_json({"advise", "--model", "llama-3.1-8b", "--target", "all"});
  CHECK(candidates[0]["device"] != by_score["candidates"][0]["device"]);
  CHECK(document["recommendation"]["device"] == candidates[0]["device"]);
}

TEST_CASE("scores never rise down the candidates under --sort score, across the whole catalog", "[cli][json]")
{
  // Models small to huge (dense, MoE, an fp8 checkpoint) and workloads that leave viable and not-viable rows.
  const std::vector<std::vector<std::string>> cases = {
      {"--model", "llama-3.1-8b"},
      {"--model", "qwen3-4b"},
      {"--model", "llama-3.1-70b"},
      {"--model", "deepseek-v3"},
      {"--model", "mixtral-8x7b", "--workload", "batch"},
      {"--model", "llama-3.1-8b", "--max-tpot-ms", "5", "--sort", "score"},
  };
  for (const auto& options : cases) {
    std::vector<std::string> arguments = {"advise", "--target", "all"};
    arguments.insert(arguments.end(), options.begin(), options.end());
    const json document = run_json(arguments);
    const json& candidates = document["candidates"];
    REQUIRE(candidates.size() > 20);
    std::set<std::string> verdicts;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      verdicts.insert(candidates[i]["verdict"].get<std::string>());
      if (i > 0) {
        INFO(Catch::Detail::stringify(options) << ": row " << i << " " << candidates[i]["device"] << " after "
                                               << candidates[i - 1]["device"]);
        CHECK(candidates[i]["score"].get<int>() <= candidates[i - 1]["score"].get<int>());
      }
      if (candidates[i]["verdict"] == "not-viable") {
        CHECK(candidates[i]["score"] == 0); // a plan that cannot run earns no points
      }
    }
    // The property is tested across verdicts, not within one.
    CHECK(verdicts.size() >= 2);
  }
}
