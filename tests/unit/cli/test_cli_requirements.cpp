#include "cli/requirements.hpp"

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using llmhw::cli::apply_requirements_file;
using llmhw::cli::Options;

TEST_CASE("a requirements file fills the options the command line left unset", "[cli][requirements]")
{
  llmhw::test::TempDir dir;
  dir.write("fleet/host-a.json", "{}");
  const std::string file = dir.write("deploy/../requirements.json", R"({
      "model": "llama-3.1-8b", "quant": "fp8", "targets": ["l4", "2xl4"], "workload": "chat",
      "hardware": ["fleet/host-a.json"], "concurrency": 16, "max_ttft_ms": 800, "max_tpot_ms": 45.5,
      "min_throughput": 1200})");
  Options options;
  options.quant = "int4";   // given on the command line: wins
  REQUIRE(apply_requirements_file(file, options).ok());
  CHECK(options.model == "llama-3.1-8b");
  CHECK(options.quant == "int4");
  CHECK(options.targets == std::vector<std::string>{"l4", "2xl4"});
  CHECK(options.workload == "chat");
  REQUIRE(options.hardware_files.size() == 1);
  CHECK(options.hardware_files[0] == (dir.path() / "fleet/host-a.json").string());
  CHECK(options.concurrency == "16");
  CHECK(options.max_ttft_ms == "800");
  CHECK(options.max_tpot_ms == "45.5");
  CHECK(options.min_throughput == "1200");
  CHECK_FALSE(options.min_tok_s.has_value());
}

TEST_CASE("a requirements file may ask for as many sequences as fit", "[cli][requirements]")
{
  llmhw::test::TempDir dir;
  const std::string file = dir.write("r.json", R"({"concurrency": "max"})");
  Options options;
  REQUIRE(apply_requirements_file(file, options).ok());
  CHECK(options.concurrency == "max");
}

TEST_CASE("a malformed requirements file names the file and the field", "[cli][requirements]")
{
  llmhw::test::TempDir dir;
  Options options;
  SECTION("a string where a number belongs")
  {
    const std::string file = dir.write("r.json", R"({"max_ttft_ms": "fast"})");
    auto applied = apply_requirements_file(file, options);
    REQUIRE_FALSE(applied.ok());
    CHECK(applied.error().message() == file + ": max_ttft_ms: expected a number, got \"fast\"");
  }
  SECTION("a misspelt field")
  {
    const std::string file = dir.write("r.json", R"({"max_ttft": 500})");
    auto applied = apply_requirements_file(file, options);
    REQUIRE_FALSE(applied.ok());
    CHECK(applied.error().message() == file + ": unknown field 'max_ttft'; did you mean 'max_ttft_ms'?");
  }
  SECTION("targets that are not a list of strings")
  {
    const std::string file = dir.write("r.json", R"({"targets": "h100-sxm"})");
    CHECK_FALSE(apply_requirements_file(file, options).ok());
  }
  SECTION("a negative concurrency")
  {
    const std::string file = dir.write("r.json", R"({"concurrency": -4})");
    auto applied = apply_requirements_file(file, options);
    REQUIRE_FALSE(applied.ok());
    CHECK_THAT(applied.error().message(), Catch::Contains("concurrency: expected a non-negative integer"));
  }
}
