// The CPU and system memory of fixture machines, asserted against what lscpu and
// /proc/meminfo said on the machines they were captured from (see each README).

#include "probe_fixture.hpp"

#include "support/temp_dir.hpp"

#include <sched.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace llmhw::test;
using llmhw::probe::Device;

TEST_CASE("this VM: counts, caches and ISA agree with lscpu", "[probe]")
{
  const auto inventory = probe_machine(fixture_environment("this-vm"));
  const Device& cpu = device(inventory, "cpu0");
  // lscpu: Socket(s) 1, Core(s) per socket 2, Thread(s) per core 1, NUMA node(s) 1
  CHECK(cpu.sockets == 1);
  CHECK(cpu.cores == 2);
  CHECK(cpu.threads == 2);
  CHECK(cpu.numa_nodes == 1);
  CHECK(cpu.vendor == "AMD");
  CHECK(cpu.model == "AMD EPYC");
  // lscpu: L2 2 MiB (2 instances), L3 32 MiB (1 instance)
  CHECK(cpu.l2_cache_bytes == 2u * 1024 * 1024);
  CHECK(cpu.l3_cache_bytes == 32u * 1024 * 1024);
  CHECK(cpu.isa == std::vector<std::string>{"avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
                                            "avx512_vnni", "avx512_bf16"});
  CHECK(cpu.field_sources.at("isa") == "procfs");
  CHECK_FALSE(cpu.usable_cores.has_value()); // Cpus_allowed_list 0-1: both CPUs
}

TEST_CASE("this VM: MemTotal wins over the NUMA node and the disagreement is a warning", "[probe]")
{
  const auto inventory = probe_machine(fixture_environment("this-vm"));
  // /proc/meminfo: MemTotal 24684084 kB, MemAvailable 22697368 kB
  CHECK(inventory.memory.total_bytes == 24684084ull * 1024);
  CHECK(inventory.memory.available_bytes == 22697368ull * 1024);
  CHECK(device(inventory, "cpu0").memory_bytes == 24684084ull * 1024);
  // memory.limit_in_bytes 9223372036854771712 is the kernel's "no limit"
  CHECK_FALSE(inventory.memory.cgroup_limit_bytes.has_value());
  // node0/meminfo: 5859532 kB = 5.6 GiB; MemTotal 23.5 GiB
  CHECK(has_warning(inventory, "NUMA nodes total 5.6 GiB but /proc/meminfo MemTotal is 23.5 GiB"));
}

TEST_CASE("this VM: host, hypervisor and estimates marked as such", "[probe]")
{
  const auto inventory = probe_machine(fixture_environment("this-vm"));
  CHECK(inventory.host.os == "Debian GNU/Linux 12 (bookworm)");
  CHECK(inventory.host.hostname == "vm");
  CHECK(inventory.host.virtualized); // "hypervisor" in the cpuinfo flags
  const Device& cpu = device(inventory, "cpu0");
  CHECK_FALSE(cpu.catalog_id.has_value()); // "AMD EPYC" names no model
  // Estimate: an EPYC is a server part → 8 channels; AVX-512 BF16 → DDR5-4800: 8 × 4800e6 × 8 B
  REQUIRE(cpu.memory_bandwidth_bytes_s);
  CHECK(*cpu.memory_bandwidth_bytes_s == Approx(307.2e9));
  CHECK(cpu.field_sources.at("memory_bandwidth_bytes_s") == "estimated");
  // Clock: no cpufreq, no "cpu MHz" line; BogoMIPS 5192.25 / 2 = 2.596125 GHz (the TSC rate)
  REQUIRE(cpu.clock_ghz);
  CHECK(*cpu.clock_ghz == Approx(2.596125));
  // Zen 4 (family 25) runs AVX-512 on two 256-bit FMA pipes: 2 × 8 × 2 = 32 FP32 FLOPs/cycle/core
  CHECK(*cpu.peak_tflops.fp32 == Approx(2 * 2.596125 * 32 / 1000));
  CHECK(*cpu.peak_tflops.bf16 == Approx(2 * 2.596125 * 64 / 1000));  // VDPBF16PS: 2× FP32
  CHECK(*cpu.peak_tflops.int8 == Approx(2 * 2.596125 * 128 / 1000)); // VPDPBUSD: 4× FP32
  CHECK(cpu.field_sources.at("peak_tflops") == "estimated");
  CHECK(has_warning(inventory, "virtual machine"));
}

TEST_CASE("the live machine agrees with lscpu and /proc/meminfo", "[probe][live]")
{
  llmhw::probe::Environment environment;
  environment.skip_nvml = true;
  const auto inventory = probe_machine(environment);
  const Device& cpu = device(inventory, "cpu0");
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kilobytes = 0;
  meminfo >> key >> kilobytes;
  REQUIRE(key == "MemTotal:");
  CHECK(inventory.memory.total_bytes == kilobytes * 1024);
  // lscpu counts the online CPUs; hwloc leaves out those the cgroup cpuset forbids, and the
  // process's affinity mask (taskset) may be narrower still.
  cpu_set_t affinity;
  CPU_ZERO(&affinity);
  REQUIRE(sched_getaffinity(0, sizeof affinity, &affinity) == 0);
  CHECK(cpu.threads <= static_cast<std::uint32_t>(sysconf(_SC_NPROCESSORS_ONLN)));
  CHECK(cpu.threads >= static_cast<std::uint32_t>(CPU_COUNT(&affinity)));
  CHECK(cpu.cores >= 1);
  CHECK(cpu.cores <= cpu.threads);
}
