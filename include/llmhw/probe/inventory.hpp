#pragma once
// What the probe found: plain values, with where each fact came from.

#include "llmhw/catalog/hardware.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::probe {

/// A high-speed network interface: what carries traffic to other hosts (sysfs: /sys/class/infiniband, /sys/class/net).
struct NetworkInterface {
  std::string name;      ///< "mlx5_0", "rdmap0s6", "eth0"
  std::string kind;      ///< "infiniband", "roce", "efa", "ethernet"
  double rate_gbps = 0;  ///< link rate, one direction; 0 when the link reports none
};

struct Host {
  std::string hostname;
  std::string os;                        ///< PRETTY_NAME of /etc/os-release
  std::string kernel;                    ///< uname release
  bool virtualized = false;              ///< the CPU reports a hypervisor
  std::optional<std::string> hypervisor; ///< "KVM", "VMware", … where known
  /// The TPU VM's environment (TPU_ACCELERATOR_TYPE, TPU_WORKER_ID, …) as the process received it.
  std::map<std::string, std::string> tpu_environment;
  std::vector<NetworkInterface> network; ///< high-speed NICs, where the probe found any
};

struct SystemMemory {
  std::uint64_t total_bytes = 0;                   ///< MemTotal
  std::uint64_t available_bytes = 0;               ///< MemAvailable
  std::optional<std::uint64_t> cgroup_limit_bytes; ///< memory.max (v2) or memory.limit_in_bytes (v1), when set
};

struct PciAddress {
  std::string bus_id;    ///< "0000:18:00.0"
  std::string vendor_id; ///< "10de", lower-case hex, no 0x
  std::string device_id; ///< "2330"
};

/// One device the process can use: a CPU (all sockets together), a GPU, a MIG
/// slice, or a TPU host's chips. Fields that do not apply to its kind stay empty.
struct Device {
  std::string id; ///< "cpu0", "gpu0", "tpu0"
  catalog::DeviceKind kind = catalog::DeviceKind::cpu;
  std::string vendor;
  std::string model;

  // CPU
  std::uint32_t sockets = 0;
  std::uint32_t cores = 0;
  std::uint32_t threads = 0;
  std::uint32_t numa_nodes = 0;
  std::optional<double> usable_cores; ///< cgroup quota (cpu.max) or cpuset, when it limits the process
  std::vector<std::string> isa;       ///< kernel flag names: "avx2", "avx512_bf16", "amx_tile", "neon", "sve2", …
  std::optional<double> clock_ghz;    ///< the clock peak FLOPs were estimated at
  std::optional<std::uint64_t> l2_cache_bytes; ///< all L2 caches together
  std::optional<std::uint64_t> l3_cache_bytes; ///< all L3 caches together

  // GPU and TPU
  std::optional<PciAddress> pci;
  std::optional<std::string> uuid;
  std::optional<std::string> compute_capability; ///< "9.0"
  std::optional<std::string> architecture;       ///< "hopper"
  std::optional<std::string> driver_version;
  std::optional<std::string> cuda_version;
  std::optional<int> numa_node;
  std::optional<double> power_limit_watts;
  std::optional<std::string> mig_profile;    ///< "1g.10gb" for a MIG slice
  std::optional<std::uint32_t> nvlink_links; ///< active NVLink links
  std::uint32_t chips = 1;                   ///< TPU chips behind this device

  // Every kind
  std::uint64_t memory_bytes = 0;
  std::optional<std::uint64_t> memory_free_bytes;
  std::optional<double> memory_bandwidth_bytes_s;
  catalog::PeakTflops peak_tflops;
  bool unified_memory = false; ///< memory shared with the host; never add it to system memory twice
  std::optional<std::string> catalog_id;

  /// Every source that contributed ("hwloc", "procfs", "nvml", "sysfs", "catalog", "measured", "estimated").
  std::vector<std::string> sources;
  /// Per field, where its value came from: "memory_bandwidth_bytes_s" → "catalog".
  std::map<std::string, std::string> field_sources;
};

struct Inventory {
  Host host;
  SystemMemory memory;
  std::vector<Device> devices;
  std::vector<std::string> warnings;
};

} // namespace llmhw::probe
