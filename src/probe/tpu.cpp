// Google Cloud TPUs: PCI vendor 0x1ae0 and an allow-list of device ids (the vendor's
// gVNIC and NVMe functions share the vendor id). Sources: JAX jax/_src/hardware_utils.py,
// tpu-info device.py (AI-Hypercomputer/cloud-accelerator-diagnostics); see
// docs/probe.md. v2-v4 are driven by Google's TPU driver (/dev/accelN); v5e and later
// are bound to vfio-pci (/dev/vfio/<iommu group>). TPU7x shows two functions per chip.
#include "accelerators.hpp"
#include "sysfs.hpp"

#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <set>

namespace llmhw::probe::detail {
namespace {

struct TpuGeneration {
  const char* device_id;
  const char* subsystem; ///< v2 and v3 share 0x0027 and differ in subsystem_device
  const char* model;
  const char* catalog_id; ///< empty when the catalog has no entry
  unsigned functions_per_chip;
  bool vfio;
};

constexpr TpuGeneration k_generations[] = {
    {"0027", "004e", "TPU v2", "", 1, false},         {"0027", "004f", "TPU v3", "", 1, false},
    {"005e", nullptr, "TPU v4", "tpu-v4", 1, false},  {"0062", nullptr, "TPU v5p", "tpu-v5p", 1, true},
    {"0063", nullptr, "TPU v5e", "tpu-v5e", 1, true}, {"006f", nullptr, "TPU v6e", "tpu-v6e", 1, true},
    {"0076", nullptr, "TPU7x", "tpu-v7", 2, true}};

const TpuGeneration* generation_of(const PciFunction& function)
{
  for (const TpuGeneration& generation : k_generations) {
    if (function.device_id == generation.device_id &&
        (generation.subsystem == nullptr || function.subsystem_device == generation.subsystem)) {
      return &generation;
    }
  }
  return nullptr;
}

/// "0000:00:05.0" → "0000:00:05": the chip a function belongs to.
std::string chip_of(const std::string& bus_id)
{
  const auto dot = bus_id.rfind('.');
  return dot == std::string::npos ? bus_id : bus_id.substr(0, dot);
}

} // namespace

std::vector<Device> google_tpus(const Environment& environment, const catalog::Catalog& catalog, const PciScan& pci,
                                std::vector<std::string>& warnings)
{
  const std::string& root = environment.root;
  std::vector<Device> devices;
  for (const TpuGeneration& generation : k_generations) {
    std::set<std::string> chips;
    const PciFunction* first = nullptr;
    for (const PciFunction& function : pci.functions) {
      if (function.vendor_id != "1ae0" || generation_of(function) != &generation) {
        continue;
      }
      chips.insert(generation.functions_per_chip > 1 ? chip_of(function.bus_id) : function.bus_id);
      first = first != nullptr ? first : &function;
      // The device node the runtime opens: /dev/vfio/<group> for vfio-pci, /dev/accelN otherwise.
      if (generation.vfio) {
        const auto group = link_target_name(root, "/sys/bus/pci/devices/" + function.bus_id + "/iommu_group");
        if (!group || !exists(root, "/dev/vfio/" + *group)) {
          warnings.push_back(
              fmt::format("{} at {}: no /dev/vfio node; is it bound to vfio-pci?", generation.model, function.bus_id));
        }
      }
    }
    if (chips.empty()) {
      continue;
    }
    if (!generation.vfio && list_dir(root, "/sys/class/accel").empty()) {
      warnings.push_back(fmt::format("{}: no /sys/class/accel devices; is the TPU driver loaded?", generation.model));
    }
    Device tpu;
    tpu.kind = catalog::DeviceKind::tpu;
    tpu.vendor = "Google";
    tpu.model = generation.model;
    tpu.chips = static_cast<std::uint32_t>(chips.size());
    tpu.pci = PciAddress{first->bus_id, first->vendor_id, first->device_id};
    tpu.numa_node = first->numa_node;
    tpu.field_sources["chips"] = "sysfs";
    add_source(tpu, "sysfs");
    // TPU_VISIBLE_CHIPS restricts which chips this process's libtpu opens ("0,1").
    if (const auto it = environment.variables.find("TPU_VISIBLE_CHIPS"); it != environment.variables.end()) {
      std::uint32_t visible = 0;
      for (const std::string& entry : util::split(it->second, ',')) {
        visible += util::trim(entry).empty() ? 0 : 1;
      }
      if (visible < tpu.chips) {
        warnings.push_back(
            fmt::format("TPU_VISIBLE_CHIPS=\"{}\" leaves {} of {} chips visible", it->second, visible, tpu.chips));
        tpu.chips = visible;
        tpu.field_sources["chips"] = "TPU_VISIBLE_CHIPS";
      }
    }
    if (*generation.catalog_id != '\0') {
      if (const auto* spec = catalog.find_hardware(generation.catalog_id)) {
        tpu.memory_bytes = spec->memory_bytes; // HBM per chip
        tpu.field_sources["memory_bytes"] = "catalog";
        apply_catalog(tpu, *spec);
      }
    } else {
      warnings.push_back(
          fmt::format("{} is not in the catalog: memory, bandwidth and peak TFLOPS unknown", generation.model));
    }
    if (tpu.chips > 0) {
      devices.push_back(std::move(tpu));
    }
  }
  for (const PciFunction& function : pci.functions) {
    if (function.vendor_id == "1ae0" && generation_of(function) == nullptr && function.class_code == 0xff0000) {
      // Class 0xff00 is what TPU functions report; an unknown id in it may be a newer TPU.
      warnings.push_back(fmt::format("Google PCI device 1ae0:{} at {} is not a TPU the probe knows", function.device_id,
                                     function.bus_id));
    }
  }
  return devices;
}

} // namespace llmhw::probe::detail
