// A fixture root whose pseudo-files are not files (FIFOs, links to devices,
// unlistable folders), and one with 20,000 PCI functions: the probe finishes,
// with warnings naming what it could not read.
#include "probe/pci.hpp"
#include "probe_fixture.hpp"
#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"

#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

using llmhw::test::machine_root;
using llmhw::test::run_llm_hw;
using llmhw::test::TempDir;

namespace fs = std::filesystem;

namespace {

/// A copy of fixture machine `name` that a test may break.
fs::path copy_machine(const TempDir& dir, const std::string& name)
{
  const fs::path root = dir.path() / name;
  fs::copy(machine_root(name), root, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  return root;
}

void replace_with_fifo(const fs::path& file)
{
  fs::remove(file);
  REQUIRE(mkfifo(file.c_str(), 0600) == 0);
}

/// `llm-hw probe --json` under `root`; the run's warnings, after checking it
/// succeeded within the hang guard.
nlohmann::json probe_under(const fs::path& root)
{
  const auto run = run_llm_hw({"probe", "--json"}, {{"LLM_HW_ROOT", root.string()}, {"LLM_HW_NO_NVML", "1"}});
  REQUIRE_FALSE(run.timed_out);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  return nlohmann::json::parse(run.out);
}

bool any_warning(const nlohmann::json& inventory, const std::string& part)
{
  for (const auto& warning : inventory.at("warnings")) {
    if (warning.get<std::string>().find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace

TEST_CASE("/proc/cpuinfo linked to /dev/zero: hwloc is not asked, the probe warns and finishes", "[probe][hostile]")
{
  const TempDir dir;
  const fs::path root = copy_machine(dir, "this-vm");
  fs::remove(root / "proc/cpuinfo");
  fs::create_symlink("/dev/zero", root / "proc/cpuinfo");
  const nlohmann::json inventory = probe_under(root);
  INFO(inventory.at("warnings").dump());
  CHECK(any_warning(inventory, "proc/cpuinfo is a character device: hwloc not used"));
  CHECK(any_warning(inventory, "cannot read /proc/cpuinfo"));
  CHECK(inventory.at("devices").at(0).at("threads") == 2); // sys/devices/system/cpu/online says 0-1
}

TEST_CASE("FIFOs among the sysfs and procfs files are unreadable, never waited on", "[probe][hostile]")
{
  const TempDir dir;
  const fs::path root = copy_machine(dir, "this-vm");
  replace_with_fifo(root / "proc/meminfo");
  replace_with_fifo(root / "etc/os-release");
  replace_with_fifo(root / "sys/bus/pci/devices/0000:00:01.0/vendor");
  const nlohmann::json inventory = probe_under(root);
  INFO(inventory.at("warnings").dump());
  CHECK(any_warning(inventory, "proc/meminfo is a named pipe (FIFO): hwloc not used"));
  CHECK(any_warning(inventory, "no usable MemTotal in /proc/meminfo"));
  const auto& warnings = inventory.at("warnings");
  CHECK(std::count_if(warnings.begin(), warnings.end(), [](const nlohmann::json& warning) {
          return warning.get<std::string>().find("hwloc not used") != std::string::npos;
        }) == 1); // said once, not once per stage that passes the CPU's warnings on
  CHECK(any_warning(inventory, "PCI 0000:00:01.0: cannot read its vendor or device id"));
}

TEST_CASE("a PCI device folder that cannot be listed is a warning", "[probe][hostile]")
{
  const TempDir dir;
  const fs::path root = copy_machine(dir, "this-vm");
  const fs::path devices = root / "sys/bus/pci/devices";
  fs::remove_all(devices);
  fs::create_symlink(devices, devices); // a link to itself: listing it fails with ELOOP
  const nlohmann::json inventory = probe_under(root);
  INFO(inventory.at("warnings").dump());
  CHECK(any_warning(inventory, "sys/bus/pci/devices cannot be listed"));
}

// The 20,000-function timing (docs/reliability.md) is measured with a
// generated root outside the suite: 60,000 files take minutes to create on a
// loaded disk. Here, enough functions to span many buses.
TEST_CASE("thousands of PCI functions are all listed", "[probe][hostile]")
{
  const TempDir dir;
  const fs::path base = dir.path() / "sys/bus/pci/devices";
  constexpr int k_functions = 2'000;
  for (int i = 0; i < k_functions; ++i) {
    const fs::path function = base / fmt::format("0000:{:02x}:{:02x}.{:x}", i / 256, (i / 8) % 32, i % 8);
    fs::create_directories(function);
    std::ofstream(function / "vendor") << "0x8086\n";
    std::ofstream(function / "device") << "0x1234\n";
    std::ofstream(function / "class") << "0x020000\n";
  }
  const auto scan = llmhw::probe::detail::scan_pci(dir.path().string());
  CHECK(scan.warnings.empty());
  REQUIRE(scan.functions.size() == k_functions);
  CHECK(scan.functions.back().vendor_id == "8086");
  CHECK(scan.functions.back().class_code == 0x020000);
}
