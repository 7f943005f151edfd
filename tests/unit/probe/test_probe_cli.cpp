// `llm-hw probe` as a user runs it: exit codes, the text table, -v sources, JSON,
// --measure and its progress line, the NVML timeout in a real process.

#include "probe_fixture.hpp"

#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

using namespace llmhw::test;

TEST_CASE("probe: the device table of a fixture machine, and every source with -v", "[probe][cli]")
{
  // 100 columns: the model names on one line (at 80, the default through a pipe, they wrap).
  const auto run = run_llm_hw(
      {"probe"}, {{"LLM_HW_ROOT", machine_root("mi300x-2")}, {"LLM_HW_NO_NVML", "1"}, {"COLUMNS", "100"}});
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("gpu1  gpu   AMD Instinct MI300X") != std::string::npos);
  CHECK(run.out.find("5.30 TB/s") != std::string::npos);
  CHECK(run.out.find("1307") != std::string::npos);
  const auto verbose =
      run_llm_hw({"probe", "-v"}, {{"LLM_HW_ROOT", machine_root("mi300x-2")}, {"LLM_HW_NO_NVML", "1"}});
  CHECK(verbose.out.find("gpu0.memory_bytes: sysfs") != std::string::npos);
  CHECK(verbose.out.find("cpu0.memory_bandwidth_bytes_s: catalog") != std::string::npos);
}

TEST_CASE("probe --json names devices as SPEC.md's example does", "[probe][cli]")
{
  const auto run =
      run_llm_hw({"probe", "--json"}, {{"LLM_HW_ROOT", machine_root("tpu-v5e-4")}, {"LLM_HW_NO_NVML", "1"}});
  REQUIRE(run.exit_code == 0);
  const auto document = nlohmann::json::parse(run.out);
  CHECK(document["schema"] == "llm-hw/probe/v1");
  CHECK(document["devices"][1]["id"] == "tpu0");
  CHECK(document["devices"][1]["kind"] == "tpu");
  CHECK(document["devices"][1]["vendor"] == "Google");
  CHECK(document["devices"][1]["chips"] == 4);
  CHECK(document["devices"][1]["pci"]["vendor_id"] == "1ae0");
  CHECK(document["devices"][1]["pci"]["device_id"] == "0063");
  CHECK(document["memory"]["cgroup_limit_bytes"].is_null());
}

TEST_CASE("probe: no CPU information at all is exit code 3", "[probe][cli]")
{
  const TempDir empty;
  const auto run = run_llm_hw({"probe"}, {{"LLM_HW_ROOT", empty.path().string()}});
  CHECK(run.exit_code == 3);
  CHECK(run.out.empty());
  CHECK(lines(run.err).size() == 1);
}

TEST_CASE("probe: an NVML that blocks is stopped after 2 s", "[probe][cli][nvml]")
{
  const TempDir dir;
  const auto started = std::chrono::steady_clock::now();
  const auto run =
      run_llm_hw({"probe", "--json"}, {{"LLM_HW_ROOT", machine_root("hgx-h100")},
                                       {"LLM_HW_NVML_LIB", LLM_HW_FAKE_NVML},
                                       {"FAKE_NVML_CONFIG", dir.write("c.conf", "fault = init_blocks\n")}});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(run.exit_code == 0);
  CHECK(elapsed >= std::chrono::seconds(2));
  CHECK(elapsed < std::chrono::seconds(10)); // the blocked child is killed, not waited for
  const auto document = nlohmann::json::parse(run.out);
  CHECK(document["devices"].size() == 9);
  CHECK(document["warnings"].dump().find("NVML did not answer within 2000 ms") != std::string::npos);
}

TEST_CASE("probe --measure: a measured bandwidth, kept for later runs, progress only on a terminal",
          "[probe][cli][measure]")
{
  // Structure and bounds only: the machine running the tests is shared, so no speed is asserted.
  const TempDir cache;
  const std::map<std::string, std::string> variables{{"LLM_HW_NO_NVML", "1"},
                                                     {"XDG_CACHE_HOME", cache.path().string()}};
  const auto started = std::chrono::steady_clock::now();
  const auto plain = run_llm_hw({"probe", "--measure", "--json"}, variables);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10)); // hang guard
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.err.empty());
  const auto document = nlohmann::json::parse(plain.out);
  INFO(document["warnings"].dump());
  const auto& cpu = document["devices"][0];
  REQUIRE(cpu["field_sources"]["memory_bandwidth_bytes_s"] == "measured");
  const double measured = cpu["memory_bandwidth_bytes_s"].get<double>();
  CHECK(measured > 1e8); // any machine moves 100 MB/s
  CHECK(measured < 1e14);

  // Kept under $XDG_CACHE_HOME: a later run uses it and says from when; --no-cache does not.
  REQUIRE(std::filesystem::is_regular_file(cache.path() / "llm-hw" / "bandwidth.json"));
  const auto later = nlohmann::json::parse(run_llm_hw({"probe", "--json"}, variables).out)["devices"][0];
  CHECK(later["memory_bandwidth_bytes_s"].get<double>() == Approx(measured));
  CHECK_THAT(later["field_sources"]["memory_bandwidth_bytes_s"].get<std::string>(),
             Catch::StartsWith("measured (kept from 20"));
  const auto ignored =
      nlohmann::json::parse(run_llm_hw({"probe", "--json", "--no-cache"}, variables).out)["devices"][0];
  CHECK_THAT(ignored["field_sources"]["memory_bandwidth_bytes_s"].get<std::string>(),
             !Catch::StartsWith("measured"));
  // advise --measure uses the kept figure for the local CPU and states it.
  const auto advice = run_llm_hw({"advise", "--measure", "--model", "llama-3.2-1b", "--json"}, variables);
  CHECK(advice.exit_code == 0);
  CHECK(advice.out.find("measured (kept from 20") != std::string::npos);

  const auto terminal = run_llm_hw_in_terminal({"probe", "--measure", "--no-cache"}, variables);
  CHECK(terminal.out.find("measuring memory bandwidth") != std::string::npos);
}
