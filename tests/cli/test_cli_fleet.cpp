// Fleets: several hosts' `llm-hw probe --json` (--hardware, repeatable) ranked
// together, each candidate named by its host; and a device without figures.
// The probe JSON is made by the real probe from the fixture machines under
// tests/fixtures/machines, as each host would print it.
#include "support/run_binary.hpp"
#include "support/schema_check.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

using llmhw::test::run_llm_hw;

namespace {

/// `llm-hw probe --json` on a fixture machine.
std::string probe_of(const std::string& machine)
{
  const std::string root = std::string(LLM_HW_TEST_FIXTURES) + "/machines/" + machine;
  const auto probed = run_llm_hw({"probe", "--json"}, {{"LLM_HW_ROOT", root}, {"LLM_HW_NO_NVML", "1"}});
  INFO(probed.err);
  REQUIRE(probed.exit_code == 0);
  return probed.out;
}

/// `llm-hw ARGUMENTS --json`, which must succeed and validate against docs/schema/advice-v1.json.
nlohmann::json advice_json(std::vector<std::string> arguments)
{
  arguments.emplace_back("--json");
  const auto result = run_llm_hw(arguments);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto check = llmhw::test::check_against_schema(result.out, "advice");
  INFO(check.problems);
  CHECK(check.valid);
  return nlohmann::json::parse(result.out);
}

std::string hostname_of(const std::string& probe_json)
{
  return nlohmann::json::parse(probe_json)["host"]["hostname"].get<std::string>();
}

} // namespace

TEST_CASE("advise over three hosts ranks every host's devices and names the host", "[cli][fleet]")
{
  // An HGX node with eight H100 SXM (80 GB each), a node with two MI300X (192 GB each) and a laptop with an
  // RTX 4090 Laptop GPU (16 GB): Llama 3.1 70B in bf16 (141 GB of weights) fits the first two only.
  const llmhw::test::TempDir dir;
  const std::string hgx = probe_of("hgx-h100");
  const std::string mi300x = probe_of("mi300x-2");
  const std::string laptop = probe_of("laptop-4090");
  const std::vector<std::string> arguments = {"advise",
                                              "--model",
                                              "llama-3.1-70b",
                                              "--quant",
                                              "bf16",
                                              "--hardware",
                                              dir.write("hgx.json", hgx),
                                              "--hardware",
                                              dir.write("mi300x.json", mi300x),
                                              "--hardware",
                                              dir.write("laptop.json", laptop)};

  const auto document = advice_json(arguments);
  std::set<std::string> hosts;
  for (const auto& candidate : document["candidates"]) {
    REQUIRE(candidate["host"].is_string());
    hosts.insert(candidate["host"].get<std::string>());
  }
  CHECK(hosts == std::set<std::string>{hostname_of(hgx), hostname_of(mi300x), hostname_of(laptop)});
  REQUIRE(document["recommendation"].is_object());
  const auto& best = document["candidates"][0];
  CHECK(best["fits"] == true);
  CHECK(best["host"] != hostname_of(laptop));
  // The sentence says on which host to serve.
  CHECK_THAT(document["recommendation"]["summary"].get<std::string>(),
             Catch::Contains("on " + best["host"].get<std::string>()));

  // As text: a HOST column with each host's name.
  const auto text = run_llm_hw(arguments, {{"NO_COLOR", "1"}, {"COLUMNS", "120"}});
  REQUIRE(text.exit_code == 0);
  const auto rows = llmhw::test::lines(text.out);
  const auto header = std::find_if(rows.begin(), rows.end(),
                                   [](const std::string& row) { return row.find("DEVICE") != std::string::npos; });
  REQUIRE(header != rows.end());
  CHECK_THAT(*header, Catch::Contains("HOST"));
  CHECK_THAT(text.out, Catch::Contains(hostname_of(hgx)));
  CHECK_THAT(text.out, Catch::Contains(hostname_of(mi300x)));
}

