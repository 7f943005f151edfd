#pragma once
// Internal: NVIDIA GPUs through NVML, loaded with dlopen in a child process. Only
// nvmlInit, the device count, handles, names and memory are required; every other
// symbol is optional and a missing one leaves its field empty.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  std::uint64_t device_count = 0; ///< what nvmlDeviceGetCount_v2 said, before any GPU was dropped
  std::optional<std::string> driver_version;
  std::optional<std::string> cuda_version; ///< "12.7"
  std::vector<std::string> warnings;
};

/// Loads `library` (libnvidia-ml.so.1 when empty) and queries it in a child process, so that
/// nothing the library does (crash, abort, exit, hang, print) reaches this one. One deadline,
/// `timeout`, covers loading and querying; every failure is a warning in the report, and the
/// answer is checked as untrusted input (bounded sizes, plausible figures, well-formed and
/// unique bus ids, at most 7 MIG instances per GPU).
NvmlReport query_nvml(const std::string& library, std::chrono::milliseconds timeout);

/// The child's answer (what NVML said, as JSON) judged as untrusted input: a warning alone when it
/// is malformed. `library` as for query_nvml (empty: the default, whose absence is no warning).
/// Exposed for the tests and the fuzz target; query_nvml is its only caller in llm-hw.
NvmlReport parse_nvml_answer(std::string_view answer, const std::string& library);

} // namespace llmhw::probe::detail
