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

/// STREAM triad over three arrays of `array_bytes` on `threads` threads, best pass, within about `budget`.
std::optional<double> measure_triad_bytes_s(unsigned threads, std::uint64_t array_bytes,
                                            std::chrono::milliseconds budget);

} // namespace llmhw::probe::detail
