#pragma once
// Internal: NVIDIA GPUs through NVML, loaded with dlopen. Only nvmlInit, the
// device count, handles, names and memory are required; every other symbol
// is optional and a missing one leaves its field empty.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::probe::detail {

struct NvmlMig {
  std::string name;                ///< "NVIDIA A100-SXM4-40GB MIG 1g.5gb"
  std::optional<std::string> uuid; ///< "MIG-…"
  std::uint64_t memory_total_bytes = 0;
  std::optional<std::uint64_t> memory_free_bytes;
};

struct NvmlGpu {
  std::string name;
  std::optional<std::string> uuid;
  std::optional<std::string> bus_id;    ///< normalised: "0000:18:00.0"
  std::optional<std::string> device_id; ///< "2330", from pciDeviceId's upper half
  std::uint64_t memory_total_bytes = 0;
  std::optional<std::uint64_t> memory_free_bytes;
  std::optional<std::string> compute_capability; ///< "9.0"
  std::optional<std::string> architecture;       ///< "hopper"
  std::optional<std::uint32_t> memory_clock_mhz; ///< maximum
  std::optional<std::uint32_t> memory_bus_width_bits;
  std::optional<double> power_limit_watts;
  std::optional<bool> mig_enabled;
  std::optional<std::uint32_t> nvlink_active;
  std::vector<NvmlMig> migs;
};

struct NvmlReport {
  bool available = false; ///< initialised and answered
  std::vector<NvmlGpu> gpus;
  std::optional<std::string> driver_version;
  std::optional<std::string> cuda_version; ///< "12.7"
  std::vector<std::string> warnings;
};

/// Loads `library` (libnvidia-ml.so.1 when empty) and queries it; a library that does not
/// answer within `timeout` is abandoned (its thread left behind) with a warning.
NvmlReport query_nvml(const std::string& library, std::chrono::milliseconds timeout);

} // namespace llmhw::probe::detail
