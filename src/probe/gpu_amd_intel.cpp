// AMD GPUs from amdgpu's sysfs (/sys/class/drm/cardN/device: mem_info_vram_total,
// mem_info_vram_used, unique_id) and Intel GPUs, whose xe driver exposes no memory
// files (so their memory comes from the catalog where known).
#include "accelerators.hpp"
#include "plausible.hpp"
#include "sysfs.hpp"
#include "visibility.hpp"

#include <fmt/format.h>

#include <map>
#include <regex>

namespace llmhw::probe::detail {
namespace {

constexpr const char* k_amd = "1002";
constexpr const char* k_intel = "8086";

/// PCI bus id → "/sys/class/drm/cardN/device" for every DRM card (not connectors or render nodes).
std::map<std::string, std::string> drm_cards(const std::string& root)
{
  static const std::regex card_name("card[0-9]+");
  std::map<std::string, std::string> cards;
  for (const std::string& name : list_dir(root, "/sys/class/drm")) {
    if (!std::regex_match(name, card_name)) {
      continue;
    }
    const std::string device = "/sys/class/drm/" + name + "/device";
    auto bus_id = link_target_name(root, device);
    if (!bus_id) { // a copied tree without links: the uevent names the slot
      if (const auto uevent = read_file(root, device + "/uevent")) {
        bus_id = field_value(*uevent, "PCI_SLOT_NAME", '=');
      }
    }
    if (bus_id) {
      cards.emplace(normalize_bus_id(*bus_id), device);
    }
  }
  return cards;
}

/// Applies ROCR_VISIBLE_DEVICES, then HIP_VISIBLE_DEVICES to what ROCR left (ROCm documentation,
/// "GPU isolation techniques").
std::vector<Device> apply_rocm_visibility(const Environment& environment, std::vector<Device> gpus,
                                          std::vector<std::string>& warnings)
{
  for (const char* variable : {"ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES"}) {
    const auto it = environment.variables.find(variable);
    if (it == environment.variables.end()) {
      continue;
    }
    std::vector<VisibleCandidate> candidates;
    for (const Device& gpu : gpus) {
      candidates.push_back({gpu.uuid.value_or(""), {}});
    }
    const Selection selection = select_visible(it->second, candidates);
    if (selection.stopped_at) {
      warnings.push_back(fmt::format("{}: \"{}\" names no GPU; it and the entries after it are ignored", variable,
                                     *selection.stopped_at));
    }
    std::vector<Device> visible;
    for (const Selection::Pick& pick : selection.picks) {
      visible.push_back(gpus[pick.index]);
    }
    if (visible.size() < gpus.size()) {
      warnings.push_back(fmt::format("{}=\"{}\" leaves {} of {} AMD GPU(s) visible", variable, it->second,
                                     visible.size(), gpus.size()));
    }
    gpus = std::move(visible);
  }
  return gpus;
}

} // namespace

std::vector<Device> amd_and_intel_gpus(const Environment& environment, const catalog::Catalog& catalog,
                                       const PciScan& pci, std::vector<std::string>& warnings)
{
  const std::string& root = environment.root;
  const auto cards = drm_cards(root);
  std::vector<Device> amd;
  std::vector<Device> intel;
  for (const PciFunction& function : pci.functions) {
    const bool is_amd = function.vendor_id == k_amd;
    if ((!is_amd && function.vendor_id != k_intel) || !is_gpu_class(function.class_code)) {
      continue;
    }
    Device gpu;
    gpu.kind = catalog::DeviceKind::gpu;
    gpu.vendor = is_amd ? "AMD" : "Intel";
    gpu.pci = PciAddress{function.bus_id, function.vendor_id, function.device_id};
    gpu.numa_node = function.numa_node;
    add_source(gpu, "sysfs");
    if (const auto card = cards.find(function.bus_id); card != cards.end()) {
      const std::string& dir = card->second;
      const std::string vram_file = dir + "/mem_info_vram_total";
      if (const auto vram = read_uint(root, vram_file);
          vram && *vram > 0 &&
          plausible::within_bytes(*vram, 0, plausible::k_max_device_memory_bytes, "the memory size", vram_file,
                                  fmt::format("{} bytes", *vram), warnings)) {
        gpu.memory_bytes = *vram;
        gpu.field_sources["memory_bytes"] = "sysfs";
        if (const auto used = read_uint(root, dir + "/mem_info_vram_used"); used && *used <= *vram) {
          gpu.memory_free_bytes = *vram - *used;
          gpu.field_sources["memory_free_bytes"] = "sysfs";
        }
      }
      if (const auto unique = read_line(root, dir + "/unique_id"); unique && !unique->empty()) {
        gpu.uuid = "GPU-" + *unique; // the form ROCR_VISIBLE_DEVICES accepts
        gpu.field_sources["uuid"] = "sysfs";
      }
    }
    const auto* spec = match_catalog(catalog, function.vendor_id, function.device_id, "");
    if (spec != nullptr) {
      gpu.model = spec->name;
      apply_catalog(gpu, *spec);
      gpu.field_sources["model"] = "catalog";
    } else {
      gpu.model = fmt::format("{} GPU {}:{}", gpu.vendor, function.vendor_id, function.device_id);
      warnings.push_back(fmt::format("{} GPU {} ({}:{}) is not in the catalog: bandwidth and peak TFLOPS unknown",
                                     gpu.vendor, function.bus_id, function.vendor_id, function.device_id));
    }
    if (!is_amd && spec == nullptr && gpu.memory_bytes == 0 && function.bus_id.ends_with(":00:02.0")) {
      // Intel integrated graphics sit at 00:02.0 and allocate from system memory.
      gpu.unified_memory = true;
    }
    if (gpu.memory_bytes == 0 && !gpu.unified_memory) {
      warnings.push_back(fmt::format("{} GPU {}: the driver reports no device memory", gpu.vendor, function.bus_id));
    }
    (is_amd ? amd : intel).push_back(std::move(gpu));
  }
  std::vector<Device> devices = apply_rocm_visibility(environment, std::move(amd), warnings);
  devices.insert(devices.end(), intel.begin(), intel.end());
  return devices;
}

} // namespace llmhw::probe::detail
