// The command surface of SPEC.md, run through the real binary.
#include "support/run_binary.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using llmhw::test::run_llm_hw;

TEST_CASE("llm-hw with no subcommand prints help and exits 0", "[cli]")
{
  const auto result = run_llm_hw({});
  CHECK(result.exit_code == 0);
  for (const char* command : {"probe", "advise", "check", "models", "targets"}) {
    CHECK_THAT(result.out, Catch::Contains(command));
  }
}

TEST_CASE("the version flag prints the version and the backends", "[cli]")
{
  const auto result = run_llm_hw({"--version"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("llm-hw 0."));
  CHECK_THAT(result.out, Catch::Contains("hwloc"));
  CHECK_THAT(result.out, Catch::Contains("NVML"));
}

TEST_CASE("advise --help shows every option of the spec", "[cli]")
{
  const auto result = run_llm_hw({"advise", "--help"});
  CHECK(result.exit_code == 0);
  for (const char* option : {"--model", "--quant", "--kv-quant", "--workload", "--prompt-tokens", "--output-tokens",
                             "--concurrency", "--context", "--max-ttft-ms", "--max-tpot-ms", "--min-tok-s",
                             "--min-throughput", "--framework", "--target", "--hardware", "--format", "--json",
                             "--topology", "--verbose", "--catalog"}) {
    INFO(option);
    CHECK_THAT(result.out, Catch::Contains(option));
  }
}

TEST_CASE("models lists the catalog, as a table and as JSON", "[cli]")
{
  const auto text = run_llm_hw({"models"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("llama-3.1-8b"));
  CHECK_THAT(text.out, Catch::Contains("8.0B"));

  const auto json = run_llm_hw({"models", "--json"});
  REQUIRE(json.exit_code == 0);
  const auto document = nlohmann::json::parse(json.out);
  CHECK(document["schema"] == "llm-hw/models/v1");
  bool found = false;
  for (const auto& model : document["models"]) {
    if (model["id"] == "llama-3.1-8b") {
      found = true;
      // 8,030,261,248 parameters: meta-llama/Llama-3.1-8B-Instruct model card.
      CHECK(model["params"] == 8030261248ULL);
      CHECK(model["family"] == "llama");
    }
  }
  CHECK(found);
}

TEST_CASE("targets lists devices and systems with their figures", "[cli]")
{
  const auto json = run_llm_hw({"targets", "--format", "json"});
  REQUIRE(json.exit_code == 0);
  const auto document = nlohmann::json::parse(json.out);
  CHECK(document["schema"] == "llm-hw/targets/v1");
  bool found = false;
  for (const auto& target : document["targets"]) {
    if (target["id"] == "h100-sxm") {
      found = true;
      // 3.35 TB/s: NVIDIA H100 datasheet, SXM5.
      CHECK(target["memory_bandwidth_bytes_s"].get<double>() == Approx(3.35e12));
      CHECK(target["kind"] == "gpu");
    }
  }
  CHECK(found);
}

TEST_CASE("a user catalog entry appears in targets", "[cli]")
{
  const std::string file = std::string(LLM_HW_TEST_FIXTURES) + "/catalog/lab-gpu.json";
  const auto result = run_llm_hw({"targets", "--catalog", file});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("lab-accelerator-1"));
}

TEST_CASE("probe reports this machine's CPU and memory", "[cli]")
{
  const auto result = run_llm_hw({"probe", "--json"});
  REQUIRE(result.exit_code == 0);
  const auto document = nlohmann::json::parse(result.out);
  CHECK(document["schema"] == "llm-hw/probe/v1");
  REQUIRE(document["devices"].size() >= 1);
  CHECK(document["devices"][0]["kind"] == "cpu");
  CHECK(document["devices"][0]["threads"].get<int>() >= 1);
  CHECK(document["memory"]["total_bytes"].get<std::uint64_t>() > 0);
}

TEST_CASE("markdown tables escape pipes and keep right-aligned numbers", "[cli][markdown]")
{
  const std::string file = std::string(LLM_HW_TEST_FIXTURES) + "/catalog/odd-names.json";
  const auto result = run_llm_hw({"targets", "--format", "markdown", "--catalog", file});
  REQUIRE(result.exit_code == 0);
  const auto rows = llmhw::test::lines(result.out);
  REQUIRE(rows.size() >= 3);
  CHECK(rows[0] == "| ID | KIND | NAME | MEMORY | BANDWIDTH | BF16 TFLOPS | $/HOUR |");
  CHECK(rows[1] == "| --- | --- | --- | ---: | ---: | ---: | ---: |");
  CHECK_THAT(result.out, Catch::Contains("| odd-gpu | gpu | Lab \"Quoted\" GPU \\| rev\\2 — ünïcode | 24.0 GiB |"));
}

TEST_CASE("JSON output keeps quotes, backslashes and non-ASCII names intact", "[cli][json]")
{
  const std::string file = std::string(LLM_HW_TEST_FIXTURES) + "/catalog/odd-names.json";
  const auto result = run_llm_hw({"targets", "--json", "--catalog", file});
  REQUIRE(result.exit_code == 0);
  const auto document = nlohmann::json::parse(result.out);
  bool found = false;
  for (const auto& target : document["targets"]) {
    if (target["id"] == "odd-gpu") {
      found = true;
      CHECK(target["name"] == "Lab \"Quoted\" GPU | rev\\2 — ünïcode");
    }
  }
  CHECK(found);
}
