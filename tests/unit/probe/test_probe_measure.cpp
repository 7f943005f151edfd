// probe --measure's planning, measurement and kept figure: arrays sized from the memory the
// process may use (never from a reported cache size), deadlines that end in an answer, and a
// cache file that is input like any other. No speed is asserted: machines running the tests
// are shared and busy.

#include "probe/backends.hpp"

#include "probe_fixture.hpp"

#include "support/temp_dir.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

using namespace llmhw::test;
using namespace llmhw::probe::detail;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;

/// this-vm copied into `dir`, every L3 reported as `l3_kib` and MemAvailable as `available_kib`.
llmhw::probe::Environment vm_reporting(const TempDir& dir, const std::string& l3_kib, std::uint64_t available_kib)
{
  fs::copy(machine_root("this-vm"), dir.path(), fs::copy_options::recursive);
  for (const char* cpu : {"cpu0", "cpu1"}) {
    dir.write(std::string("sys/devices/system/cpu/") + cpu + "/cache/index3/size", l3_kib + "\n");
  }
  dir.write("proc/meminfo", "MemTotal:       24684084 kB\nMemFree:        22366788 kB\nMemAvailable:   " +
                                std::to_string(available_kib) + " kB\n");
  llmhw::probe::Environment environment;
  environment.root = dir.path().string();
  environment.skip_nvml = true;
  return environment;
}

BandwidthKey key(unsigned cpus = 2)
{
  return {"Intel(R) Xeon(R) Processor", cpus, 24};
}

} // namespace

TEST_CASE("Bandwidth measurement: a VM reporting a 1,016 MiB L3 gets at most 512 MiB of arrays, sized from its memory",
          "[probe][measure]")
{
  const TempDir dir;
  const auto inventory = probe_machine(vm_reporting(dir, "1040384K", 22697368));
  const auto& cpu = device(inventory, "cpu0");
  REQUIRE(cpu.l3_cache_bytes);
  REQUIRE(*cpu.l3_cache_bytes >= 1000 * MiB); // the fixture's huge L3 reached the inventory
  const auto plan = plan_triad(cpu, memory_for_measurement(inventory.memory, std::nullopt));
  REQUIRE(plan.ok());
  CHECK(plan->threads == 2);
  CHECK(3 * plan->array_bytes <= k_max_triad_bytes);
  CHECK(3 * plan->array_bytes >= k_max_triad_bytes * 9 / 10);
  CHECK(plan->array_bytes % plan->threads == 0);

  // Less memory available: a quarter of it at most, whatever the cache.
  const TempDir tight;
  const auto squeezed = probe_machine(vm_reporting(tight, "1040384K", 600 * 1024));
  const auto small = plan_triad(device(squeezed, "cpu0"), memory_for_measurement(squeezed.memory, std::nullopt));
  REQUIRE(small.ok());
  CHECK(3 * small->array_bytes <= 150 * MiB);
  CHECK(3 * small->array_bytes >= k_min_triad_bytes);
}

TEST_CASE("Bandwidth measurement: too little memory is one clear error, and a cgroup's headroom counts", "[probe][measure]")
{
  const TempDir dir;
  const auto inventory = probe_machine(vm_reporting(dir, "32768K", 200 * 1024));
  const auto plan = plan_triad(device(inventory, "cpu0"), memory_for_measurement(inventory.memory, std::nullopt));
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error().input == "--measure");
  CHECK_THAT(plan.error().problem, Catch::Contains("200 MiB") && Catch::Contains("needs 256 MiB"));

  // 20 GiB available on the host, but the container's cgroup has 100 MiB left of its 1 GiB.
  const TempDir container;
  const auto environment = vm_reporting(container, "32768K", 22697368);
  container.write("sys/fs/cgroup/memory/memory.limit_in_bytes", std::to_string(1024 * MiB) + "\n");
  container.write("sys/fs/cgroup/memory/memory.usage_in_bytes", std::to_string(924 * MiB) + "\n");
  std::vector<std::string> warnings;
  const CgroupLimits limits = read_cgroup_limits(environment.root, warnings);
  REQUIRE(limits.memory_headroom_bytes);
  CHECK(*limits.memory_headroom_bytes == 100 * MiB);
  const auto limited = probe_machine(environment);
  CHECK(memory_for_measurement(limited.memory, limits.memory_headroom_bytes) == 100 * MiB);
  CHECK_FALSE(plan_triad(device(limited, "cpu0"), 100 * MiB).ok());
}

TEST_CASE("Bandwidth measurement: one thread per CPU the process may use", "[probe][measure]")
{
  llmhw::probe::Device cpu;
  cpu.cores = 64;
  cpu.threads = 128;
  CHECK(triad_threads(cpu) == 128);
  cpu.usable_cores = 1.5; // cpu.max 150000 100000
  CHECK(triad_threads(cpu) == 1);
  cpu.usable_cores = 0.2;
  CHECK(triad_threads(cpu) == 1);
}

