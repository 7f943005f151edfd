// advise and check end to end: the real binary, catalog targets and this machine's probe.
#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
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
  CHECK(document["candidates"][0]["kind"] == "gpu"); // one of the H100s serves it
  CHECK(document["recommendation"]["summary"].get<std::string>().find("The CPU is enough") == std::string::npos);
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

TEST_CASE("the CPUs of published CPU measurements resolve as targets, as their names are written, and get a CPU "
          "estimate",
          "[cli][advise][catalog]")
{
  struct Spelling {
    const char* target;
    const char* id;
    double bandwidth_bytes_s; // channels x 8 B x MT/s from the vendor's figures, to bound decode
  };
  // Issue 13: Threadripper 3970X, Intel N100, AmpereOne, EPYC 9554 and EPYC 9175F, each by id and as people write it.
  const std::vector<Spelling> spellings = {
      {"threadripper-3970x", "threadripper-3970x", 4 * 8 * 3200e6},
      {"AMD Ryzen Threadripper 3970X", "threadripper-3970x", 4 * 8 * 3200e6},
      {"intel-n100", "intel-n100", 1 * 8 * 4800e6},
      {"Intel N100", "intel-n100", 1 * 8 * 4800e6},
      {"ampereone-a192-32x", "ampereone-a192-32x", 8 * 8 * 5200e6},
      {"AmpereOne", "ampereone-a192-32x", 8 * 8 * 5200e6},
      {"epyc-9554", "epyc-9554", 12 * 8 * 4800e6},
      {"AMD EPYC 9554", "epyc-9554", 12 * 8 * 4800e6},
      {"epyc-9175f", "epyc-9175f", 12 * 8 * 6000e6},
      {"EPYC 9175F", "epyc-9175f", 12 * 8 * 6000e6},
      // Issue 13's list: Core Ultra (desktop, laptop), a Xeon 6 E-core part, a Strix Point laptop (128-bit LPDDR5x).
      {"core-ultra-9-285k", "core-ultra-9-285k", 2 * 8 * 6400e6},
      {"Intel(R) Core(TM) Ultra 9 285K", "core-ultra-9-285k", 2 * 8 * 6400e6},
      {"core-ultra-7-155h", "core-ultra-7-155h", 2 * 8 * 5600e6},
      {"Core Ultra 7 155H", "core-ultra-7-155h", 2 * 8 * 5600e6},
      {"xeon-6780e", "xeon-6780e", 8 * 8 * 6400e6},
      {"Xeon 6780E", "xeon-6780e", 8 * 8 * 6400e6},
      {"ryzen-ai-9-hx-370", "ryzen-ai-9-hx-370", 16 * 7500e6},
      {"Ryzen AI 9 HX 370", "ryzen-ai-9-hx-370", 16 * 7500e6},
  };
  for (const Spelling& spelling : spellings) {
    INFO(spelling.target);
    const auto document = advise_json({"--target", spelling.target, "--model", "llama-3.2-1b", "--concurrency", "1"});
    REQUIRE(document["candidates"].size() >= 1);
    const auto& best = document["candidates"][0];
    CHECK(best["device"] == spelling.id);
    CHECK(best["kind"] == "cpu");
    const auto& speed = best["performance"];
    CHECK(speed["prefill_tok_s"].get<double>() > 0);
    CHECK(speed["tpot_ms"].get<double>() > 0);
    // Decode reads every weight once per token: no faster than the memory bus can deliver them.
    const double weight_bytes = best["memory"]["weights_bytes"].get<double>();
    CHECK(weight_bytes > 0);
    CHECK(speed["decode_tok_s_per_user"].get<double>() * weight_bytes <= spelling.bandwidth_bytes_s);
  }
}

namespace {

bool cpu_suffices(const nlohmann::json& candidate)
{
  const auto& reasons = candidate["reasons"];
  return std::any_of(reasons.begin(), reasons.end(),
                     [](const nlohmann::json& reason) { return reason["code"] == "CPU_SUFFICES"; });
}

} // namespace

