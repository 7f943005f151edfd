// NVIDIA GPUs: NVML's view merged with the PCI scan, split into MIG slices, and
// filtered by CUDA_VISIBLE_DEVICES.
#include "accelerators.hpp"
#include "visibility.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace llmhw::probe::detail {
namespace {

constexpr const char* k_nvidia = "10de";

/// "NVIDIA A100-SXM4-40GB MIG 1g.5gb" → "1g.5gb".
std::optional<std::string> mig_profile(const std::string& name)
{
  const auto at = name.rfind(" MIG ");
  if (at == std::string::npos) {
    return std::nullopt;
  }
  return name.substr(at + 5);
}

/// Compute slices of a MIG profile ("3g.40gb" → 3) out of the 7 an A100/H100 has
/// (NVIDIA MIG User Guide, "Supported MIG Profiles").
std::optional<double> mig_compute_fraction(const std::string& profile)
{
  unsigned slices = 0;
  const auto [end, error] = std::from_chars(profile.data(), profile.data() + profile.size(), slices);
  if (error != std::errc{} || end == profile.data() + profile.size() || *end != 'g' || slices == 0 || slices > 7) {
    return std::nullopt;
  }
  return slices / 7.0;
}

Device base_device(const PciFunction* pci)
{
  Device gpu;
  gpu.kind = catalog::DeviceKind::gpu;
  gpu.vendor = "NVIDIA";
  if (pci != nullptr) {
    gpu.pci = PciAddress{pci->bus_id, pci->vendor_id, pci->device_id};
    gpu.numa_node = pci->numa_node;
    add_source(gpu, "sysfs");
    if (pci->numa_node) {
      gpu.field_sources["numa_node"] = "sysfs";
    }
  }
  return gpu;
}

/// One physical GPU (before MIG and visibility): what NVML says plus PCI plus catalog.
struct PhysicalGpu {
  Device device;
  std::vector<NvmlMig> migs;
};

PhysicalGpu from_nvml(const NvmlGpu& nvml, const PciFunction* pci, const NvmlReport& report)
{
  PhysicalGpu physical{base_device(pci), nvml.migs};
  Device& gpu = physical.device;
  gpu.model = nvml.name;
  gpu.uuid = nvml.uuid;
  gpu.memory_bytes = nvml.memory_total_bytes;
  gpu.memory_free_bytes = nvml.memory_free_bytes;
  gpu.compute_capability = nvml.compute_capability;
  gpu.architecture = nvml.architecture;
  gpu.power_limit_watts = nvml.power_limit_watts;
  gpu.nvlink_links = nvml.nvlink_active;
  gpu.driver_version = report.driver_version;
  gpu.cuda_version = report.cuda_version;
  if (!gpu.pci && nvml.bus_id && nvml.device_id) {
    gpu.pci = PciAddress{*nvml.bus_id, k_nvidia, *nvml.device_id};
  }
  if (nvml.memory_clock_mhz && nvml.memory_bus_width_bits) {
    // Double data rate: two transfers per memory clock (NVML reports the HBM/GDDR clock so that
    // clock × 2 × width gives the datasheet figure: H100 SXM 2619 MHz × 2 × 5120 bit = 3.35 TB/s).
    gpu.memory_bandwidth_bytes_s = *nvml.memory_clock_mhz * 1e6 * 2 * (*nvml.memory_bus_width_bits / 8.0);
    gpu.field_sources["memory_bandwidth_bytes_s"] = "nvml";
  }
  for (const auto& [field, present] :
       std::initializer_list<std::pair<const char*, bool>>{{"model", !nvml.name.empty()},
                                                           {"uuid", nvml.uuid.has_value()},
                                                           {"memory_bytes", nvml.memory_total_bytes > 0},
                                                           {"memory_free_bytes", nvml.memory_free_bytes.has_value()},
                                                           {"compute_capability", nvml.compute_capability.has_value()},
                                                           {"architecture", nvml.architecture.has_value()},
                                                           {"power_limit_watts", nvml.power_limit_watts.has_value()},
                                                           {"nvlink_links", nvml.nvlink_active.has_value()},
                                                           {"driver_version", report.driver_version.has_value()},
                                                           {"cuda_version", report.cuda_version.has_value()}}) {
    if (present) {
      gpu.field_sources[field] = "nvml";
    }
  }
  add_source(gpu, "nvml");
  return physical;
}

/// A MIG slice as its own device: its memory, its share of compute and bandwidth.
Device mig_device(const Device& parent, const NvmlMig& mig, const catalog::HardwareSpec* spec)
{
  Device slice = parent;
  slice.model = mig.name;
  slice.uuid = mig.uuid;
  slice.mig_profile = mig_profile(mig.name);
  slice.memory_bytes = mig.memory_total_bytes;
  slice.memory_free_bytes = mig.memory_free_bytes;
  slice.field_sources["model"] = "nvml";
  slice.field_sources["memory_bytes"] = "nvml";
  slice.field_sources["mig_profile"] = "nvml";
  const double memory_fraction =
      parent.memory_bytes > 0 ? static_cast<double>(mig.memory_total_bytes) / static_cast<double>(parent.memory_bytes)
                              : 1.0;
  const double compute_fraction = slice.mig_profile ? mig_compute_fraction(*slice.mig_profile).value_or(1.0) : 1.0;
  slice.peak_tflops = {};
  slice.catalog_id.reset();
  if (parent.memory_bandwidth_bytes_s) {
    // Memory slices carry the bandwidth: a slice with 1/8 of the memory has 1/8 of it.
    slice.memory_bandwidth_bytes_s = *parent.memory_bandwidth_bytes_s * std::min(1.0, memory_fraction);
    slice.field_sources["memory_bandwidth_bytes_s"] =
        parent.field_sources.count("memory_bandwidth_bytes_s") != 0
            ? parent.field_sources.at("memory_bandwidth_bytes_s") + " (scaled to the slice)"
            : "scaled to the slice";
  }
  if (spec != nullptr) {
    apply_catalog(slice, *spec, compute_fraction, std::min(1.0, memory_fraction));
  }
  return slice;
}

/// The fastest memory any GPU has is B200's 8 TB/s (HBM3e); NVIDIA's Rubin is announced with
/// about 20 TB/s (HBM4). 32 TB/s leaves room for that and stops the figures a wrong clock or
/// width register gives (99999 MHz × 16384 bit = 410 TB/s).
constexpr double k_max_gpu_bandwidth_bytes_s = 32e12;
/// NVML's clock × width reproduces the datasheet within a few percent (H100 SXM 3.352 vs 3.35
/// TB/s); a factor 2 either way from the catalog's figure for the same PCI id is not a memory
/// variant but a misread register (a wrong transfer rate per clock or bus width).
constexpr double k_max_catalog_disagreement = 2.0;

/// Drops NVML's bandwidth when it is beyond any GPU or far from the catalog's datasheet figure;
/// apply_catalog then fills in the catalog's.
void check_nvml_bandwidth(Device& device, const catalog::HardwareSpec* spec, std::vector<std::string>& warnings)
{
  const auto source = device.field_sources.find("memory_bandwidth_bytes_s");
  if (!device.memory_bandwidth_bytes_s || source == device.field_sources.end() || source->second != "nvml") {
    return;
  }
  const double nvml = *device.memory_bandwidth_bytes_s;
  const double catalog = spec != nullptr ? spec->memory_bandwidth_bytes_s : 0.0;
  std::string problem;
  if (nvml > k_max_gpu_bandwidth_bytes_s) {
    problem = fmt::format("above the {} no GPU reaches", units::format_bandwidth(k_max_gpu_bandwidth_bytes_s));
  } else if (catalog > 0 &&
             (nvml > catalog * k_max_catalog_disagreement || nvml * k_max_catalog_disagreement < catalog)) {
    problem = fmt::format("more than {}× away from the catalog's {} for {}", k_max_catalog_disagreement,
                          units::format_bandwidth(catalog), spec->id);
  } else {
    return;
  }
  warnings.push_back(fmt::format("NVIDIA GPU {}: NVML's memory clock × bus width gives {}, {}; {}",
                                 device.pci ? device.pci->bus_id : device.model, units::format_bandwidth(nvml), problem,
                                 catalog > 0 ? "the catalog's figure is used" : "bandwidth unknown"));
  device.memory_bandwidth_bytes_s.reset();
  device.field_sources.erase(source);
}

using Paired = std::pair<const NvmlGpu*, const PciFunction*>;

/// NVML's GPUs with the PCI functions they paired with. When the PCI bus shows NVIDIA GPUs, it
/// is the truth about how many there are: an NVML GPU that pairs with none of them (a lie, or a
/// count above the bus's) is dropped with a warning. Without any on the bus (a VM or container
/// whose sysfs hides them), NVML's list stands.
std::vector<Paired> keep_gpus_on_the_bus(const NvmlReport& nvml, const std::vector<const PciFunction*>& functions,
                                         std::size_t on_the_bus, std::vector<std::string>& warnings)
{
  if (on_the_bus > 0 && nvml.device_count > on_the_bus) {
    warnings.push_back(fmt::format("NVML counts {} GPU(s) but the PCI bus shows {} NVIDIA GPU(s); only those on the "
                                   "bus are kept",
                                   nvml.device_count, on_the_bus));
  }
  std::vector<Paired> kept;
  for (std::size_t g = 0; g < nvml.gpus.size(); ++g) {
    if (on_the_bus == 0 || functions[g] != nullptr) {
      kept.emplace_back(&nvml.gpus[g], functions[g]);
    }
  }
  if (kept.size() < nvml.gpus.size()) {
    warnings.push_back(
        fmt::format("{} NVML GPU(s) match no NVIDIA GPU on the PCI bus; ignored", nvml.gpus.size() - kept.size()));
  }
  return kept;
}

} // namespace

