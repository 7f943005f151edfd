// Catalog figures for detected devices: bandwidth and peak TFLOPS per precision.
#include "accelerators.hpp"

#include <algorithm>

namespace llmhw::probe::detail {

void add_source(Device& device, const std::string& source)
{
  if (std::find(device.sources.begin(), device.sources.end(), source) == device.sources.end()) {
    device.sources.push_back(source);
  }
}

const catalog::HardwareSpec* match_catalog(const catalog::Catalog& catalog, const std::string& vendor_id,
                                           const std::string& device_id, const std::string& name)
{
  if (!vendor_id.empty() && !device_id.empty()) {
    if (const auto* spec = catalog.find_hardware_by_pci(vendor_id + ":" + device_id)) {
      return spec;
    }
  }
  if (!name.empty()) {
    const auto* spec = catalog.find_hardware(name);
    if (spec != nullptr && spec->kind != catalog::DeviceKind::cpu) {
      return spec;
    }
  }
  return nullptr;
}

void apply_catalog(Device& device, const catalog::HardwareSpec& spec, double compute_fraction, double memory_fraction)
{
  device.catalog_id = spec.id;
  const auto scale = [compute_fraction](std::optional<double> value) {
    return value ? std::optional(*value * compute_fraction) : std::nullopt;
  };
  device.peak_tflops.fp32 = scale(spec.peak_tflops.fp32);
  device.peak_tflops.tf32 = scale(spec.peak_tflops.tf32);
  device.peak_tflops.bf16 = scale(spec.peak_tflops.bf16);
  device.peak_tflops.fp16 = scale(spec.peak_tflops.fp16);
  device.peak_tflops.fp8 = scale(spec.peak_tflops.fp8);
  device.peak_tflops.int8 = scale(spec.peak_tflops.int8);
  device.peak_tflops.int4 = scale(spec.peak_tflops.int4);
  device.peak_tflops.fp4 = scale(spec.peak_tflops.fp4);
  device.field_sources["peak_tflops"] = compute_fraction < 1.0 ? "catalog (scaled to the slice)" : "catalog";
  if (!device.memory_bandwidth_bytes_s && spec.memory_bandwidth_bytes_s > 0) {
    device.memory_bandwidth_bytes_s = spec.memory_bandwidth_bytes_s * memory_fraction;
    device.field_sources["memory_bandwidth_bytes_s"] =
        memory_fraction < 1.0 ? "catalog (scaled to the slice)" : "catalog";
  }
  if (!device.compute_capability && spec.compute_capability) {
    device.compute_capability = spec.compute_capability;
    device.field_sources["compute_capability"] = "catalog";
  }
  if (!device.architecture && !spec.architecture.empty()) {
    device.architecture = spec.architecture;
    device.field_sources["architecture"] = "catalog";
  }
  if (device.memory_bytes == 0 && spec.memory_bytes > 0 && !spec.unified_memory) {
    device.memory_bytes = spec.memory_bytes;
    device.field_sources["memory_bytes"] = "catalog";
  }
  if (device.model.empty()) {
    device.model = spec.name;
  }
  device.unified_memory = device.unified_memory || spec.unified_memory;
  add_source(device, "catalog");
}

} // namespace llmhw::probe::detail