TEST_CASE("the CPU suffices for a small model and one user on a desktop CPU", "[cli][advise][cpu]")
{
  // Qwen2.5 0.5B is 1 GB in bf16; a Ryzen 9 7950X reads 83 GB/s, so even a tenth of that decodes at 8 ms a token,
  // far inside the personal workload's 200 ms, and 200 prompt tokens are a fraction of a second of prefill.
  const auto document = advise_json({"--target", "ryzen-9-7950x", "--model", "qwen2.5-0.5b", "--workload", "personal"});
  REQUIRE(document["candidates"].size() >= 1);
  CHECK(cpu_suffices(document["candidates"][0]));
  const auto text = run_llm_hw({"advise", "--target", "ryzen-9-7950x", "--model", "qwen2.5-0.5b", "--workload",
                                "personal"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("The CPU is enough"));
}

TEST_CASE("a GPU host's CPU is not said to serve a 32B model for chat", "[cli][advise][cpu]")
{
  // The 8x H100 fixture with two Xeon Platinum 8480+ (issue 13: "The CPU is enough ... first token in 572 ms").
  // Prefill of 1,000 prompt tokens for eight users of a 32B model on CPU cores is what an accelerator is for.
  const std::map<std::string, std::string> hgx = {
      {"LLM_HW_ROOT", std::string(LLM_HW_TEST_FIXTURES) + "/machines/hgx-h100"},
      {"LLM_HW_NVML_LIB", LLM_HW_FAKE_NVML},
      {"FAKE_NVML_CONFIG", std::string(LLM_HW_TEST_FIXTURES) + "/machines/hgx-h100/nvml.conf"}};
  const auto run = run_llm_hw({"advise", "--model", "qwen3-32b", "--json"}, hgx);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto document = nlohmann::json::parse(run.out);
  bool saw_cpu = false;
  for (const auto& candidate : document["candidates"]) {
    INFO(candidate["device"] << " " << candidate["framework"] << " " << candidate["quant"]);
    saw_cpu = saw_cpu || candidate["kind"] == "cpu";
    CHECK_FALSE(cpu_suffices(candidate));
  }
  CHECK(saw_cpu); // the host CPU was judged, and found wanting
  REQUIRE(document["recommendation"].is_object());
  CHECK(document["candidates"][0]["kind"] == "gpu"); // one of the H100s serves it
  CHECK(document["recommendation"]["summary"].get<std::string>().find("The CPU is enough") == std::string::npos);
  const auto text = run_llm_hw({"advise", "--model", "qwen3-32b"}, hgx);
  CHECK(text.out.find("The CPU is enough") == std::string::npos);
}

TEST_CASE("advise --json: a partial offload says the host bytes it needs and what the host has", "[cli][advise][offload]")
{
  // Llama 3.1 70B in Q4_K_M (~40 GiB) on one RTX 4090 (24 GB): llama.cpp keeps some layers in host RAM. The catalog
  // has no host for the card: the plan assumes twice its memory, and says so.
  const auto document = advise_json({"--model", "llama-3.1-70b", "--target", "rtx-4090", "--framework", "llama.cpp",
                                     "--quant", "q4_k_m", "--concurrency", "1"});
  const auto& best = document["candidates"][0];
  const auto& memory = best["memory"];
  REQUIRE(memory["gpu_layers"].is_number());
  CHECK(memory["offload_host_bytes"].get<double>() > 8e9);
  REQUIRE(memory["host_available_bytes"].is_number());
  CHECK(memory["host_available_bytes"].get<double>() == 2.0 * 25757220864.0); // 2 x the card's 24 GiB (hardware.json)
  CHECK(memory["offload_host_bytes"].get<double>() <= memory["host_available_bytes"].get<double>());
  bool stated = false;
  for (const auto& line : best["assumptions"]) {
    stated = stated || line.get<std::string>().find("host RAM not known: assumed 48 GiB") != std::string::npos;
  }
  CHECK(stated);

  // Without an offload the two fields are there, empty.
  const auto fits = advise_json({"--model", "llama-3.1-8b", "--target", "h100-sxm", "--quant", "bf16"});
  CHECK(fits["candidates"][0]["memory"]["offload_host_bytes"] == 0);
  CHECK(fits["candidates"][0]["memory"]["host_available_bytes"].is_null());
}

TEST_CASE("advise: Llama 405B does not offload onto a 24 GB card whose host is assumed to have 48 GiB",
          "[cli][advise][offload]")
{
  const auto document = advise_json({"--model", "llama-3.1-405b", "--target", "rtx-4090", "--framework", "llama.cpp",
                                     "--quant", "q4_k_m", "--concurrency", "1"});
  const auto& best = document["candidates"][0];
  CHECK(best["verdict"] == "not-viable");
  CHECK(best["memory"]["gpu_layers"].is_null());
  bool blocked = false;
  for (const auto& reason : best["reasons"]) {
    blocked = blocked || reason["code"] == "OFFLOAD_EXCEEDS_HOST_MEMORY";
  }
  CHECK(blocked);
}
