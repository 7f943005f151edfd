// A broken or lying NVML, as the fake library (tests/support/fake_nvml) plays it: crashes,
// aborts, exits, hangs in its constructor, prints, answers garbage, and lies about counts,
// handles, bus ids, MIG instances and clocks. The probe queries NVML in a child process, so
// each of these must end in a warning naming what happened, with the CPU and the GPUs the PCI
// bus shows still reported; and through the real binary, a complete probe JSON and exit 0.

#include "probe/nvml.hpp"
#include "probe_fixture.hpp"

#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace llmhw::test;
using llmhw::probe::Device;
using llmhw::probe::Environment;

namespace {

using Clock = std::chrono::steady_clock;

/// The probe's own budget is 2 s; anything near this is a hang, not a slow driver.
constexpr auto k_hang_guard = std::chrono::seconds(10);

/// The HGX H100 fixture's nvml.conf (8 GPUs, as on its PCI bus) with `fault` switched on.
std::string faulty_hgx_config(const TempDir& dir, const std::string& fault)
{
  std::ifstream file(machine_root("hgx-h100") + "/nvml.conf");
  std::stringstream config;
  config << "fault = " << fault << "\n" << file.rdbuf();
  return dir.write(fault + ".conf", config.str());
}

Environment hgx_with_nvml(const std::string& config)
{
  ::setenv("FAKE_NVML_CONFIG", config.c_str(), 1);
  Environment environment = fixture_environment("hgx-h100");
  environment.skip_nvml = false;
  environment.nvml_library = LLM_HW_FAKE_NVML;
  return environment;
}

std::vector<const Device*> gpus(const llmhw::probe::Inventory& inventory)
{
  std::vector<const Device*> found;
  for (const Device& device : inventory.devices) {
    if (device.kind == llmhw::catalog::DeviceKind::gpu) {
      found.push_back(&device);
    }
  }
  return found;
}

/// What a fault must leave: the CPU, and the eight H100s the PCI bus shows, with catalog figures.
void check_pci_gpus_remain(const llmhw::probe::Inventory& inventory)
{
  CHECK(device(inventory, "cpu0").cores == 112);
  const auto found = gpus(inventory);
  REQUIRE(found.size() == 8);
  for (const Device* gpu : found) {
    CHECK(gpu->catalog_id == "h100-sxm");
    REQUIRE(gpu->memory_bandwidth_bytes_s);
    CHECK(*gpu->memory_bandwidth_bytes_s <= 3.36e12); // the datasheet's 3.35 TB/s, or NVML's 3.352
  }
  CHECK(device(inventory, "gpu7").pci->bus_id == "0000:db:00.0");
}

struct Fault {
  const char* name;
  const char* warning; ///< a part of the warning that names what happened
};

/// Faults that end the library's answer before it is given.
const std::vector<Fault> k_failures = {
    {"memory_segfault", "NVML crashed (signal 11, Segmentation fault) while being queried; NVIDIA GPUs come from PCI"},
    {"init_aborts", "NVML crashed (signal 6, Aborted) while being queried"},
    {"init_exits_zero", "NVML exited (status 0) without answering"},
    {"init_calls_exit", "NVML called exit() while being queried"},
    {"constructor_sleeps", "NVML did not answer within 1000 ms; stopped"},
    {"init_blocks", "NVML did not answer within 1000 ms; stopped"},
    {"answers_garbage", "NVML's answer was malformed (NVML's answer: gpus[0].index: expected a non-negative"},
    {"answers_too_much", "NVML's answer was malformed (more than 1048576 bytes)"},
};

} // namespace

TEST_CASE("NVML that crashes, aborts, exits, hangs or answers garbage: a warning, GPUs from PCI", "[probe][nvml]")
{
  const TempDir dir;
  for (const Fault& fault : k_failures) {
    INFO("fault = " << fault.name);
    Environment environment = hgx_with_nvml(faulty_hgx_config(dir, fault.name));
    environment.backend_timeout = std::chrono::milliseconds(1000); // room for a loaded machine (or ASan) to fork
    const auto started = Clock::now();
    const auto inventory = probe_machine(environment);
    CHECK(Clock::now() - started < k_hang_guard);
    CHECK(has_warning(inventory, fault.warning));
    check_pci_gpus_remain(inventory);
    CHECK_FALSE(has_warning(inventory, "not reported by NVML")); // NVML did not answer: no claim about it
  }
}

