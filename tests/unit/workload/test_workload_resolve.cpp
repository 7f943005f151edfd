#include "llmhw/workload/workload.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "support/temp_dir.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

using llmhw::workload::Overrides;
using llmhw::workload::resolve;

using llmhw::test::builtin_catalog;

TEST_CASE("the default workload is the chat preset with context = prompt + output", "[workload]")
{
  const auto* chat = builtin_catalog().find_workload("chat");
  REQUIRE(chat != nullptr);
  auto workload = resolve(Overrides{}, builtin_catalog());
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
  auto workload = resolve(overrides, builtin_catalog());
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
  auto workload = resolve(overrides, builtin_catalog());
  REQUIRE_FALSE(workload.ok());
  CHECK(workload.error().input == "--context");
  CHECK_THAT(workload.error().problem, Catch::Contains("1000 + 500 = 1500"));
}

TEST_CASE("an unknown preset gets a suggestion", "[workload]")
{
  Overrides overrides;
  overrides.workload = "chta";
  auto workload = resolve(overrides, builtin_catalog());
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
    auto workload = resolve(overrides, builtin_catalog());
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
    auto workload = resolve(overrides, builtin_catalog());
    REQUIRE_FALSE(workload.ok());
    CHECK(workload.error().message() == file + ": prompt_tokens: expected a non-negative integer, got \"lots\"");
  }
  SECTION("a negative latency target")
  {
    const std::string file = dir.write("neg.json", R"({"max_tpot_ms": -5})");
    Overrides overrides;
    overrides.workload = file;
    auto workload = resolve(overrides, builtin_catalog());
    REQUIRE_FALSE(workload.ok());
    CHECK_THAT(workload.error().message(), Catch::Contains("max_tpot_ms: must be positive"));
  }
  SECTION("zero concurrency")
  {
    const std::string file = dir.write("zero.json", R"({"concurrency": 0})");
    Overrides overrides;
    overrides.workload = file;
    CHECK_FALSE(resolve(overrides, builtin_catalog()).ok());
  }
}

TEST_CASE("every preset the SPEC names exists, with targets and a source", "[workload]")
{
  for (const char* id : {"chat", "rag", "code", "batch", "long-context", "agent"}) {
    INFO(id);
    const auto* preset = builtin_catalog().find_workload(id);
    REQUIRE(preset != nullptr);
    CHECK_FALSE(preset->source.empty());
    CHECK_FALSE(preset->description.empty());
    Overrides overrides;
    overrides.workload = id;
    auto workload = resolve(overrides, builtin_catalog());
    REQUIRE(workload.ok());
    CHECK(workload->context == preset->prompt_tokens + preset->output_tokens);
  }
  // Interactive presets bound latency; the offline batch preset does not (MLPerf Offline scenario).
  CHECK(builtin_catalog().find_workload("code")->max_tpot_ms == 40);           // MLPerf v5.0 interactive: TPOT <= 40 ms
  CHECK(builtin_catalog().find_workload("long-context")->max_ttft_ms == 6000); // MLPerf Llama 3.1 405B server: 6 s
  CHECK_FALSE(builtin_catalog().find_workload("batch")->max_ttft_ms.has_value());
  CHECK(builtin_catalog().find_workload("rag")->prompt_tokens > 5 * builtin_catalog().find_workload("rag")->output_tokens);
}

TEST_CASE("workload files are checked field by field", "[workload]")
{
  llmhw::test::TempDir dir;
  const auto problem = [&](const std::string& name, const std::string& text) {
    Overrides overrides;
    overrides.workload = dir.write(name, text);
    auto workload = resolve(overrides, builtin_catalog());
    REQUIRE_FALSE(workload.ok());
    CHECK(workload.error().input == *overrides.workload);
    return workload.error().problem;
  };
  CHECK(problem("typo.json", R"({"promt_tokens": 10})") == "unknown field 'promt_tokens'; did you mean 'prompt_tokens'?");
  CHECK(problem("many.json", R"({"concurrency": "lots"})") == "concurrency: expected a count or \"max\", got \"lots\"");
  CHECK(problem("float.json", R"({"output_tokens": 2.5})") ==
        "output_tokens: expected a non-negative integer, got 2.5");
  CHECK(problem("huge.json", R"({"prompt_tokens": 20000000})") ==
        "prompt_tokens: 20000000 is larger than the limit 10000000");
  CHECK(problem("preset.json", R"({"preset": "chit-chat"})") == "preset: unknown workload preset 'chit-chat'");
  CHECK(problem("short.json", R"({"prompt_tokens": 1000, "output_tokens": 500, "context": 1200})") ==
        "context: 1200 tokens cannot hold the prompt and output (1000 + 500 tokens)");
  CHECK(problem("text.json", R"({"description": 7})") == "description: expected a string, got 7");
  CHECK(problem("array.json", "[1, 2]") == "expected a JSON object at the top level");
  CHECK_THAT(problem("broken.json", R"({"prompt_tokens": )"), Catch::StartsWith("not valid JSON at byte"));
}

TEST_CASE("a workload file starts from its preset and overrides what it names", "[workload]")
{
  llmhw::test::TempDir dir;
  Overrides overrides;
  overrides.workload = dir.write("rag-fast.json", R"({"$schema": "x", "preset": "rag", "description": "tight RAG",
                                                       "max_ttft_ms": 800, "min_throughput": 500})");
  overrides.output_tokens = 100; // and flags override the file
  auto workload = resolve(overrides, builtin_catalog());
  REQUIRE(workload.ok());
  const auto* rag = builtin_catalog().find_workload("rag");
  CHECK(workload->name == "rag-fast");
  CHECK(workload->prompt_tokens == rag->prompt_tokens);
  CHECK(workload->output_tokens == 100);
  CHECK(workload->slo.max_ttft_ms == 800);
  CHECK(workload->slo.max_tpot_ms == rag->max_tpot_ms);
  CHECK(workload->slo.min_throughput_tok_s == 500);
}
