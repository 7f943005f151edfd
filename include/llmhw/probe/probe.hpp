#pragma once
// The probe: the only code that touches the machine. Every read of /sys, /proc
// and /dev goes through Environment, which knows the root ($LLM_HW_ROOT).

#include "llmhw/probe/inventory.hpp"
#include "llmhw/util/result.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::catalog {
struct Catalog;
}

namespace llmhw::probe {

/// Where the probe reads the machine from: the live system, or a fixture.
struct Environment {
  std::string root = "/";                  ///< $LLM_HW_ROOT: replaces / for sysfs, procfs, /dev
  std::optional<std::string> topology_xml; ///< --topology: an hwloc XML instead of the live machine
  std::optional<std::string> nvml_library; ///< $LLM_HW_NVML_LIB
  bool skip_nvml = false;                  ///< $LLM_HW_NO_NVML=1
  bool measure_bandwidth = false;          ///< --measure
  /// Where a measured bandwidth is kept for later runs ($XDG_CACHE_HOME/llm-hw/bandwidth.json);
  /// none: nothing is kept or read.
  std::optional<std::string> measurement_cache;
  bool use_kept_measurement = true; ///< false with --no-cache: measure again, never read a kept one
  /// Called with a line to show while measuring (the CLI passes one when stderr is a terminal).
  std::function<void(const std::string&)> on_progress;
  /// The process variables that decide what it may use: CUDA_VISIBLE_DEVICES, ROCR_VISIBLE_DEVICES,
  /// HIP_VISIBLE_DEVICES and the TPU_* variables. Tests set them here instead of in the process.
  std::map<std::string, std::string> variables;
  /// A backend (NVML) that has not answered after this long is abandoned with a warning.
  std::chrono::milliseconds backend_timeout{2000};

  /// Whether reads go to the live machine (root "/" and no --topology file).
  [[nodiscard]] bool live() const { return (root.empty() || root == "/") && !topology_xml; }

  /// Reads LLM_HW_ROOT, LLM_HW_NVML_LIB, LLM_HW_NO_NVML and the visibility
  /// variables the probe honours from the process environment.
  static Environment from_process();
};

/// Detects CPUs, memory, GPUs and TPUs. Fails (exit code 3 at the CLI) only
/// when no CPU information can be read at all; everything else is a warning.
Result<Inventory> detect(const Environment& environment, const catalog::Catalog& catalog);

/// A probe JSON (`llm-hw probe --json` from another host, for --hardware FILE) as an Inventory.
/// Strict and bounds-checked: wrong types, unknown fields, non-finite or absurd figures are
/// an Error naming the file and the field ("gpu.json: devices[1].memory_bytes: …").
Result<Inventory> read_inventory_json(const std::string& path);
/// The same for text already in memory; `input` names it in errors.
Result<Inventory> parse_inventory_json(std::string_view text, const std::string& input);

/// A --hardware FILE: a probe JSON (one host), or a Kubernetes node list (`kubectl get nodes -o json`), one host per
/// node that has GPUs or TPUs, named by the node. Bounded like every outside document; errors name the file, the
/// node and the field.
Result<std::vector<Inventory>> read_hardware_file(const std::string& path, const catalog::Catalog& catalog);
/// A Kubernetes node list already in memory (`input` names it in errors): one host per node with GPUs or TPUs.
Result<std::vector<Inventory>> parse_node_list(std::string_view text, const std::string& input,
                                               const catalog::Catalog& catalog);

/// The variables Environment::from_process copies into Environment::variables.
const std::vector<std::string>& visibility_variables();

} // namespace llmhw::probe
