// What the process may use: cgroup v1 and v2 memory limits, CPU quotas and the
// allowed-CPU list, on copies of the this-vm fixture placed in a container.

#include "probe_fixture.hpp"

#include "support/temp_dir.hpp"

#include <chrono>
#include <filesystem>

using namespace llmhw::test;
namespace fs = std::filesystem;

namespace {

/// this-vm copied into `dir`, with extra files written over it.
llmhw::probe::Environment container(const TempDir& dir, const std::map<std::string, std::string>& files)
{
  fs::copy(machine_root("this-vm"), dir.path(), fs::copy_options::recursive);
  for (const auto& [name, content] : files) {
    fs::create_directories((dir.path() / name).parent_path());
    dir.write(name, content);
  }
  llmhw::probe::Environment environment;
  environment.root = dir.path().string();
  environment.skip_nvml = true;
  return environment;
}

} // namespace

TEST_CASE("cgroup v2: the smallest memory.max on the path applies, cpu.max gives usable cores", "[probe]")
{
  // Kubernetes with the systemd driver: /kubepods.slice/<pod>/<container>, limits on both levels.
  const TempDir dir;
  const auto inventory =
      probe_machine(container(dir, {{"proc/self/cgroup", "0::/kubepods.slice/pod1/ctr\n"},
                                    {"sys/fs/cgroup/kubepods.slice/pod1/memory.max", "4294967296\n"},
                                    {"sys/fs/cgroup/kubepods.slice/pod1/ctr/memory.max", "8589934592\n"},
                                    {"sys/fs/cgroup/kubepods.slice/pod1/ctr/cpu.max", "150000 100000\n"},
                                    {"sys/fs/cgroup/kubepods.slice/cpu.max", "max 100000\n"}}));
  CHECK(inventory.memory.cgroup_limit_bytes == 4294967296u);
  const auto& cpu = device(inventory, "cpu0");
  REQUIRE(cpu.usable_cores);
  CHECK(*cpu.usable_cores == Approx(1.5));
  CHECK(cpu.field_sources.at("usable_cores") == "cgroup");
  // Peak FLOPs count the one whole core the quota allows: half of the two-core figure.
  CHECK(*cpu.peak_tflops.fp32 == Approx(1 * 2.596125 * 32 / 1000));
}

