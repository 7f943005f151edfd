#pragma once
// Internal: PCI functions from /sys/bus/pci/devices, and what kind of device each is.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::probe::detail {

struct PciFunction {
  std::string bus_id;                          ///< "0000:18:00.0"
  std::string vendor_id;                       ///< "10de"
  std::string device_id;                       ///< "2330"
  std::uint32_t class_code = 0;                ///< 0x030200: base class, subclass, interface
  std::optional<std::string> subsystem_device; ///< "16c1"
  std::optional<int> numa_node;                ///< absent or -1 in sysfs: unknown
  std::optional<std::string> driver;           ///< "nvidia", "amdgpu", "vfio-pci"
};

struct PciScan {
  std::vector<PciFunction> functions; ///< sorted by bus id
  std::vector<std::string> warnings;
};

PciScan scan_pci(const std::string& root);

/// Display controllers (0x03xx) and processing accelerators (0x12xx): where GPUs sit.
bool is_gpu_class(std::uint32_t class_code);

/// "00000000:18:00.0" (NVML's 8-digit domain) or "0000:18:00.0" → "0000:18:00.0", lower case.
std::string normalize_bus_id(const std::string& bus_id);

} // namespace llmhw::probe::detail
