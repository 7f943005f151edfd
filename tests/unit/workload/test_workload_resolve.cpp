#include "llmhw/workload/workload.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using llmhw::workload::Overrides;
using llmhw::workload::resolve;

namespace {

const llmhw::catalog::Catalog& catalog()
{
  static const llmhw::catalog::Catalog loaded = llmhw::catalog::load({}).value();
  return loaded;
}

} // namespace

TEST_CASE("the default workload is the chat preset with context = prompt + output", "[workload]")
{
  const auto* chat = catalog().find_workload("chat");
  REQUIRE(chat != nullptr);
  auto workload = resolve(Overrides{}, catalog());
  REQUIRE(workload.ok());
  CHECK(workload->name == "chat");
  CHECK(workload->prompt_tokens == chat->prompt_tokens);
  CHECK(workload->context == chat->prompt_tokens + chat->output_tokens);
  CHECK(workload->slo.max_ttft_ms == chat->max_ttft_ms);
}

TEST_CASE("flags override the preset", "[workload]")
{
  Overrides overrides;
  overrides.prompt_tokens = 4000;
  overrides.concurrency = 32;
  overrides.slo.max_tpot_ms = 25;
  auto workload = resolve(overrides, catalog());
  REQUIRE(workload.ok());
  CHECK(workload->prompt_tokens == 4000);
  CHECK(workload->concurrency == 32);
  CHECK(workload->slo.max_tpot_ms == 25);
  CHECK(workload->context == 4000 + workload->output_tokens);
}

TEST_CASE("a context too small for prompt and output is refused", "[workload]")
{
  Overrides overrides;
  overrides.prompt_tokens = 1000;
  overrides.output_tokens = 500;
  overrides.context = 1200;
  auto workload = resolve(overrides, catalog());
  REQUIRE_FALSE(workload.ok());
  CHECK(workload.error().input == "--context");
  CHECK_THAT(workload.error().problem, Catch::Contains("1000 + 500 = 1500"));
}

TEST_CASE("an unknown preset gets a suggestion", "[workload]")
{
  Overrides overrides;
  overrides.workload = "chta";
  auto workload = resolve(overrides, catalog());
  REQUIRE_FALSE(workload.ok());
  CHECK_THAT(workload.error().problem, Catch::Contains("did you mean 'chat'"));
}

TEST_CASE("a workload file is read field by field", "[workload]")
{
  llmhw::test::TempDir dir;
  SECTION("valid, with concurrency max")
  {
    const std::string file = dir.write("w.json", R"({"prompt_tokens": 2048, "output_tokens": 128,
                                                     "concurrency": "max", "max_ttft_ms": 500})");
    Overrides overrides;
    overrides.workload = file;
    auto workload = resolve(overrides, catalog());
    REQUIRE(workload.ok());
    CHECK(workload->name == "w");
    CHECK(workload->prompt_tokens == 2048);
    CHECK(workload->max_concurrency);
    CHECK(workload->slo.max_ttft_ms == 500);
  }
  SECTION("a string where a number belongs")
  {
    const std::string file = dir.write("bad.json", R"({"prompt_tokens": "lots"})");
    Overrides overrides;
    overrides.workload = file;
    auto workload = resolve(overrides, catalog());
    REQUIRE_FALSE(workload.ok());
    CHECK(workload.error().message() == file + ": prompt_tokens: expected a non-negative integer, got \"lots\"");
  }
  SECTION("a negative latency target")
  {
    const std::string file = dir.write("neg.json", R"({"max_tpot_ms": -5})");
    Overrides overrides;
    overrides.workload = file;
    auto workload = resolve(overrides, catalog());
    REQUIRE_FALSE(workload.ok());
    CHECK_THAT(workload.error().message(), Catch::Contains("max_tpot_ms: must be positive"));
  }
  SECTION("zero concurrency")
  {
    const std::string file = dir.write("zero.json", R"({"concurrency": 0})");
    Overrides overrides;
    overrides.workload = file;
    CHECK_FALSE(resolve(overrides, catalog()).ok());
  }
}
