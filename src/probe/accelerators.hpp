#pragma once
// Internal: GPUs and TPUs, from PCI, NVML, amdgpu sysfs and the catalog.

#include "nvml.hpp"
#include "pci.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/probe/probe.hpp"

namespace llmhw::probe::detail {

/// NVIDIA GPUs (NVML where it answers, else PCI and the catalog), with MIG slices and
/// CUDA_VISIBLE_DEVICES applied. `nvml` is what query_nvml returned (or an empty report).
std::vector<Device> nvidia_gpus(const Environment& environment, const catalog::Catalog& catalog, const PciScan& pci,
                                const NvmlReport& nvml, std::vector<std::string>& warnings);

/// AMD GPUs from amdgpu's sysfs (ROCR_VISIBLE_DEVICES, HIP_VISIBLE_DEVICES applied) and Intel GPUs.
std::vector<Device> amd_and_intel_gpus(const Environment& environment, const catalog::Catalog& catalog,
                                       const PciScan& pci, std::vector<std::string>& warnings);

/// Google TPUs: one device per generation present, `chips` of them.
std::vector<Device> google_tpus(const Environment& environment, const catalog::Catalog& catalog, const PciScan& pci,
                                std::vector<std::string>& warnings);

/// Catalog entry by PCI id, then by name; null when neither is known.
const catalog::HardwareSpec* match_catalog(const catalog::Catalog& catalog, const std::string& vendor_id,
                                           const std::string& device_id, const std::string& name);

/// Copies a catalog entry's figures into `device`, scaled for a slice (MIG) by the fractions.
void apply_catalog(Device& device, const catalog::HardwareSpec& spec, double compute_fraction = 1.0,
                   double memory_fraction = 1.0);

void add_source(Device& device, const std::string& source);

} // namespace llmhw::probe::detail