TEST_CASE("advise tells apart hosts that report the same hostname, and refuses a file given twice", "[cli][fleet]")
{
  // Two cloned MI300X nodes: the same probe, saved under two names.
  const llmhw::test::TempDir dir;
  const std::string node = probe_of("mi300x-2");
  const std::string hostname = hostname_of(node);
  const std::string a = dir.write("node-a.json", node);
  const std::string b = dir.write("node-b.json", node);
  const auto result = run_llm_hw({"advise", "--model", "llama-3.1-70b", "--hardware", a, "--hardware", b, "--json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto document = nlohmann::json::parse(result.out);
  std::set<std::string> hosts;
  for (const auto& candidate : document["candidates"]) {
    hosts.insert(candidate["host"].get<std::string>());
  }
  // Each host, and the two alike pooled into one plan across both.
  const std::string a_name = hostname + " (node-a.json)";
  const std::string b_name = hostname + " (node-b.json)";
  CHECK(hosts == std::set<std::string>{a_name, b_name, a_name + "+" + b_name});

  const auto twice = run_llm_hw({"advise", "--model", "llama-3.1-70b", "--hardware", a, "--hardware", a});
  CHECK(twice.exit_code == 2);
  CHECK(twice.out.empty());
  CHECK_THAT(twice.err, Catch::Contains("node-a.json") && Catch::Contains("twice"));

  const auto mixed = run_llm_hw({"advise", "--model", "llama-3.1-70b", "--hardware", a, "--target", "h100-sxm"});
  CHECK(mixed.exit_code == 2);
  CHECK(mixed.out.empty());
  CHECK_THAT(mixed.err, Catch::Contains("--target"));
}

TEST_CASE("a device without bandwidth or TFLOPS has null speeds in JSON and ? in text", "[cli][fleet]")
{
  // A host whose CPU neither the probe nor the catalog could put figures on: SPEC's "unknown values are null".
  auto probed = nlohmann::json::parse(probe_of("this-vm"));
  auto& cpu = probed["devices"][0];
  REQUIRE(cpu["kind"] == "cpu");
  cpu["memory_bandwidth_bytes_s"] = nullptr;
  cpu["catalog_id"] = nullptr;
  for (auto& tflops : cpu["peak_tflops"]) {
    tflops = nullptr;
  }
  const llmhw::test::TempDir dir;
  const std::string file = dir.write("unknown-cpu.json", probed.dump());
  const std::vector<std::string> arguments = {"advise", "--model", "llama-3.2-1b", "--hardware", file};
  const auto document = advice_json(arguments);
  REQUIRE(!document["candidates"].empty());
  for (const auto& candidate : document["candidates"]) {
    const auto& performance = candidate["performance"];
    for (const char* field :
         {"prefill_tok_s", "ttft_ms", "tpot_ms", "decode_tok_s_per_user", "decode_tok_s_aggregate", "bound"}) {
      INFO(field);
      CHECK(performance[field].is_null());
    }
    for (const auto& requirement : candidate["requirements"]) {
      if (requirement["name"] != "fits") {
        CHECK(requirement["estimate"].is_null());
        CHECK(requirement["met"] == false);
      }
    }
  }

  const auto text = run_llm_hw(arguments, {{"NO_COLOR", "1"}, {"COLUMNS", "120"}});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Matches(R"([\s\S]*\n1 +1× [^\n]*yes +\? +\? +\? +[0-9]+\n[\s\S]*)"));
  CHECK_THAT(text.out, !Catch::Contains(" 0 ms"));
  // The reason says which figure is missing in words, what that costs, and how to add it.
  CHECK_THAT(text.out,
             Catch::Matches(R"([\s\S]*memory bandwidth\s+is\s+neither\s+probed\s+nor\s+in\s+the\s+catalog[\s\S]*)"));
  CHECK_THAT(text.out, Catch::Matches(R"([\s\S]*no\s+speed\s+can\s+be\s+estimated[\s\S]*)"));
}
