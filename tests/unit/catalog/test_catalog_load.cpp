#include "llmhw/catalog/catalog.hpp"

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <set>

using llmhw::catalog::Catalog;
using llmhw::catalog::CatalogSources;
using llmhw::test::TempDir;

namespace {

Catalog builtin()
{
  auto catalog = llmhw::catalog::load({});
  REQUIRE(catalog.ok());
  return catalog.value();
}

/// A minimal valid GPU entry for user files, with `extra` fields spliced in.
std::string gpu_entry(const std::string& id, const std::string& extra = "")
{
  return R"({"id": ")" + id + R"(", "name": "Test GPU", "vendor": "Test", "kind": "gpu",
             "memory_bytes": 25769803776, "memory_bandwidth_bytes_s": 1e12, "source": "test fixture")" +
         extra + "}";
}

} // namespace

TEST_CASE("the built-in catalog loads, and every entry names its source", "[catalog]")
{
  const Catalog catalog = builtin();
  REQUIRE_FALSE(catalog.hardware.empty());
  REQUIRE_FALSE(catalog.models.empty());
  REQUIRE_FALSE(catalog.engines.empty());
  REQUIRE_FALSE(catalog.quants.empty());
  REQUIRE_FALSE(catalog.workloads.empty());
  for (const auto& spec : catalog.hardware) {
    INFO(spec.id);
    CHECK_FALSE(spec.source.empty());
    CHECK(spec.memory_bytes > 0);
  }
  for (const auto& model : catalog.models) {
    INFO(model.id);
    CHECK_FALSE(model.source.empty());
  }
  for (const auto& engine : catalog.engines) {
    CHECK_FALSE(engine.source.empty());
  }
  for (const auto& quant : catalog.quants) {
    CHECK_FALSE(quant.source.empty());
  }
  for (const auto& preset : catalog.workloads) {
    CHECK_FALSE(preset.source.empty());
  }
}

TEST_CASE("a user catalog file adds entries and replaces built-in ones by id", "[catalog]")
{
  TempDir dir;
  const std::string file = dir.write("mine.json", R"({"hardware": [)" + gpu_entry("my-gpu") + "," +
                                                      gpu_entry("h100-sxm", R"(, "aliases": ["my h100"])") + "]}");
  const std::size_t builtin_count = builtin().hardware.size();

  auto catalog = llmhw::catalog::load(CatalogSources{{file}, std::nullopt});
  REQUIRE(catalog.ok());
  CHECK(catalog->hardware.size() == builtin_count + 1);
  REQUIRE(catalog->find_hardware("my-gpu") != nullptr);
  const auto* replaced = catalog->find_hardware("h100-sxm");
  REQUIRE(replaced != nullptr);
  CHECK(replaced->name == "Test GPU");
  CHECK(replaced->memory_bandwidth_bytes_s == 1e12);
  CHECK(catalog->find_hardware("MY H100") == replaced);
}

TEST_CASE("files in LLM_HW_CATALOG_DIR load in name order, before --catalog files", "[catalog]")
{
  TempDir dir;
  dir.write("catalog/a.json", R"({"hardware": [)" + gpu_entry("shared", R"(, "tdp_watts": 100)") + "]}");
  dir.write("catalog/b.json", R"({"hardware": [)" + gpu_entry("shared", R"(, "tdp_watts": 200)") + "]}");
  dir.write("catalog/notes.txt", "not a catalog");
  const std::string explicit_file =
      dir.write("last.json", R"({"hardware": [)" + gpu_entry("shared", R"(, "tdp_watts": 300)") + "]}");

  auto from_dir = llmhw::catalog::load(CatalogSources{{}, (dir.path() / "catalog").string()});
  REQUIRE(from_dir.ok());
  CHECK(from_dir->find_hardware("shared")->tdp_watts == 200);

  auto both = llmhw::catalog::load(CatalogSources{{explicit_file}, (dir.path() / "catalog").string()});
  REQUIRE(both.ok());
  CHECK(both->find_hardware("shared")->tdp_watts == 300);
}

