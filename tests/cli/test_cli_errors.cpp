// Bad usage and bad input: exit code 2, one line on stderr naming the input, nothing on stdout.
#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"
#include "unit/model/gguf_writer.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

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
  require_bad_input({"advise", "--sort", "price"}, "--sort");
  require_bad_input({"check", "--sort", ""}, "--sort");
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

TEST_CASE("a misspelt command, option or field gets the nearest name", "[cli][errors][names]")
{
  require_bad_input({"advice"}, "llm-hw: error: unknown command 'advice'; did you mean 'advise'?");
  require_bad_input({"advise", "--modle", "x"},
                    "llm-hw: error: advise: unknown option '--modle'; did you mean --model?");
  require_bad_input({"check", "--targt=h100-sxm"},
                    "llm-hw: error: check: unknown option '--targt'; did you mean --target?");
  require_bad_input({"frobnicate"}, "llm-hw: error: unknown command 'frobnicate' (see llm-hw --help)");

  const llmhw::test::TempDir folder;
  const std::string requirements = folder.write("typo.json", R"({"model": "llama-3.1-8b", "concurency": 4})");
  require_bad_input({"check", "--requirements", requirements},
                    "typo.json: unknown field 'concurency'; did you mean 'concurrency'?");
  const std::string workload = folder.write("workload.json", R"({"prompt_tokens": 100, "output_token": 50})");
  require_bad_input({"advise", "--target", "l4", "--workload", workload},
                    "workload.json: unknown field 'output_token'; did you mean 'output_tokens'?");
  const std::string catalog = folder.write(
      "catalog.json", R"({"hardware": [{"id": "x", "name": "X", "vendor": "V", "kind": "gpu", "memroy_bytes": 1}]})");
  require_bad_input({"targets", "--catalog", catalog},
                    "catalog.json: hardware[0]: unknown field 'memroy_bytes'; did you mean 'memory_bytes'?");
}

TEST_CASE("target names as people type them, in the binary", "[cli][errors][names]")
{
  require_bad_input({"advise", "--target", "a100"},
                    "llm-hw: error: --target a100: matches several targets: a100-sxm4-80gb, a100-sxm4-40gb, "
                    "a100-pcie-80gb, a100-pcie-40gb; name one");
  require_bad_input({"advise", "--target", "M3 Max"},
                    "llm-hw: error: --target M3 Max: matches several targets: apple-m3-max-30c, apple-m3-max-30c-36gb, "
                    "apple-m3-max-40c, apple-m3-max-40c-48gb, apple-m3-max-40c-64gb; name one");
  require_bad_input({"check", "--target", "mi250"},
                    "llm-hw: error: --target mi250: unknown target; did you mean 'mi250x'? (see llm-hw targets)");
  // Names that resolve: the JSON names the catalog entry each one means.
  for (const auto& [text, id] : std::vector<std::pair<std::string, std::string>>{{"4090", "rtx-4090"},
                                                                                 {"7900 xtx", "rx-7900-xtx"},
                                                                                 {"A100 80GB", "a100-sxm4-80gb"},
                                                                                 {"H100-80GB", "h100-sxm"},
                                                                                 {"aws-p5", "aws-p5.48xlarge"},
                                                                                 {"p4d", "aws-p4d.24xlarge"}}) {
    INFO(text);
    const auto result = run_llm_hw({"advise", "--json", "--model", "llama-3.1-8b", "--target", text});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK_THAT(result.out, Catch::Contains("\"" + id + "\""));
  }
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

TEST_CASE("over-long names and over-long lists exit 2 in one short line", "[cli][errors][limits]")
{
  const std::string long_name(257, 'h');
  require_bad_input({"advise", "--target", long_name}, "--target hhhhhhhh");
  require_bad_input({"advise", "--target", long_name}, "257 characters long; at most 256 are accepted");
  require_bad_input({"check", "--quant", long_name}, "--quant");
  require_bad_input({"advise", "--prompt-tokens", std::string(300, '9')}, "--prompt-tokens");
  require_bad_input({"advise", "--model", std::string(5000, 'm')}, "at most 4096 are accepted");
  require_bad_input({"models", "--catalog", std::string(4097, 'c')}, "--catalog");

  // 65 targets, each a real one: the count alone is refused, before any catalog work.
  std::vector<std::string> arguments = {"advise"};
  for (int i = 0; i < 65; ++i) {
    arguments.insert(arguments.end(), {"--target", "h100-sxm"});
  }
  require_bad_input(arguments, "--target: given 65 times; at most 64 values are accepted");

  // The error line stays short whatever the value: the value is cut to its first 40 characters.
  const auto result = run_llm_hw({"advise", "--target", std::string(100'000, 'x')});
  CHECK(result.exit_code == 2);
  CHECK(result.err.size() < 200);
}

TEST_CASE("a name of exactly 256 characters and 64 targets are within the limits", "[cli][errors][limits]")
{
  // 256 characters reach the catalog lookup, which names the target as unknown.
  require_bad_input({"advise", "--target", std::string(256, 'h')}, "unknown target");
  std::vector<std::string> arguments = {"advise", "--json"};
  for (int i = 0; i < 64; ++i) {
    arguments.insert(arguments.end(), {"--target", "l4"});
  }
  const auto result = run_llm_hw(arguments);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
}

TEST_CASE("a requirements file is held to the same limits as the command line", "[cli][errors][limits]")
{
  const llmhw::test::TempDir folder;
  std::string targets;
  for (int i = 0; i < 65; ++i) {
    targets += std::string(i == 0 ? "" : ", ") + "\"h100-sxm\"";
  }
  const std::string file =
      folder.write("many-targets.json", "{\"model\": \"llama-3.1-8b\", \"targets\": [" + targets + "]}");
  require_bad_input({"check", "--requirements", file}, "many-targets.json): given 65 times; at most 64 values");
}

TEST_CASE("inconsistent model metadata exits 2 naming the file; an unknown quant_method is a visible warning",
          "[cli][errors][model]")
{
  const llmhw::test::TempDir dir;
  nlohmann::json config = {{"model_type", "llama"},       {"hidden_size", 4096},
                           {"intermediate_size", 14336},  {"num_hidden_layers", 32},
                           {"num_attention_heads", 32},   {"num_key_value_heads", 8},
                           {"vocab_size", 128256},        {"torch_dtype", "bfloat16"},
                           {"max_position_embeddings", 0}};
  const std::string zero_context = dir.write("zero-context/config.json", config.dump());
  require_bad_input({"advise", "--model", zero_context, "--target", "h100-sxm"},
                    zero_context + ": max_position_embeddings: must be positive");

  llmhw::test::GgufWriter gguf;
  gguf.string("general.architecture", "llama")
      .u32("llama.embedding_length", 256)
      .u32("llama.block_count", 1000)
      .u32("llama.attention.head_count", 4)
      .tensor("blk.0.attn_q.weight", {256, 256}, 0, 256 * 256 * 4)
      .tensor("blk.1.attn_q.weight", {256, 256}, 0, 256 * 256 * 4);
  const std::string blocks = gguf.write(dir.path() / "blocks.gguf");
  require_bad_input({"advise", "--model", blocks, "--target", "h100-sxm"},
                    blocks + ": metadata 'llama.block_count': 1000 does not match the tensors");

  config["max_position_embeddings"] = 8192;
  config["quantization_config"] = {{"quant_method", "made-up"}};
  const std::string unknown_quant = dir.write("unknown-quant/config.json", config.dump());
  const auto result = run_llm_hw({"advise", "--model", unknown_quant, "--target", "h100-sxm"});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("quant_method 'made-up' is not one llm-hw prices"));
}
