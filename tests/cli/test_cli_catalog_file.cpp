// docs/catalog.md's example user catalog: the docs quote the tested file, and
// it adds a system, a model and a workload through --catalog or $LLM_HW_CATALOG_DIR.
#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using llmhw::test::run_llm_hw;

namespace {

const std::string k_example = std::string(LLM_HW_TEST_FIXTURES) + "/catalog/team-catalog.json";

std::string read(const std::string& path)
{
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

const nlohmann::json* find_id(const nlohmann::json& entries, const std::string& id)
{
  for (const auto& entry : entries) {
    if (entry["id"] == id) {
      return &entry;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("docs/catalog.md quotes the tested example catalog file verbatim", "[cli][catalog][docs]")
{
  const std::string example = read(k_example);
  REQUIRE(!example.empty());
  CHECK_THAT(read(std::string(LLM_HW_SOURCE_DIR) + "/docs/catalog.md"), Catch::Contains("```json\n" + example + "```"));
}

TEST_CASE("a user catalog file adds a system with its price, counted over its devices", "[cli][catalog]")
{
  const auto result = run_llm_hw({"targets", "--json", "--catalog", k_example});
  REQUIRE(result.exit_code == 0);
  const auto document = nlohmann::json::parse(result.out);
  const auto* box = find_id(document["targets"], "team-2xl40s");
  const auto* l40s = find_id(document["targets"], "l40s");
  REQUIRE(box != nullptr);
  REQUIRE(l40s != nullptr);
  CHECK((*box)["count"] == 2);
  CHECK((*box)["price_usd_per_hour"] == 2.10);
  // The file states when the price was read, not where: the date comes through, the region stays null.
  CHECK((*box)["price_date"] == "2026-11-01");
  CHECK((*box)["price_region"].is_null());
  CHECK((*l40s)["price_date"].is_null());
  CHECK((*box)["memory_bytes"] == 2 * (*l40s)["memory_bytes"].get<std::uint64_t>());
}

TEST_CASE("a user catalog file adds a model that answers to its alias", "[cli][catalog]")
{
  const auto result = run_llm_hw({"models", "--json", "--catalog", k_example});
  REQUIRE(result.exit_code == 0);
  const auto document = nlohmann::json::parse(result.out);
  const auto* model = find_id(document["models"], "team-support-8b");
  REQUIRE(model != nullptr);
  CHECK((*model)["aliases"] == nlohmann::json::array({"support-8b"}));
  // The config is Llama 3.1 8B's; the model card's count is 8,030,261,248.
  CHECK((*model)["params"] == 8'030'261'248ULL);
}

TEST_CASE("LLM_HW_CATALOG_DIR loads every file in the folder", "[cli][catalog]")
{
  const llmhw::test::TempDir folder;
  folder.write("team-catalog.json", read(k_example));
  const auto result = run_llm_hw({"targets"}, {{"LLM_HW_CATALOG_DIR", folder.path().string()}});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("team-2xl40s"));
  CHECK_THAT(run_llm_hw({"targets"}).out, !Catch::Contains("team-2xl40s"));
}

TEST_CASE("targets --json gives every priced target its price date, region and source from data/hardware.json",
          "[cli][catalog]")
{
  const auto result = run_llm_hw({"targets", "--json"});
  REQUIRE(result.exit_code == 0);
  const auto document = nlohmann::json::parse(result.out);
  const auto catalog = nlohmann::json::parse(read(std::string(LLM_HW_SOURCE_DIR) + "/data/hardware.json"));
  int priced = 0;
  for (const auto& system : catalog["systems"]) {
    if (!system.contains("price_usd_per_hour")) {
      continue;
    }
    ++priced;
    const std::string id = system["id"].get<std::string>();
    INFO(id);
    const auto* target = find_id(document["targets"], id);
    REQUIRE(target != nullptr);
    CHECK((*target)["price_usd_per_hour"] == system["price_usd_per_hour"]);
    for (const char* field : {"price_date", "price_region", "price_source"}) {
      INFO(field);
      CHECK((*target)[field] == system.value(field, nlohmann::json(nullptr)));
    }
  }
  // The catalog prices cloud instances and TPU slices (AWS, Google Cloud); an empty loop would prove nothing.
  CHECK(priced >= 10);
}