TEST_CASE("a bad user entry is an error naming the file, the entry and the field", "[catalog]")
{
  TempDir dir;
  SECTION("a string where a number belongs")
  {
    const std::string file = dir.write("bad.json", R"({"hardware": [)" + gpu_entry("ok") + "," +
                                                       R"({"id": "bad", "name": "B", "vendor": "V", "kind": "gpu",
                                                          "memory_bytes": "24GB", "memory_bandwidth_bytes_s": 1e12,
                                                          "source": "s"}]})");
    auto catalog = llmhw::catalog::load(CatalogSources{{file}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK(catalog.error().message() ==
          file + ": hardware[1].memory_bytes: expected a non-negative integer, got \"24GB\"");
  }
  SECTION("an unknown kind")
  {
    const std::string file = dir.write("kind.json", R"({"hardware": [)" + gpu_entry("x", R"(, "kind": "fpga")") + "]}");
    auto catalog = llmhw::catalog::load(CatalogSources{{file}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK_THAT(catalog.error().message(), Catch::Contains("hardware[0].kind: 'fpga' is not one of"));
  }
  SECTION("the same id twice in one file")
  {
    const std::string file =
        dir.write("dup.json", R"({"hardware": [)" + gpu_entry("twice") + "," + gpu_entry("twice") + "]}");
    auto catalog = llmhw::catalog::load(CatalogSources{{file}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK_THAT(catalog.error().message(), Catch::Contains("hardware[1].id: duplicate id 'twice'"));
  }
  SECTION("a system made of hardware that does not exist")
  {
    const std::string file = dir.write("sys.json", R"({"systems": [{"id": "rack", "name": "Rack", "kind": "system",
                                                        "device": "no-such-gpu", "count": 4, "source": "s"}]})");
    auto catalog = llmhw::catalog::load(CatalogSources{{file}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK_THAT(catalog.error().message(), Catch::Contains("systems[0].device: no hardware entry 'no-such-gpu'"));
  }
  SECTION("an unknown section")
  {
    const std::string file = dir.write("section.json", R"({"gpus": []})");
    auto catalog = llmhw::catalog::load(CatalogSources{{file}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK_THAT(catalog.error().message(), Catch::Contains("unknown field 'gpus'"));
  }
  SECTION("an id with spaces or capitals")
  {
    const std::string file = dir.write("id.json", R"({"hardware": [)" + gpu_entry("My GPU") + "]}");
    auto catalog = llmhw::catalog::load(CatalogSources{{file}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK_THAT(catalog.error().message(), Catch::Contains("hardware[0].id: 'My GPU' is not a valid id"));
  }
  SECTION("a malformed PCI id")
  {
    const std::string file =
        dir.write("pci.json", R"({"hardware": [)" + gpu_entry("p", R"(, "pci_ids": ["10DE:2330"])") + "]}");
    auto catalog = llmhw::catalog::load(CatalogSources{{file}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK_THAT(catalog.error().message(), Catch::Contains("'10DE:2330' is not a lower-case vendor:device pair"));
  }
  SECTION("a KV share of free memory outside (0, 1], or beside gpu_memory_utilization")
  {
    const std::string engine = R"({"id": "e", "name": "E", "backends": ["cuda"], "source": "s", )";
    const std::string share =
        dir.write("share.json", R"({"engines": [)" + engine + R"("kv_cache_free_memory_fraction": 1.5}]})");
    auto catalog = llmhw::catalog::load(CatalogSources{{share}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK_THAT(catalog.error().message(),
               Catch::Contains("engines[0].kv_cache_free_memory_fraction: must be in (0, 1]"));
    const std::string both =
        dir.write("both.json", R"({"engines": [)" + engine +
                                   R"("kv_cache_free_memory_fraction": 0.9, "gpu_memory_utilization": 0.9}]})");
    catalog = llmhw::catalog::load(CatalogSources{{both}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK_THAT(catalog.error().message(), Catch::Contains("engines[0].kv_cache_free_memory_fraction: an engine sizes"));
  }
  SECTION("a file that does not exist")
  {
    auto catalog = llmhw::catalog::load(CatalogSources{{(dir.path() / "missing.json").string()}, std::nullopt});
    REQUIRE_FALSE(catalog.ok());
    CHECK_THAT(catalog.error().message(), Catch::Contains("missing.json: not found"));
  }
}

TEST_CASE("built-in ids are unique within each section", "[catalog]")
{
  const Catalog catalog = builtin();
  const auto unique = [](const auto& entries) {
    std::set<std::string> ids;
    for (const auto& entry : entries) {
      if (!ids.insert(entry.id).second) {
        return false;
      }
    }
    return true;
  };
  CHECK(unique(catalog.hardware));
  CHECK(unique(catalog.systems));
  CHECK(unique(catalog.models));
  CHECK(unique(catalog.engines));
  CHECK(unique(catalog.quants));
  CHECK(unique(catalog.workloads));
}
