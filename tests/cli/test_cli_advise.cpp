// advise and check end to end: the real binary, catalog targets and this machine's probe.
#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

using llmhw::test::run_llm_hw;

namespace {

nlohmann::json advise_json(const std::vector<std::string>& arguments, int expected_exit = 0)
{
  std::vector<std::string> command = {"advise"};
  command.insert(command.end(), arguments.begin(), arguments.end());
  command.emplace_back("--json");
  const auto result = run_llm_hw(command);
  INFO(result.err);
  REQUIRE(result.exit_code == expected_exit);
  return nlohmann::json::parse(result.out);
}

} // namespace

TEST_CASE("advise --json recommends a device for a catalog target, with the model's bytes", "[cli][advise]")
{
  const auto document =
      advise_json({"--model", "llama-3.1-8b", "--target", "h100-sxm", "--quant", "bf16", "--kv-quant", "bf16"});
  CHECK(document["schema"] == "llm-hw/advice/v1");
  REQUIRE(document["recommendation"].is_object());
  CHECK(document["recommendation"]["device"] == "h100-sxm");
  // Llama 3.1 8B: 8,030,261,248 parameters (its model card) x 2 bytes, within 1%.
  CHECK(document["model"]["weight_bytes"].get<double>() == Approx(16.06e9).epsilon(0.01));
  // 32 layers x 8 KV heads x 128 dims x (K and V) x 2 bytes (config.json: num_key_value_heads 8, head_dim 128).
  CHECK(document["model"]["kv_bytes_per_token"] == 131072);
  const auto& best = document["candidates"][0];
  CHECK(best["verdict"] == "recommended");
  CHECK_FALSE(best["command"].get<std::string>().empty());
  CHECK(best["requirements"].size() >= 3); // fits, TTFT and TPOT of the chat preset
}

TEST_CASE("check exits 0 when the recommendation meets every requirement and 1 when not", "[cli][advise]")
{
  const auto met = run_llm_hw({"check", "--model", "llama-3.1-8b", "--target", "h100-sxm"});
  INFO(met.err);
  CHECK(met.exit_code == 0);
  CHECK(met.err.empty());

  // Llama 3.1 70B in bf16 is 141 GB of weights; one H100 holds 80 GB.
  const auto too_big = run_llm_hw({"check", "--model", "llama-3.1-70b", "--target", "h100-sxm", "--quant", "bf16"});
  CHECK(too_big.exit_code == 1);
  CHECK_FALSE(too_big.out.empty());

  // An H100 reads its 3.35 TB/s at best: 16 GB of 8B weights take at least 4.8 ms per token, never 0.5 ms.
  const auto too_fast = run_llm_hw({"check", "--model", "llama-3.1-8b", "--target", "h100-sxm", "--quant", "bf16",
                                    "--max-tpot-ms", "0.5", "--json"});
  CHECK(too_fast.exit_code == 1);
  const auto document = nlohmann::json::parse(too_fast.out);
  bool tpot_missed = false;
  for (const auto& requirement : document["candidates"][0]["requirements"]) {
    if (requirement["name"] == "max_tpot_ms") {
      tpot_missed = !requirement["met"].get<bool>() && requirement["estimate"].get<double>() > 4.7;
    }
  }
  CHECK(tpot_missed);
  CHECK_FALSE(document["suggestions"].empty());
}

TEST_CASE("nothing fits: no recommendation, and suggestions that would", "[cli][advise]")
{
  const auto document = advise_json({"--model", "command-r", "--target", "tpu-v5e-8"});
  CHECK(document["recommendation"].is_null());
  CHECK_FALSE(document["suggestions"].empty());
  for (const auto& candidate : document["candidates"]) {
    CHECK(candidate["verdict"] == "not-viable");
  }
  CHECK(run_llm_hw({"check", "--model", "command-r", "--target", "tpu-v5e-8"}).exit_code == 1);
}

TEST_CASE("advise --target all lists each target once", "[cli][advise]")
{
  const auto document = advise_json({"--model", "llama-3.1-8b", "--target", "all"});
  std::set<std::string> devices;
  for (const auto& candidate : document["candidates"]) {
    CHECK(devices.insert(candidate["device"].get<std::string>()).second);
  }
  CHECK(devices.size() >= 100);
}