TEST_CASE("NVML that prints to stdout and stderr still answers", "[probe][nvml]")
{
  const TempDir dir;
  const auto inventory = probe_machine(hgx_with_nvml(faulty_hgx_config(dir, "prints_to_stdout")));
  CHECK(inventory.warnings.empty());
  REQUIRE(gpus(inventory).size() == 8);
  CHECK(device(inventory, "gpu0").uuid == "GPU-b42dd28e-ffdd-8720-1df0-98bd8cdc05b1");
}

TEST_CASE("NVML that lies about its GPUs: never more than the PCI bus shows", "[probe][nvml]")
{
  const TempDir dir;
  SECTION("a count of 10,000, its handles repeating the eight GPUs")
  {
    const auto inventory = probe_machine(hgx_with_nvml(faulty_hgx_config(dir, "count_huge")));
    CHECK(has_warning(inventory, "NVML reports 10000 GPUs, more than a host holds; only the first 64 were read"));
    CHECK(has_warning(inventory, "NVML counts 10000 GPU(s) but the PCI bus shows 8 NVIDIA GPU(s)"));
    CHECK(has_warning(inventory, "NVML reports 56 GPU(s) with a bus id it already gave another"));
    check_pci_gpus_remain(inventory);
    CHECK(device(inventory, "gpu0").uuid == "GPU-b42dd28e-ffdd-8720-1df0-98bd8cdc05b1"); // NVML's, not lost
  }
  SECTION("NULL handles returned with success")
  {
    const auto inventory = probe_machine(hgx_with_nvml(faulty_hgx_config(dir, "null_handles")));
    CHECK(has_warning(inventory, "NVML gave a NULL handle for 2 GPU(s); skipped"));
    CHECK(has_warning(inventory, "NVML counts 10 GPU(s) but the PCI bus shows 8"));
    check_pci_gpus_remain(inventory);
  }
  SECTION("a malformed bus id and a repeated one")
  {
    const auto inventory = probe_machine(hgx_with_nvml(faulty_hgx_config(dir, "garbage_bus_ids")));
    CHECK(has_warning(inventory, "NVML reports 1 GPU(s) with a malformed bus id (\"zz:bogus:"));
    CHECK(has_warning(inventory, "NVML reports 1 GPU(s) with a bus id it already gave another (0000:18:00.0)"));
    check_pci_gpus_remain(inventory);
  }
  SECTION("well-formed bus ids the PCI bus does not have")
  {
    const std::string config = dir.write("elsewhere.conf", "[gpu]\nname = NVIDIA H100 80GB HBM3\nbus_id = "
                                                           "00000000:99:00.0\npci_device_id = 0x233010DE\n"
                                                           "memory_total = 85520809984\n");
    const auto inventory = probe_machine(hgx_with_nvml(config));
    CHECK(has_warning(inventory, "1 NVML GPU(s) match no NVIDIA GPU on the PCI bus; ignored"));
    check_pci_gpus_remain(inventory);
  }
}

TEST_CASE("NVML's MIG flood: more instances than a GPU can hold are dropped", "[probe][nvml]")
{
  const TempDir dir;
  SECTION("eight H100s, each claiming 64 instances: eight whole GPUs")
  {
    const auto inventory = probe_machine(hgx_with_nvml(faulty_hgx_config(dir, "mig_flood")));
    CHECK(has_warning(inventory, "NVML GPU 0: NVML reports at least 16 MIG instances, more than the 7 a GPU can "
                                 "hold; its MIG instances are ignored"));
    check_pci_gpus_remain(inventory);
    CHECK_FALSE(device(inventory, "gpu0").mig_profile.has_value());
  }
  SECTION("one A100 on a VM whose sysfs shows no GPU: one device, not 16")
  {
    std::ifstream file(std::string(LLM_HW_TEST_FIXTURES) + "/nvml/a100-mig.conf");
    std::stringstream config;
    config << "fault = mig_flood\n" << file.rdbuf();
    ::setenv("FAKE_NVML_CONFIG", dir.write("a100.conf", config.str()).c_str(), 1);
    Environment environment = fixture_environment("this-vm");
    environment.skip_nvml = false;
    environment.nvml_library = LLM_HW_FAKE_NVML;
    const auto inventory = probe_machine(environment);
    REQUIRE(gpus(inventory).size() == 1);
    CHECK(device(inventory, "gpu0").model == "NVIDIA A100-SXM4-40GB");
  }
}

