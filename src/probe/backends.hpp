#pragma once
// Internal: the probe's backends, each one file, called in order by detect().

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/probe/probe.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::probe::detail {

/// MemTotal and MemAvailable from /proc/meminfo (values in kB); implausible figures are
/// dropped with a warning (MemTotal: nothing is returned).
std::optional<SystemMemory> read_meminfo(const std::string& root, std::vector<std::string>& warnings);

/// A GPU an hwloc XML export records (PCI device of class 03xx/12xx from NVIDIA, AMD or Intel).
struct ExportedGpu {
  std::string bus_id;
  std::string vendor_id;
  std::string device_id;
  std::string model;              ///< GPUModel of its OS devices, may be empty
  std::uint64_t memory_bytes = 0; ///< CUDAGlobalMemorySize, RSMIVRAMSize or OpenCLGlobalMemorySize
};

/// What hwloc knows: the CPU device (counts, caches, model) and the machine.
struct HwlocCpu {
  Device cpu;
  std::optional<std::uint64_t> numa_total_bytes; ///< sum of the NUMA nodes' local memory
  std::optional<std::string> arm_implementer;
  std::optional<std::string> arm_part;
  std::optional<std::string> architecture; ///< "x86_64", "aarch64", "ppc64le"
  std::optional<std::string> hostname;     ///< from an XML topology
  std::optional<std::string> os_release;   ///< from an XML topology
  std::vector<ExportedGpu> gpus;           ///< from an XML topology
  std::vector<std::string> warnings;       ///< implausible figures hwloc reported, or why hwloc was not asked
};

/// The CPU from hwloc, or an error when hwloc cannot build a topology.
Result<HwlocCpu> detect_cpu_hwloc(const Environment& environment);

/// The exported GPUs as devices, with catalog figures.
std::vector<Device> exported_gpus(const std::vector<ExportedGpu>& exported, const catalog::Catalog& catalog,
                                  std::vector<std::string>& warnings);

/// What /proc/cpuinfo says beyond hwloc.
struct CpuInfo {
  bool x86 = false;
  std::string vendor; ///< "GenuineIntel", "AuthenticAMD"
  std::string model;  ///< "model name"
  std::vector<std::string> isa;
  bool hypervisor_flag = false;
  std::optional<std::uint32_t> family;
  std::optional<std::uint32_t> arm_implementer;
  std::optional<std::uint32_t> arm_part;
  std::optional<double> mhz;
  std::optional<double> bogomips;
};
std::optional<CpuInfo> read_cpuinfo(const std::string& root);
/// cpufreq's maximum clock; an implausible one is dropped with a warning.
std::optional<double> read_max_clock_ghz(const std::string& root, std::vector<std::string>& warnings);
/// "ARM Neoverse-V2" for implementer 0x41 part 0xd4f; empty when unknown.
std::string arm_core_name(std::uint32_t implementer, std::uint32_t part);

struct CgroupLimits {
  std::optional<std::uint64_t> memory_bytes;
  std::optional<double> cpu_quota_cores;     ///< cpu.max quota / period
  std::optional<std::uint32_t> allowed_cpus; ///< CPUs in Cpus_allowed_list
  std::optional<std::uint64_t> memory_headroom_bytes; ///< the least any limited cgroup has left (limit − usage)
};
/// Warnings name files whose paths or limits are implausible (those are not used).
CgroupLimits read_cgroup_limits(const std::string& root, std::vector<std::string>& warnings);
/// "0-3,8" → 5; nothing when malformed.
std::optional<std::uint32_t> count_cpu_list(const std::string& list);

/// Hostname, kernel, os-release, and the hypervisor (flag from cpuinfo, name from DMI or cpuid).
Host read_host(const Environment& environment, bool hypervisor_flag);

/// The host's high-speed NICs from sysfs (InfiniBand, RoCE and EFA devices, physical Ethernet links); empty where
/// none can be read.
std::vector<NetworkInterface> read_network(const std::string& root);

/// The hypervisor named by its 12-byte CPUID signature (leaf 0x40000000): "KVMKVMKVM" → "KVM",
/// "bhyve bhyve " → "bhyve"; an unknown signature trimmed, a name it repeats said once; empty → nothing.
std::optional<std::string> hypervisor_name(std::string_view signature);

/// Fills the CPU's bandwidth and peak FLOPs from its catalog entry (`spec`, may be null) or an estimate.
void complete_cpu(Device& cpu, const CpuInfo& info, const catalog::HardwareSpec* spec,
                  std::optional<double> cpufreq_ghz, bool virtualized, std::vector<std::string>& warnings);

/// The bandwidth measurement's footprint, all three arrays together: at most 512 MiB (beyond
/// the L3 a process gets on any CPU but a few with stacked cache), at most a quarter of the
/// memory the process may use, and at least 64 MiB, below which caches would answer instead of
/// memory (also what must be faulted in by the deadline on a busy machine).
inline constexpr std::uint64_t k_max_triad_bytes = 512ull << 20;
inline constexpr std::uint64_t k_min_triad_bytes = 64ull << 20;
inline constexpr std::uint64_t k_triad_memory_share = 4;

struct TriadPlan {
  unsigned threads = 1;         ///< one per CPU the process may use (affinity, cgroup quota)
  std::uint64_t array_bytes = 0; ///< each of the three arrays
};
/// From the start of the measurement: faulting pages in stops at `fault` (the arrays shrink to
/// what is in), timed passes at `total`. With the probe's own work this keeps `probe --measure`
/// within 2 s.
struct TriadDeadlines {
  std::chrono::milliseconds fault{700};
  std::chrono::milliseconds total{1400};
};

/// One thread per CPU the process may use: the cgroup quota or affinity mask where they limit
/// it (usable_cores), else every hardware thread.
unsigned triad_threads(const Device& cpu);
/// Threads and array size for `cpu` when the process may use `usable_memory_bytes`; never
/// from the cache sizes the CPU reports. An Error when even the minimum footprint is not available.
Result<TriadPlan> plan_triad(const Device& cpu, std::uint64_t usable_memory_bytes);
/// The memory the process may use: MemAvailable (half of MemTotal when unknown), within the
/// cgroup's headroom (its limit less its usage).
std::uint64_t memory_for_measurement(const SystemMemory& memory, std::optional<std::uint64_t> cgroup_headroom_bytes);
/// STREAM triad as planned: the best timed pass in bytes/s, or an Error saying why none ran.
Result<double> measure_triad_bytes_s(const TriadPlan& plan, TriadDeadlines deadlines = {});

/// What a kept bandwidth measurement is valid for: the same CPU model, measured on as many
/// CPUs, with as much memory (rounded to GiB: MemTotal moves by a few MiB between kernels).
struct BandwidthKey {
  std::string cpu_model;
  unsigned cpus = 0;
  std::uint64_t memory_gib = 0;
  bool operator==(const BandwidthKey&) const = default;
};
struct KeptBandwidth {
  double bytes_s = 0;
  std::string measured_on; ///< "2026-12-07"
};
/// $XDG_CACHE_HOME/llm-hw/bandwidth.json, else $HOME/.cache/llm-hw/bandwidth.json, from the
/// process variables given; nothing when neither is an absolute path.
std::optional<std::string> measurement_cache_file(const std::map<std::string, std::string>& variables);
/// Today (UTC) as "YYYY-MM-DD".
std::string today();
/// The measurement kept in `path` for `key`, at most a month older than `on_day`; a file that
/// is not a valid cache (not a regular file, too large, malformed) is ignored with a warning.
std::optional<KeptBandwidth> read_kept_bandwidth(const std::string& path, const BandwidthKey& key,
                                                 const std::string& on_day, std::vector<std::string>& warnings);
/// Keeps `bytes_s` for `key` in `path` (replacing an older one for the key); a warning when it cannot.
void keep_bandwidth(const std::string& path, const BandwidthKey& key, double bytes_s, const std::string& on_day,
                    std::vector<std::string>& warnings);

} // namespace llmhw::probe::detail