TEST_CASE("cgroup v1: memory.limit_in_bytes, cfs quota and the allowed CPUs", "[probe]")
{
  const TempDir dir;
  const auto inventory = probe_machine(
      container(dir, {{"proc/self/cgroup", "4:memory:/docker/abc\n3:cpuset:/docker/abc\n1:cpu,cpuacct:/docker/abc\n"},
                      {"sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "2147483648\n"},
                      {"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "-1\n"},
                      {"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n"},
                      {"proc/self/status", "Name:\tllm-hw\nCpus_allowed_list:\t1\n"}}));
  CHECK(inventory.memory.cgroup_limit_bytes == 2147483648u);
  const auto& cpu = device(inventory, "cpu0");
  REQUIRE(cpu.usable_cores);
  CHECK(*cpu.usable_cores == 1.0); // no quota (-1); one CPU allowed
}

TEST_CASE("cgroup: a limit above MemTotal does not apply; malformed files are ignored", "[probe]")
{
  const TempDir dir;
  const auto inventory =
      probe_machine(container(dir, {{"proc/self/cgroup", "0::/\n"},
                                    {"sys/fs/cgroup/memory.max", "107374182400\n"}, // 100 GiB > MemTotal 23.5 GiB
                                    {"sys/fs/cgroup/cpu.max", "lots 100000\n"},
                                    {"proc/self/status", "Cpus_allowed_list:\t0-x\n"}}));
  CHECK_FALSE(inventory.memory.cgroup_limit_bytes.has_value());
  CHECK_FALSE(device(inventory, "cpu0").usable_cores.has_value());
}

TEST_CASE("cgroup: a CPU quota that divides to infinity is no quota", "[probe][cgroup]")
{
  // from_chars reads "inf" as a number: the quota must still be a finite count of cores.
  const TempDir v2;
  const auto unified = probe_machine(container(v2, {{"proc/self/cgroup", "0::/\n"},
                                                    {"sys/fs/cgroup/cpu.max", "inf 100000\n"}}));
  CHECK_FALSE(device(unified, "cpu0").usable_cores.has_value());
  const TempDir v1;
  const auto legacy =
      probe_machine(container(v1, {{"proc/self/cgroup", "1:cpu,cpuacct:/x\n"},
                                   {"sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_quota_us", "inf\n"},
                                   {"sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_period_us", "100000\n"}}));
  CHECK_FALSE(device(legacy, "cpu0").usable_cores.has_value());
}

TEST_CASE("cgroup: a path without its leading '/' is read like one with it", "[probe][cgroup]")
{
  // find_last_of('/') found nothing here once, and the walk to the root never ended.
  const TempDir dir;
  const auto inventory = probe_machine(container(
      dir, {{"proc/self/cgroup", "0::kubepods/pod1\n"}, {"sys/fs/cgroup/kubepods/memory.max", "4294967296\n"}}));
  CHECK(inventory.memory.cgroup_limit_bytes == 4294967296u);
}

TEST_CASE("cgroup: a path 10,000 levels deep is walked to 64 levels, with a warning", "[probe][cgroup]")
{
  std::string path;
  for (int level = 0; level < 10000; ++level) {
    path += "/d";
  }
  std::string level_two = "sys/fs/cgroup/d/d";
  const TempDir dir;
  const auto started = std::chrono::steady_clock::now();
  const auto inventory = probe_machine(container(
      dir, {{"proc/self/cgroup", "0::" + path + "\n"}, {level_two + "/memory.max", "2147483648\n"}}));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10)); // hang guard
  CHECK(inventory.memory.cgroup_limit_bytes == 2147483648u); // the limits it can reach still apply
  CHECK(has_warning(inventory, "deeper than 64 levels"));
}

TEST_CASE("cgroup: a path with \"..\" reads only the root's limits", "[probe][cgroup]")
{
  const TempDir dir;
  // The ".." would lead from /sys/fs/cgroup/a to /sys/fs/secret; only /sys/fs/cgroup itself is read.
  const auto inventory =
      probe_machine(container(dir, {{"proc/self/cgroup", "0::/a/../../secret\n"},
                                    {"sys/fs/secret/memory.max", "1073741824\n"},
                                    {"sys/fs/cgroup/a/memory.max", "2147483648\n"},
                                    {"sys/fs/cgroup/memory.max", "8589934592\n"}}));
  CHECK(inventory.memory.cgroup_limit_bytes == 8589934592u);
  CHECK(has_warning(inventory, "\"..\""));
}

TEST_CASE("cgroup: a memory limit too small to run llm-hw is ignored with a warning", "[probe][cgroup]")
{
  for (const std::string limit : {"0", "1", "16777215"}) {
    const TempDir dir;
    const auto inventory = probe_machine(
        container(dir, {{"proc/self/cgroup", "0::/ctr\n"}, {"sys/fs/cgroup/ctr/memory.max", limit + "\n"}}));
    CHECK_FALSE(inventory.memory.cgroup_limit_bytes.has_value());
    CHECK(has_warning(inventory, "/sys/fs/cgroup/ctr/memory.max: a memory limit of " + limit + " bytes"));
  }
  const TempDir dir; // 16 MiB itself is a limit
  const auto inventory = probe_machine(
      container(dir, {{"proc/self/cgroup", "0::/ctr\n"}, {"sys/fs/cgroup/ctr/memory.max", "16777216\n"}}));
  CHECK(inventory.memory.cgroup_limit_bytes == 16777216u);
}