std::vector<Device> nvidia_gpus(const Environment& environment, const catalog::Catalog& catalog, const PciScan& pci,
                                const NvmlReport& nvml, std::vector<std::string>& warnings)
{
  std::vector<const PciFunction*> pci_gpus;
  for (const PciFunction& function : pci.functions) {
    if (function.vendor_id == k_nvidia && is_gpu_class(function.class_code)) {
      pci_gpus.push_back(&function);
    }
  }
  std::vector<PhysicalGpu> physical;
  std::vector<bool> matched(pci_gpus.size(), false);
  std::vector<const PciFunction*> functions(nvml.gpus.size(), nullptr);
  for (std::size_t g = 0; g < nvml.gpus.size(); ++g) {
    for (std::size_t i = 0; i < pci_gpus.size() && nvml.gpus[g].bus_id; ++i) {
      if (!matched[i] && pci_gpus[i]->bus_id == *nvml.gpus[g].bus_id) {
        functions[g] = pci_gpus[i];
        matched[i] = true;
        break;
      }
    }
  }
  // Without nvmlDeviceGetPciInfo: NVML enumerates in PCI bus order, so pair the rest in order.
  for (std::size_t g = 0, i = 0; g < nvml.gpus.size(); ++g) {
    if (functions[g] != nullptr || nvml.gpus[g].bus_id) {
      continue;
    }
    while (i < pci_gpus.size() && matched[i]) {
      ++i;
    }
    if (i < pci_gpus.size()) {
      functions[g] = pci_gpus[i];
      matched[i] = true;
    }
  }
  const std::vector<Paired> kept = keep_gpus_on_the_bus(nvml, functions, pci_gpus.size(), warnings);
  for (const auto& [gpu, function] : kept) {
    physical.push_back(from_nvml(*gpu, function, nvml));
  }
  // GPUs NVML did not report (no driver, NVML failed): PCI identity and catalog figures.
  for (std::size_t i = 0; i < pci_gpus.size(); ++i) {
    if (!matched[i]) {
      physical.push_back(PhysicalGpu{base_device(pci_gpus[i]), {}});
    }
  }
  if (nvml.available && physical.size() > kept.size()) {
    warnings.push_back(
        fmt::format("{} NVIDIA PCI device(s) not reported by NVML (no driver bound?)", physical.size() - kept.size()));
  }

  std::vector<const catalog::HardwareSpec*> specs;
  for (PhysicalGpu& gpu : physical) {
    Device& device = gpu.device;
    const auto* spec =
        match_catalog(catalog, k_nvidia, device.pci ? device.pci->device_id : std::string(), device.model);
    specs.push_back(spec);
    check_nvml_bandwidth(device, spec, warnings);
    if (spec != nullptr) {
      apply_catalog(device, *spec);
    } else {
      warnings.push_back(
          fmt::format("NVIDIA GPU {} ({}) is not in the catalog: bandwidth and peak TFLOPS unknown",
                      device.pci ? device.pci->bus_id : "?",
                      device.model.empty() ? "10de:" + (device.pci ? device.pci->device_id : "?") : device.model));
    }
    if (device.model.empty()) {
      device.model = fmt::format("NVIDIA GPU 10de:{}", device.pci ? device.pci->device_id : "?");
    }
  }

  // CUDA_VISIBLE_DEVICES: indices in NVML order (= PCI bus order; CUDA's default FASTEST_FIRST order
  // agrees on machines of identical GPUs, CUDA_DEVICE_ORDER=PCI_BUS_ID makes it exact).
  std::vector<Selection::Pick> picks;
  if (const auto it = environment.variables.find("CUDA_VISIBLE_DEVICES"); it != environment.variables.end()) {
    std::vector<VisibleCandidate> candidates;
    for (const PhysicalGpu& gpu : physical) {
      VisibleCandidate candidate{gpu.device.uuid.value_or(""), {}};
      for (const NvmlMig& mig : gpu.migs) {
        candidate.mig_uuids.push_back(mig.uuid.value_or(""));
      }
      candidates.push_back(std::move(candidate));
    }
    const Selection selection = select_visible(it->second, candidates);
    picks = selection.picks;
    if (selection.stopped_at) {
      warnings.push_back(fmt::format("CUDA_VISIBLE_DEVICES: \"{}\" names no GPU; CUDA ignores it and the entries "
                                     "after it",
                                     *selection.stopped_at));
    }
    if (picks.size() < physical.size() && !physical.empty()) {
      warnings.push_back(fmt::format("CUDA_VISIBLE_DEVICES=\"{}\" leaves {} of {} NVIDIA GPU(s) visible", it->second,
                                     picks.size(), physical.size()));
    }
  } else {
    for (std::size_t i = 0; i < physical.size(); ++i) {
      picks.push_back({i, std::nullopt});
    }
  }

  std::vector<Device> devices;
  for (const Selection::Pick& pick : picks) {
    const PhysicalGpu& gpu = physical[pick.index];
    if (gpu.migs.empty()) {
      devices.push_back(gpu.device);
      continue;
    }
    // MIG enabled: the slices are the devices; the whole GPU is not usable as one.
    for (std::size_t mig = 0; mig < gpu.migs.size(); ++mig) {
      if (!pick.mig || *pick.mig == mig) {
        devices.push_back(mig_device(gpu.device, gpu.migs[mig], specs[pick.index]));
      }
    }
  }
  return devices;
}

} // namespace llmhw::probe::detail
