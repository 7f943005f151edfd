// Bad usage and bad input: exit code 2, one line on stderr naming the input, nothing on stdout.
#include "support/run_binary.hpp"

#include <catch2/catch.hpp>

using llmhw::test::lines;
using llmhw::test::run_llm_hw;

namespace {

void require_bad_input(const std::vector<std::string>& arguments, const std::string& expected_in_message)
{
  INFO("llm-hw " << Catch::Detail::stringify(arguments));
  const auto result = run_llm_hw(arguments);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  const auto error_lines = lines(result.err);
  REQUIRE(error_lines.size() == 1);
  CHECK_THAT(error_lines[0], Catch::StartsWith("llm-hw: error: "));
  CHECK_THAT(error_lines[0], Catch::Contains(expected_in_message));
}

} // namespace

TEST_CASE("token counts and concurrency must be positive integers within bounds", "[cli][errors]")
{
  require_bad_input({"advise", "--concurrency", "-1"}, "--concurrency -1: expected a positive integer or 'max'");
  require_bad_input({"advise", "--concurrency", "0"}, "--concurrency 0");
  require_bad_input({"advise", "--concurrency", "2000000"}, "--concurrency 2000000");
  require_bad_input({"advise", "--prompt-tokens", "12abc"}, "--prompt-tokens 12abc: expected a positive integer");
  require_bad_input({"advise", "--output-tokens", "99999999999"}, "larger than the limit");
  require_bad_input({"check", "--context", "1.5"}, "--context 1.5");
}

TEST_CASE("times must be positive and finite", "[cli][errors]")
{
  require_bad_input({"advise", "--max-ttft-ms", "-3"}, "--max-ttft-ms -3: expected a positive, finite number");
  require_bad_input({"advise", "--max-tpot-ms", "nan"}, "--max-tpot-ms nan");
  require_bad_input({"advise", "--min-tok-s", "inf"}, "--min-tok-s inf");
  require_bad_input({"advise", "--min-throughput", "0"}, "--min-throughput 0");
}

TEST_CASE("enumerations are checked against the catalog", "[cli][errors]")
{
  require_bad_input({"advise", "--quant", "int3"}, "--quant int3: unknown");
  require_bad_input({"advise", "--kv-quant", "fp9"}, "--kv-quant fp9: unknown");
  require_bad_input({"advise", "--framework", "vllmm"}, "did you mean 'vllm'");
  require_bad_input({"advise", "--format", "yaml"}, "--format");
  require_bad_input({"advise", "--workload", "chatt"}, "did you mean 'chat'");
}

TEST_CASE("an unknown model exits 2 with a suggestion", "[cli][errors]")
{
  require_bad_input({"advise", "--model", "llama-3.1-9b"}, "--model llama-3.1-9b: unknown model; did you mean");
  require_bad_input({"check", "--model", "no-such-model-anywhere"}, "unknown model");
}

TEST_CASE("unknown options and subcommands exit 2", "[cli][errors]")
{
  require_bad_input({"advise", "--modle", "x"}, "--modle");
  require_bad_input({"frobnicate"}, "frobnicate");
  require_bad_input({"probe", "--topology", "/no/such/file.xml"}, "/no/such/file.xml");
}

TEST_CASE("a malformed user catalog exits 2 naming the file and field", "[cli][errors]")
{
  const std::string file = std::string(LLM_HW_TEST_FIXTURES) + "/catalog/malformed.json";
  require_bad_input({"models", "--catalog", file}, "malformed.json: models[0].params: expected a non-negative integer");
}

TEST_CASE("a malformed requirements file exits 2 naming the file and field", "[cli][errors]")
{
  const std::string file = std::string(LLM_HW_TEST_FIXTURES) + "/requirements/strings-for-numbers.json";
  require_bad_input({"check", "--requirements", file}, "strings-for-numbers.json: concurrency: expected");
}
