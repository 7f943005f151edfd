// Small consistencies a reader notices: one parameter count for a model wherever it is shown, and counts said
// in the singular when there is one.
#include "support/run_binary.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

using llmhw::test::run_llm_hw;

TEST_CASE("models and advise give a model the same parameter and active-parameter counts", "[cli][models]")
{
  const auto listed = run_llm_hw({"models", "--json"});
  REQUIRE(listed.exit_code == 0);
  std::map<std::string, nlohmann::json> by_id;
  const auto document = nlohmann::json::parse(listed.out);
  for (const auto& model : document["models"]) {
    by_id[model["id"].get<std::string>()] = model;
  }
  // Mixture-of-experts models (whose active count is computed from the experts used) and a dense one.
  for (const char* id : {"deepseek-v3", "qwen3-30b-a3b", "mixtral-8x7b", "gpt-oss-120b", "llama-3.1-8b"}) {
    INFO(id);
    REQUIRE(by_id.count(id) == 1);
    const auto advised = run_llm_hw({"advise", "--model", id, "--target", "8xh100-sxm", "--json"});
    REQUIRE(advised.exit_code == 0);
    const auto model = nlohmann::json::parse(advised.out)["model"];
    CHECK(by_id[id]["params"] == model["params"]);
    CHECK(by_id[id]["active_params"] == model["active_params"]);
  }
  // As text: DeepSeek-V3's row shows the 37.6B that advise's header shows.
  const auto table = run_llm_hw({"models"}, {{"COLUMNS", "200"}});
  const auto header = run_llm_hw({"advise", "--model", "deepseek-v3", "--target", "8xh200-sxm"});
  CHECK_THAT(header.out, Catch::Contains("(37.6B active)"));
  bool found = false;
  for (const std::string& line : llmhw::test::lines(table.out)) {
    if (line.starts_with("deepseek-v3 ")) {
      found = true;
      CHECK_THAT(line, Catch::Contains("37.6B"));
    }
  }
  CHECK(found);
}

TEST_CASE("a count of one is said in the singular", "[cli]")
{
  const auto one = run_llm_hw({"advise", "--model", "llama-3.1-8b", "--target", "l4", "--concurrency", "1"});
  REQUIRE(one.exit_code == 0);
  CHECK_THAT(one.out, Catch::Contains("· 1 user\n"));
  CHECK_THAT(one.out, !Catch::Contains("1 users"));
  const auto eight = run_llm_hw({"advise", "--model", "llama-3.1-8b", "--target", "l4", "--concurrency", "8"});
  CHECK_THAT(eight.out, Catch::Contains("· 8 users\n"));
}