TEST_CASE("NVML's memory clock × bus width: implausible bandwidth gives way to the catalog", "[probe][nvml]")
{
  const TempDir dir;
  SECTION("99,999 MHz × 16,384 bit = 410 TB/s")
  {
    const auto inventory = probe_machine(hgx_with_nvml(faulty_hgx_config(dir, "absurd_clock")));
    CHECK(has_warning(inventory, "NVIDIA GPU 0000:18:00.0: NVML's memory clock × bus width gives 410 TB/s, above "
                                 "the 32.0 TB/s no GPU reaches; the catalog's figure is used"));
    check_pci_gpus_remain(inventory);
    const Device& gpu = device(inventory, "gpu0");
    CHECK(*gpu.memory_bandwidth_bytes_s == Approx(3.35e12)); // H100 SXM datasheet
    CHECK(gpu.field_sources.at("memory_bandwidth_bytes_s") == "catalog");
    CHECK(gpu.field_sources.at("memory_bytes") == "nvml"); // the rest of NVML's answer stands
  }
  SECTION("a doubled clock: 2.3 times the datasheet's 3.35 TB/s")
  {
    const std::string config =
        dir.write("doubled.conf", "[gpu]\nname = NVIDIA H100 80GB HBM3\nbus_id = 00000000:18:00.0\n"
                                  "pci_device_id = 0x233010DE\nmemory_total = 85520809984\n"
                                  "memory_clock_mhz = 6000\nbus_width = 5120\n");
    const auto inventory = probe_machine(hgx_with_nvml(config));
    CHECK(has_warning(inventory, "gives 7.68 TB/s, more than 2× away from the catalog's 3.35 TB/s for h100-sxm"));
    CHECK(*device(inventory, "gpu0").memory_bandwidth_bytes_s == Approx(3.35e12));
  }
  SECTION("a GPU the catalog does not know: no bandwidth rather than 410 TB/s")
  {
    ::setenv("FAKE_NVML_CONFIG",
             dir.write("unknown.conf", "fault = absurd_clock\n[gpu]\nname = NVIDIA Prototype\n"
                                       "memory_total = 85520809984\nmemory_clock_mhz = 1\nbus_width = 1\n")
                 .c_str(),
             1);
    Environment environment = fixture_environment("this-vm");
    environment.skip_nvml = false;
    environment.nvml_library = LLM_HW_FAKE_NVML;
    const auto inventory = probe_machine(environment);
    CHECK(has_warning(inventory, "NVIDIA GPU NVIDIA Prototype: NVML's memory clock × bus width gives 410 TB/s"));
    CHECK_FALSE(device(inventory, "gpu0").memory_bandwidth_bytes_s.has_value());
  }
}