TEST_CASE("advise --framework pins the engine and its command", "[cli][advise]")
{
  const auto document =
      advise_json({"--model", "llama-3.1-8b", "--target", "rtx-4090", "--framework", "llama.cpp", "--quant", "q4_k_m"});
  REQUIRE_FALSE(document["candidates"].empty());
  for (const auto& candidate : document["candidates"]) {
    CHECK(candidate["framework"] == "llama.cpp");
  }
  CHECK_THAT(document["candidates"][0]["command"].get<std::string>(), Catch::StartsWith("llama-server --hf-repo "));
}

TEST_CASE("advise without --target judges this machine's probed devices", "[cli][advise]")
{
  const auto document = advise_json({"--model", "smollm2-135m"});
  REQUIRE_FALSE(document["candidates"].empty());
  bool cpu = false;
  for (const auto& candidate : document["candidates"]) {
    cpu = cpu || candidate["device"] == "cpu0";
  }
  CHECK(cpu);
}

TEST_CASE("advise --hardware judges another host's probe JSON and names the host", "[cli][advise]")
{
  // Two MI300X (192 GB each, AMD's datasheet) probed from the fixture machine, written as `probe --json` does.
  const std::string root = std::string(LLM_HW_TEST_FIXTURES) + "/machines/mi300x-2";
  const auto probed = run_llm_hw({"probe", "--json"}, {{"LLM_HW_ROOT", root}, {"LLM_HW_NO_NVML", "1"}});
  INFO(probed.err);
  REQUIRE(probed.exit_code == 0);
  const std::string host = nlohmann::json::parse(probed.out)["host"]["hostname"].get<std::string>();
  const llmhw::test::TempDir dir;
  const std::string file = dir.write("mi300x.json", probed.out);

  // Llama 3.1 70B in bf16 is 141 GB: one MI300X holds it.
  const auto document = advise_json({"--hardware", file, "--model", "llama-3.1-70b", "--quant", "bf16"});
  REQUIRE(document["recommendation"].is_object());
  const auto& best = document["candidates"][0];
  CHECK(best["host"] == host);
  CHECK(best["kind"] == "gpu");
  CHECK(best["count"] == 1);
  CHECK(best["device"] == "gpu0");

  const auto missing = run_llm_hw({"advise", "--hardware", (dir.path() / "absent.json").string()});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("absent.json"));
  CHECK(missing.out.empty());
}

TEST_CASE("advise writes an hour-long first token as a duration, never in exponent notation", "[cli][advise]")
{
  // Llama 3.1 405B on one CPU with a 32,000-token prompt: ~1.6e15 FLOPs of prefill against a few TFLOPS, so
  // the first token takes far over a minute: the sentence must say minutes or hours, not "3.91e+06 ms".
  for (const char* format : {"text", "markdown"}) {
    const auto result = run_llm_hw({"advise", "--model", "llama-3.1-405b", "--target", "epyc-9654", "--workload",
                                    "long-context", "--format", format},
                                   {{"NO_COLOR", "1"}});
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, !Catch::Matches(R"([\s\S]*[0-9]e[+-][0-9][\s\S]*)"));
    CHECK_THAT(result.out, Catch::Matches(R"([\s\S]*first token\s+in\s+[0-9.,]+\s+(min|h)[\s\S]*)"));
  }
}

TEST_CASE("check of a model too large for the target fails and says what runs where and what would do better",
          "[cli][advise]")
{
  // Llama 3.1 70B (80 layers, config.json num_hidden_layers) needs ~40 GB even in 4 bits; an L4 has 24 GB. The
  // best plan is llama.cpp with part of the layers on the GPU: the sentence says how many, and suggests more.
  const auto result =
      run_llm_hw({"check", "--model", "llama-3.1-70b", "--target", "l4"}, {{"NO_COLOR", "1"}, {"COLUMNS", "200"}});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::StartsWith("FAIL "));
  CHECK_THAT(result.out, Catch::Matches(R"([\s\S]*[0-9]+ of its 80 layers on the GPU and the rest on the CPU[\s\S]*)"));
  CHECK_THAT(result.out, Catch::Matches(R"([\s\S]*\n  try: [^\n]*--target [\s\S]*)"));
}
