// Figures no real machine has (a negative MemTotal, 8 EiB of VRAM, a clock of 2^64 kHz, a
// NUMA node of 16 EiB) are dropped with a warning naming their source; the next source or
// the catalog fills in, and the probe JSON still reads back.

#include "probe_fixture.hpp"

#include "llmhw/report/report.hpp"

#include "support/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <regex>

using namespace llmhw::test;
namespace fs = std::filesystem;

namespace {

/// Fixture machine `name` copied into `dir` (links kept), with `files` written over it.
llmhw::probe::Environment altered(const std::string& name, const TempDir& dir,
                                  const std::map<std::string, std::string>& files)
{
  fs::copy(machine_root(name), dir.path(), fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  for (const auto& [path, content] : files) {
    fs::create_directories((dir.path() / path).parent_path());
    dir.write(path, content);
  }
  llmhw::probe::Environment environment;
  environment.root = dir.path().string();
  environment.skip_nvml = true;
  return environment;
}

std::string meminfo(const std::string& total, const std::string& available)
{
  return "MemTotal:       " + total + " kB\nMemFree:        1000 kB\nMemAvailable:   " + available + " kB\n";
}

/// The probe JSON written and read back; fails the test when the reader refuses it.
void check_round_trip(const llmhw::probe::Inventory& inventory)
{
  const std::string written = llmhw::report::probe(inventory, llmhw::report::Format::json, llmhw::report::Style{});
  const auto read = llmhw::probe::parse_inventory_json(written, "probe.json");
  if (!read) {
    FAIL(read.error().message());
  }
  CHECK(read->memory.total_bytes == inventory.memory.total_bytes);
}

} // namespace

TEST_CASE("plausible: a negative or huge MemTotal is dropped with a warning", "[probe][plausible]")
{
  for (const std::string total : {"-1", "18446744073709551615", "99999999999999999999999", "68719476737"}) {
    CAPTURE(total);
    const TempDir dir;
    const auto inventory = probe_machine(altered("this-vm", dir, {{"proc/meminfo", meminfo(total, "1000")}}));
    CHECK(inventory.memory.total_bytes <= (64ull << 40)); // never 16 EiB; hwloc's NUMA figure or nothing
    CHECK(has_warning(inventory, "/proc/meminfo: MemTotal of \"" + total));
    check_round_trip(inventory);
  }
}

TEST_CASE("plausible: MemAvailable above MemTotal is unknown, with a warning", "[probe][plausible]")
{
  const TempDir dir;
  const auto inventory =
      probe_machine(altered("this-vm", dir, {{"proc/meminfo", meminfo("24684084", "34684084")}}));
  CHECK(inventory.memory.total_bytes == 24684084ull * 1024);
  CHECK(inventory.memory.available_bytes == 0);
  CHECK(has_warning(inventory, "MemAvailable (34684084 kB) is above MemTotal (24684084 kB)"));
}

TEST_CASE("plausible: an implausible clock falls through to the next source", "[probe][plausible]")
{
  // this-vm's EPYC is not in the catalog: its clock comes from cpufreq, else "cpu MHz" (2596.125).
  const std::string cpufreq = "sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq";
  const TempDir dir;
  const auto inventory = probe_machine(altered("this-vm", dir, {{cpufreq, "18446744073709551615\n"}}));
  const auto& cpu = device(inventory, "cpu0");
  REQUIRE(cpu.clock_ghz);
  CHECK(*cpu.clock_ghz == Approx(2.596125));
  CHECK(cpu.field_sources.at("clock_ghz") == "procfs");
  CHECK(has_warning(inventory, "cpufreq/cpuinfo_max_freq: the clock of 18446744073709551615 kHz is implausible"));
  REQUIRE(cpu.peak_tflops.fp32);
  CHECK(*cpu.peak_tflops.fp32 < 10); // not 2.4e12

  std::string cpuinfo;
  {
    std::ifstream in(machine_root("this-vm") + "/proc/cpuinfo");
    cpuinfo.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string fast = std::regex_replace(cpuinfo, std::regex("cpu MHz\t\t: [0-9.]+"), "cpu MHz\t\t: 1e12");
  REQUIRE(fast != cpuinfo);
  const TempDir other;
  const auto slow_clock = probe_machine(altered("this-vm", other, {{"proc/cpuinfo", fast}}));
  CHECK(has_warning(slow_clock, "/proc/cpuinfo \"cpu MHz\": the clock of 1e+12 is implausible"));
  const auto& estimated = device(slow_clock, "cpu0");
  REQUIRE(estimated.clock_ghz);
  CHECK(*estimated.clock_ghz < 10); // BogoMIPS / 2000, or nothing
}

TEST_CASE("plausible: 8 EiB of AMD VRAM is dropped; the catalog's memory is used", "[probe][plausible]")
{
  const TempDir dir;
  const auto inventory = probe_machine(altered(
      "mi300x-2", dir, {{"sys/bus/pci/devices/0000:26:00.0/mem_info_vram_total", "9223372036854775808\n"}}));
  const auto& gpu = device(inventory, "gpu0");
  const auto* mi300x = probe_catalog().find_hardware("mi300x");
  REQUIRE(mi300x != nullptr);
  CHECK(gpu.memory_bytes == mi300x->memory_bytes);
  CHECK(gpu.field_sources.at("memory_bytes") == "catalog");
  CHECK(has_warning(inventory, "mem_info_vram_total: the memory size of 9223372036854775808 bytes is implausible"));
  CHECK(device(inventory, "gpu1").field_sources.at("memory_bytes") == "sysfs"); // its twin is read as before
  check_round_trip(inventory);
}

TEST_CASE("plausible: a NUMA node of 16 EiB in an hwloc topology is dropped", "[probe][plausible]")
{
  std::string xml;
  {
    std::ifstream in(std::string(LLM_HW_TEST_FIXTURES) + "/topology/one-core-two-threads.xml");
    xml.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string huge =
      std::regex_replace(xml, std::regex("local_memory=\"[0-9]+\""), "local_memory=\"18446744073709551615\"");
  REQUIRE(huge != xml);
  const TempDir dir;
  llmhw::probe::Environment environment;
  environment.topology_xml = dir.write("topology.xml", huge);
  environment.skip_nvml = true;
  const auto inventory = probe_machine(environment);
  CHECK(inventory.memory.total_bytes == 0); // unknown rather than 16 EiB
  CHECK(has_warning(inventory, "hwloc NUMA node 0: local memory of 18446744073709551615 bytes is implausible"));
  check_round_trip(inventory);
}

TEST_CASE("plausible: a machine whose every figure is extreme still writes a probe JSON it reads back",
          "[probe][plausible][json]")
{
  const TempDir dir;
  const auto inventory = probe_machine(
      altered("mi300x-2", dir,
              {{"proc/meminfo", meminfo("18446744073709551615", "18446744073709551615")},
               {"sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "18446744073709551615\n"},
               {"sys/bus/pci/devices/0000:26:00.0/mem_info_vram_total", "18446744073709551615\n"},
               {"sys/bus/pci/devices/0000:26:00.0/mem_info_vram_used", "18446744073709551615\n"},
               {"sys/bus/pci/devices/0000:46:00.0/mem_info_vram_total", "1099511627777\n"},
               {"proc/self/cgroup", "0::" + std::string(3000, '/') + "a/../b\n"},
               {"sys/fs/cgroup/memory.max", "1\n"}}));
  check_round_trip(inventory);
  CHECK(inventory.memory.total_bytes <= (64ull << 40));
  CHECK_FALSE(inventory.memory.cgroup_limit_bytes.has_value());
  for (const auto& device : inventory.devices) {
    CHECK(device.memory_bytes <= (1ull << 40) + inventory.memory.total_bytes);
  }
}