TEST_CASE("NVML's answer from the child is parsed as untrusted input", "[probe][nvml]")
{
  using llmhw::probe::detail::parse_nvml_answer;
  const auto malformed = [](const std::string& answer) {
    const auto report = parse_nvml_answer(answer, "");
    INFO(answer.substr(0, 80));
    CHECK_FALSE(report.available);
    CHECK(report.gpus.empty());
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].starts_with("NVML's answer was malformed ("));
  };
  const std::string gpu = R"({"index": 0, "name": "NVIDIA H100 80GB HBM3", "bus_id": "00000000:18:00.0",
                              "pci_device_id": 590354654, "memory_total": 85520809984})";
  SECTION("a well-formed answer")
  {
    const auto report = parse_nvml_answer(R"({"loaded": true, "count": 1, "no_handle": 0, "null_handle": 0,
                                              "cuda": 12070, "gpus": [)" +
                                              gpu + "]}",
                                          "");
    CHECK(report.available);
    REQUIRE(report.gpus.size() == 1);
    CHECK(report.gpus[0].bus_id == "0000:18:00.0");
    CHECK(report.gpus[0].device_id == "2330"); // 0x233010DE >> 16
    CHECK(report.cuda_version == "12.7");
    CHECK(report.warnings.empty());
  }
  SECTION("the default library absent is silent, a named one a warning")
  {
    const std::string absent = R"({"loaded": false, "load_error": "libnvidia-ml.so.1: cannot open shared object"})";
    CHECK(parse_nvml_answer(absent, "").warnings.empty());
    CHECK(parse_nvml_answer(absent, "/opt/nvml.so").warnings ==
          std::vector<std::string>{"cannot load NVML from /opt/nvml.so: libnvidia-ml.so.1: cannot open shared object"});
  }
  SECTION("not JSON, not an object, wrong types, too deep, too long, too many")
  {
    malformed("");
    malformed("garbage on the pipe");
    malformed("[1, 2, 3]");
    malformed(R"({"loaded": "yes"})");
    malformed(R"({"loaded": true, "count": -1})");
    malformed(R"({"loaded": true, "count": 1, "gpus": {"index": 0}})");
    malformed(R"({"loaded": true, "count": 1, "gpus": [{"index": 0, "memory_total": 1.5}]})");
    malformed(std::string(100'000, '[') + std::string(100'000, ']'));
    malformed(R"({"loaded": true, "count": 1, "gpus": [{"index": 0, "name": ")" + std::string(97, 'x') + "\"}]}");
    std::string many = R"({"loaded": true, "count": 65, "gpus": [)";
    for (int i = 0; i < 65; ++i) {
      many += (i > 0 ? "," : "") + gpu;
    }
    malformed(many + "]}");
  }
  SECTION("figures out of range are dropped, not trusted")
  {
    const auto report = parse_nvml_answer(
        R"({"loaded": true, "count": 1, "cuda": -5, "gpus": [{"index": 0, "name": "x", "memory_total": 1024,
            "memory_free": 4096, "cc_major": 0, "cc_minor": 0, "memory_clock_mhz": 100000, "bus_width": 0,
            "power_limit_mw": 4294967295, "nvlink_active": 19}]})",
        "");
    REQUIRE(report.gpus.size() == 1);
    const auto& parsed = report.gpus[0];
    CHECK(parsed.memory_total_bytes == 1024);
    CHECK_FALSE(parsed.memory_free_bytes.has_value()); // more free than total
    CHECK_FALSE(parsed.compute_capability.has_value());
    CHECK_FALSE(parsed.memory_clock_mhz.has_value());
    CHECK_FALSE(parsed.memory_bus_width_bits.has_value());
    CHECK_FALSE(parsed.power_limit_watts.has_value());
    CHECK_FALSE(parsed.nvlink_active.has_value()); // 18 links at most
    CHECK_FALSE(report.cuda_version.has_value());
  }
}

TEST_CASE("llm-hw probe --json with a broken NVML: exit 0, complete JSON, the fault named", "[probe][cli][nvml]")
{
  const TempDir dir;
  std::vector<Fault> faults = {
      {"memory_segfault", "NVML crashed (signal 11, Segmentation fault)"},
      {"init_aborts", "NVML crashed (signal 6, Aborted)"},
      {"init_exits_zero", "NVML exited (status 0) without answering"},
      {"constructor_sleeps", "NVML did not answer within 2000 ms; stopped"},
      {"prints_to_stdout", ""},
      {"count_huge", "NVML reports 10000 GPUs"},
      {"null_handles", "NVML gave a NULL handle for 2 GPU(s)"},
      {"garbage_bus_ids", "with a malformed bus id"},
      {"mig_flood", "MIG instances are ignored"},
      {"absurd_clock", "gives 410 TB/s"},
  };
  for (const Fault& fault : faults) {
    INFO("fault = " << fault.name);
    const auto started = Clock::now();
    const auto run = run_llm_hw({"probe", "--json"}, {{"LLM_HW_ROOT", machine_root("hgx-h100")},
                                                      {"LLM_HW_NVML_LIB", LLM_HW_FAKE_NVML},
                                                      {"FAKE_NVML_CONFIG", faulty_hgx_config(dir, fault.name)}});
    CHECK(Clock::now() - started < k_hang_guard);
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("garbage") == std::string::npos); // nothing the library printed
    CHECK(run.err.find("garbage") == std::string::npos);
    const auto document = nlohmann::json::parse(run.out, nullptr, false);
    REQUIRE_FALSE(document.is_discarded());
    CHECK(document["schema"] == "llm-hw/probe/v1");
    REQUIRE(document["devices"].size() == 9);
    CHECK(document["devices"][0]["id"] == "cpu0");
    for (std::size_t i = 1; i < 9; ++i) {
      CHECK(document["devices"][i]["catalog_id"] == "h100-sxm");
      CHECK(document["devices"][i]["memory_bandwidth_bytes_s"].get<double>() < 3.4e12);
      CHECK(document["devices"][i]["memory_bytes"].get<std::uint64_t>() < (std::uint64_t{1} << 40));
    }
    CHECK(document["warnings"].dump().find(fault.warning) != std::string::npos);
  }
}
