// GPUs in an hwloc XML export (--topology): the PCI devices of display and
// accelerator classes that hwloc recorded, with the model names and memory sizes
// its GPU backends (NVML, CUDA, RSMI, OpenCL) put on their OS devices.
#include "accelerators.hpp"
#include "backends.hpp"

#include <fmt/format.h>

namespace llmhw::probe::detail {

std::vector<Device> exported_gpus(const std::vector<ExportedGpu>& exported, const catalog::Catalog& catalog,
                                  std::vector<std::string>& warnings)
{
  std::vector<Device> gpus;
  for (const ExportedGpu& found : exported) {
    Device gpu;
    gpu.kind = catalog::DeviceKind::gpu;
    gpu.vendor = found.vendor_id == "10de" ? "NVIDIA" : found.vendor_id == "1002" ? "AMD" : "Intel";
    gpu.pci = PciAddress{found.bus_id, found.vendor_id, found.device_id};
    add_source(gpu, "hwloc");
    if (!found.model.empty()) {
      gpu.model = found.model;
      gpu.field_sources["model"] = "hwloc";
    }
    if (found.memory_bytes > 0) {
      gpu.memory_bytes = found.memory_bytes;
      gpu.field_sources["memory_bytes"] = "hwloc";
    }
    const auto* spec = match_catalog(catalog, found.vendor_id, found.device_id, found.model);
    if (spec != nullptr) {
      apply_catalog(gpu, *spec);
    } else {
      warnings.push_back(fmt::format("{} GPU {} ({}:{}) is not in the catalog: bandwidth and peak TFLOPS unknown",
                                     gpu.vendor, found.bus_id, found.vendor_id, found.device_id));
      if (gpu.model.empty()) {
        gpu.model = fmt::format("{} GPU {}:{}", gpu.vendor, found.vendor_id, found.device_id);
      }
    }
    gpus.push_back(std::move(gpu));
  }
  return gpus;
}

} // namespace llmhw::probe::detail