TEST_CASE("Bandwidth measurement: the triad answers within its deadlines, or says why not", "[probe][measure]")
{
  // Deadlines longer than probe's, so that a test machine busy with a parallel build still gets through.
  const TriadPlan plan{2, 32 * MiB};
  const auto started = std::chrono::steady_clock::now();
  const auto measured = measure_triad_bytes_s(plan, {std::chrono::seconds(4), std::chrono::seconds(5)});
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10)); // hang guard
  REQUIRE(measured.ok());
  CHECK(*measured > 1e7);
  CHECK(*measured < 1e14);

  // No time to fault anything in: an error naming the cause, not a figure from the cache.
  const auto starved = measure_triad_bytes_s(plan, {std::chrono::milliseconds(0), std::chrono::milliseconds(0)});
  REQUIRE_FALSE(starved.ok());
  CHECK_THAT(starved.error().problem, Catch::Contains("could be faulted in within 0 ms"));
}

TEST_CASE("Kept measurement: found for its key and month only", "[probe][measure][cache]")
{
  const TempDir dir;
  const std::string path = (dir.path() / "llm-hw" / "bandwidth.json").string();
  std::vector<std::string> warnings;
  keep_bandwidth(path, key(), 61.5e9, "2026-12-07", warnings);
  CHECK(warnings.empty());
  const auto kept = read_kept_bandwidth(path, key(), "2026-12-20", warnings);
  REQUIRE(kept);
  CHECK(kept->bytes_s == 61.5e9);
  CHECK(kept->measured_on == "2026-12-07");
  CHECK_FALSE(read_kept_bandwidth(path, key(4), "2026-12-07", warnings));              // other CPU count
  CHECK_FALSE(read_kept_bandwidth(path, {"AMD EPYC 9554", 2, 24}, "2026-12-07", warnings)); // other CPU
  CHECK_FALSE(read_kept_bandwidth(path, key(), "2027-01-07", warnings));              // 31 days on
  CHECK_FALSE(read_kept_bandwidth(path, key(), "2026-12-06", warnings));              // dated in the future
  CHECK(warnings.empty());

  // A second key is added beside the first; the same key replaces its entry.
  keep_bandwidth(path, key(4), 90e9, "2026-12-08", warnings);
  keep_bandwidth(path, key(), 55e9, "2026-12-08", warnings);
  CHECK(read_kept_bandwidth(path, key(4), "2026-12-08", warnings)->bytes_s == 90e9);
  CHECK(read_kept_bandwidth(path, key(), "2026-12-08", warnings)->bytes_s == 55e9);
  // At most 16 entries: the oldest go.
  for (unsigned cpus = 10; cpus < 30; ++cpus) {
    keep_bandwidth(path, key(cpus), 1e10, "2026-12-09", warnings);
  }
  CHECK(read_kept_bandwidth(path, key(29), "2026-12-09", warnings));
  CHECK_FALSE(read_kept_bandwidth(path, key(4), "2026-12-09", warnings));
  CHECK(fs::file_size(path) < 8 * 1024);
  CHECK(warnings.empty());
}

TEST_CASE("Kept measurement: a file that is not one is ignored with a warning and rewritten", "[probe][measure][cache]")
{
  const TempDir dir;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"not JSON", "{\"schema\": "},
      {"another schema", R"({"schema": "llm-hw/probe/v1", "measurements": []})"},
      {"absurd bandwidth", R"({"schema": "llm-hw/bandwidth-cache/v1", "measurements": [{"cpu_model":
          "Intel(R) Xeon(R) Processor", "cpus": 2, "memory_gib": 24, "memory_bandwidth_bytes_s": 1e30,
          "measured_on": "2026-12-07"}]})"},
      {"a bad date", R"({"schema": "llm-hw/bandwidth-cache/v1", "measurements": [{"cpu_model":
          "Intel(R) Xeon(R) Processor", "cpus": 2, "memory_gib": 24, "memory_bandwidth_bytes_s": 6e10,
          "measured_on": "2026-02-30"}]})"},
      {"too large", std::string(100 * 1024, ' ')},
  };
  for (const auto& [what, text] : bad) {
    INFO(what);
    const std::string path = dir.write(what + ".json", text);
    std::vector<std::string> warnings;
    CHECK_FALSE(read_kept_bandwidth(path, key(), "2026-12-07", warnings));
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::StartsWith("kept measurement ignored: " + path));
    keep_bandwidth(path, key(), 6e10, "2026-12-07", warnings);
    CHECK(read_kept_bandwidth(path, key(), "2026-12-07", warnings));
  }
  // A FIFO in its place: refused without blocking.
  const std::string fifo = (dir.path() / "fifo.json").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  std::vector<std::string> warnings;
  CHECK_FALSE(read_kept_bandwidth(fifo, key(), "2026-12-07", warnings));
  CHECK(warnings.size() == 1);
}

TEST_CASE("Kept measurement: in $XDG_CACHE_HOME/llm-hw, else ~/.cache/llm-hw", "[probe][measure][cache]")
{
  CHECK(measurement_cache_file({{"XDG_CACHE_HOME", "/tmp/c"}, {"HOME", "/home/u"}}) == "/tmp/c/llm-hw/bandwidth.json");
  CHECK(measurement_cache_file({{"XDG_CACHE_HOME", "relative"}, {"HOME", "/home/u"}}) ==
        "/home/u/.cache/llm-hw/bandwidth.json");
  CHECK(measurement_cache_file({{"HOME", "/home/u"}}) == "/home/u/.cache/llm-hw/bandwidth.json");
  CHECK_FALSE(measurement_cache_file({{"HOME", ""}}));
  CHECK(today().size() == 10);
}
