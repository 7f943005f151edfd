// `kubectl get nodes -o json` as hosts for --hardware: every node with accelerators becomes an Inventory.
//
// What names a node's accelerators (fixtures and sources: tests/fixtures/kubernetes/README.md):
//   NVIDIA GPU Feature Discovery: nvidia.com/gpu.product ("NVIDIA-H100-80GB-HBM3": the product name with spaces
//     as dashes), nvidia.com/gpu.count, nvidia.com/gpu.memory (MiB per GPU), nvidia.com/gpu.compute.major/.minor;
//     GKE's own cloud.google.com/gke-accelerator ("nvidia-h100-80gb") where GFD does not run;
//   AMD's node labeller: amd.com/gpu.device-id (the PCI device id, "74a1"), amd.com/gpu.product-name,
//     amd.com/gpu.vram ("192G"), also under beta.amd.com/;
//   GKE TPU node pools: cloud.google.com/gke-tpu-accelerator ("tpu-v5-lite-podslice") and
//     cloud.google.com/gke-tpu-topology ("2x4");
// and the device plugins' allocatable resources (nvidia.com/gpu, amd.com/gpu, google.com/tpu): what pods can get.
// The list comes from outside: sizes are bounded, and any wrong type is an error naming the node and field.
#include "llmhw/probe/probe.hpp"

#include "accelerators.hpp"

#include "llmhw/util/json_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

namespace llmhw::probe {
namespace {

using util::JsonObject;

constexpr std::size_t k_max_nodes = 10000; // far beyond the largest clusters (5,000 nodes upstream)
constexpr std::size_t k_max_labels = 4096; // labels or resources on one node
constexpr std::size_t k_max_text = 4096;   // one label, name or quantity
constexpr std::uint64_t k_max_devices_per_node = 256;
constexpr double k_max_memory_bytes = 1ULL << 50; // 1 PiB: host memory beyond any node

std::optional<std::string> lookup(const std::map<std::string, std::string>& map, const std::string& key)
{
  const auto it = map.find(key);
  return it == map.end() ? std::nullopt : std::optional(it->second);
}

/// A Kubernetes resource quantity ("8", "2113442856Ki", "80Gi", "191G", "1500m") as a number; nullopt when it is
/// none (the API server writes canonical forms: digits, an optional fraction, then a suffix).
std::optional<double> quantity(const std::string& text)
{
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.')) {
    ++end;
  }
  if (end == 0 || end > 24 || std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '.') > 1) {
    return std::nullopt;
  }
  static const std::array<std::pair<const char*, double>, 12> suffixes = {{{"", 1.0},
                                                                           {"m", 1e-3},
                                                                           {"k", 1e3},
                                                                           {"M", 1e6},
                                                                           {"G", 1e9},
                                                                           {"T", 1e12},
                                                                           {"P", 1e15},
                                                                           {"Ki", 0x1p10},
                                                                           {"Mi", 0x1p20},
                                                                           {"Gi", 0x1p30},
                                                                           {"Ti", 0x1p40},
                                                                           {"Pi", 0x1p50}}};
  const std::string suffix = text.substr(end);
  for (const auto& [name, factor] : suffixes) {
    if (suffix == name) {
      // from_chars, not stod: "." passes the scan above but is no number, and stod would throw.
      double number = 0.0;
      const auto [last, error] = std::from_chars(text.data(), text.data() + end, number);
      if (error != std::errc{} || last != text.data() + end) {
        return std::nullopt;
      }
      const double value = number * factor;
      return std::isfinite(value) ? std::optional(value) : std::nullopt;
    }
  }
  return std::nullopt;
}

/// A count label or resource ("8"), within k_max_devices_per_node; nullopt when absent.
std::optional<std::uint32_t> device_count(const JsonObject& node, const std::map<std::string, std::string>& map,
                                          const std::string& key)
{
  const auto text = lookup(map, key);
  if (!text) {
    return std::nullopt;
  }
  const auto value = quantity(*text);
  if (!value || *value != std::floor(*value) || *value > static_cast<double>(k_max_devices_per_node)) {
    node.fail(key, fmt::format("\"{}\" is not a device count from 0 to {}", *text, k_max_devices_per_node));
  }
  return static_cast<std::uint32_t>(*value);
}

std::string dashes_to_spaces(std::string text)
{
  std::replace(text.begin(), text.end(), '-', ' ');
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

/// The catalog entry a label names: as written, then with dashes as spaces ("NVIDIA-H100-80GB-HBM3"), then without
/// a vendor prefix ("nvidia-h100-80gb" → "h100 80gb").
const catalog::HardwareSpec* find_named(const catalog::Catalog& catalog, const std::string& label)
{
  for (std::string name : {label, dashes_to_spaces(label)}) {
    if (const auto* spec = detail::match_catalog(catalog, "", "", name)) {
      return spec;
    }
    for (const char* prefix : {"nvidia ", "amd "}) {
      if (name.size() > std::string_view(prefix).size() &&
          std::equal(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(std::string_view(prefix).size()), prefix,
                     [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
        if (const auto* spec = detail::match_catalog(catalog, "", "", name.substr(std::string_view(prefix).size()))) {
          return spec;
        }
      }
    }
  }
  return nullptr;
}

/// GKE's TPU accelerator label values (cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus) and the catalog
/// devices they are.
std::optional<std::string> tpu_catalog_id(const std::string& accelerator)
{
  static const std::map<std::string, std::string> ids = {
      {"tpu-v4-podslice", "tpu-v4"}, {"tpu-v5-lite-podslice", "tpu-v5e"}, {"tpu-v5-lite-device", "tpu-v5e"},
      {"tpu-v5p-slice", "tpu-v5p"},  {"tpu-v6e-slice", "tpu-v6e"},        {"tpu7x", "tpu-v7"}};
  const auto it = ids.find(accelerator);
  return it == ids.end() ? std::nullopt : std::optional(it->second);
}

Device accelerator(catalog::DeviceKind kind, std::string id, std::string vendor, std::string model,
                   const catalog::HardwareSpec* spec)
{
  Device device;
  device.id = std::move(id);
  device.kind = kind;
  device.vendor = std::move(vendor);
  device.model = std::move(model);
  if (spec != nullptr) {
    detail::apply_catalog(device, *spec);
    if (device.model.empty()) {
      device.model = spec->name;
    }
  }
  detail::add_source(device, "kubernetes");
  return device;
}

void add_gpus(std::vector<Device>& devices, std::uint32_t count, const Device& gpu)
{
  for (std::uint32_t i = 0; i < count; ++i) {
    Device copy = gpu;
    copy.id = fmt::format("gpu{}", devices.size());
    devices.push_back(std::move(copy));
  }
}

void nvidia_devices(const JsonObject& node, const std::map<std::string, std::string>& labels,
                    const std::map<std::string, std::string>& allocatable, const catalog::Catalog& catalog,
                    std::vector<Device>& devices)
{
  const auto product = lookup(labels, "nvidia.com/gpu.product");
  const auto gke = lookup(labels, "cloud.google.com/gke-accelerator");
  const auto count = device_count(node, allocatable, "nvidia.com/gpu")
                         .value_or(device_count(node, labels, "nvidia.com/gpu.count").value_or(0));
  if (count == 0 || (!product && !gke)) {
    return;
  }
  const std::string name = product ? dashes_to_spaces(*product) : *gke;
  const catalog::HardwareSpec* spec = find_named(catalog, product.value_or(*gke));
  Device gpu = accelerator(catalog::DeviceKind::gpu, "", "NVIDIA", name, spec);
  if (const auto memory = lookup(labels, "nvidia.com/gpu.memory")) {
    const auto mib = quantity(*memory);
    if (!mib || *mib * 0x1p20 > k_max_memory_bytes) {
      node.fail("nvidia.com/gpu.memory", fmt::format("\"{}\" is not a memory size in MiB", *memory));
    }
    gpu.memory_bytes = static_cast<std::uint64_t>(*mib * 0x1p20);
    gpu.field_sources["memory_bytes"] = "kubernetes";
  }
  const auto major = lookup(labels, "nvidia.com/gpu.compute.major");
  const auto minor = lookup(labels, "nvidia.com/gpu.compute.minor");
  if (major && minor && quantity(*major) && quantity(*minor)) {
    gpu.compute_capability = *major + "." + *minor;
  }
  add_gpus(devices, count, gpu);
}

void amd_devices(const JsonObject& node, const std::map<std::string, std::string>& labels,
                 const std::map<std::string, std::string>& allocatable, const catalog::Catalog& catalog,
                 std::vector<Device>& devices)
{
  const auto label = [&](const std::string& key) {
    auto value = lookup(labels, "amd.com/gpu." + key);
    return value ? value : lookup(labels, "beta.amd.com/gpu." + key);
  };
  const auto count = device_count(node, allocatable, "amd.com/gpu").value_or(0);
  const auto device_id = label("device-id");
  const auto product = label("product-name");
  if (count == 0 || (!device_id && !product)) {
    return;
  }
  const catalog::HardwareSpec* spec =
      detail::match_catalog(catalog, "1002", device_id.value_or(""), product ? dashes_to_spaces(*product) : "");
  Device gpu = accelerator(catalog::DeviceKind::gpu, "", "AMD", product ? dashes_to_spaces(*product) : "", spec);
  if (gpu.memory_bytes == 0) {
    if (const auto vram = label("vram")) {
      // The labeller writes the size rounded to whole gigabytes ("191G"); the catalog's figure wins where known.
      const auto bytes = quantity(*vram + "i");
      if (bytes && *bytes <= k_max_memory_bytes) {
        gpu.memory_bytes = static_cast<std::uint64_t>(*bytes);
        gpu.field_sources["memory_bytes"] = "kubernetes";
      }
    }
  }
  add_gpus(devices, count, gpu);
}

void tpu_devices(const JsonObject& node, const std::map<std::string, std::string>& labels,
                 const std::map<std::string, std::string>& allocatable, const catalog::Catalog& catalog,
                 std::vector<Device>& devices, std::vector<std::string>& warnings)
{
  const auto accelerator_label = lookup(labels, "cloud.google.com/gke-tpu-accelerator");
  const auto chips = device_count(node, allocatable, "google.com/tpu").value_or(0);
  if (!accelerator_label || chips == 0) {
    return;
  }
  const auto id = tpu_catalog_id(*accelerator_label);
  const catalog::HardwareSpec* spec = id ? catalog.find_hardware(*id) : nullptr;
  if (spec == nullptr) {
    warnings.push_back(
        fmt::format("{}: TPU accelerator \"{}\" is not in the catalog", node.path(), *accelerator_label));
  }
  Device tpu =
      accelerator(catalog::DeviceKind::tpu, "tpu0", "Google", spec != nullptr ? spec->name : *accelerator_label, spec);
  tpu.chips = chips;
  if (const auto topology = lookup(labels, "cloud.google.com/gke-tpu-topology")) {
    tpu.field_sources["topology"] = *topology;
  }
  devices.push_back(std::move(tpu));
}

Inventory node_inventory(const JsonObject& node, const catalog::Catalog& catalog)
{
  Inventory inventory;
  const JsonObject metadata = node.object("metadata");
  inventory.host.hostname = metadata.string("name");
  if (inventory.host.hostname.empty() || inventory.host.hostname.size() > k_max_text) {
    metadata.fail("name", "expected a node name of 1 to 4096 characters");
  }
  const auto labels = metadata.string_map("labels", k_max_labels, k_max_text);
  const auto status = node.optional_object("status");
  std::map<std::string, std::string> allocatable;
  std::map<std::string, std::string> capacity;
  if (status) {
    allocatable = status->string_map("allocatable", k_max_labels, k_max_text);
    capacity = status->string_map("capacity", k_max_labels, k_max_text);
    if (const auto info = status->optional_object("nodeInfo")) {
      inventory.host.os = info->optional_string("osImage").value_or("").substr(0, k_max_text);
      inventory.host.kernel = info->optional_string("kernelVersion").value_or("").substr(0, k_max_text);
    }
  }
  const auto memory = [&](const std::map<std::string, std::string>& map) -> std::uint64_t {
    const auto value = lookup(map, "memory");
    const auto bytes = value ? quantity(*value) : std::nullopt;
    return bytes && *bytes <= k_max_memory_bytes ? static_cast<std::uint64_t>(*bytes) : 0;
  };
  inventory.memory.total_bytes = memory(capacity);
  inventory.memory.available_bytes = memory(allocatable);
  nvidia_devices(node, labels, allocatable, catalog, inventory.devices);
  amd_devices(node, labels, allocatable, catalog, inventory.devices);
  tpu_devices(node, labels, allocatable, catalog, inventory.devices, inventory.warnings);
  return inventory;
}

bool is_node_list(const nlohmann::json& json)
{
  if (!json.is_object()) {
    return false;
  }
  const auto kind = json.find("kind");
  return kind != json.end() && kind->is_string() && (*kind == "List" || *kind == "NodeList") && json.contains("items");
}

Result<std::vector<Inventory>> inventories_from_node_list(const nlohmann::json& json, const std::string& input,
                                                          const catalog::Catalog& catalog)
{
  auto root = util::root_object(json, input);
  if (!root) {
    return root.error();
  }
  std::vector<Inventory> inventories;
  try {
    const std::vector<JsonObject> items = root->objects("items");
    if (items.size() > k_max_nodes) {
      root->fail("items", fmt::format("more than {} nodes", k_max_nodes));
    }
    for (const JsonObject& item : items) {
      if (const auto kind = item.optional_string("kind"); kind && *kind != "Node") {
        item.fail("kind", fmt::format("expected a Node, got \"{}\"", *kind));
      }
      Inventory inventory = node_inventory(item, catalog);
      if (!inventory.devices.empty()) {
        inventories.push_back(std::move(inventory));
      }
    }
  } catch (const InputError& error) {
    return error.error;
  }
  if (inventories.empty()) {
    return Error{input, "no node carries GPU or TPU labels (GPU Feature Discovery, AMD's node labeller or GKE's TPU "
                        "labels) with an allocatable nvidia.com/gpu, amd.com/gpu or google.com/tpu"};
  }
  return inventories;
}

} // namespace

Result<std::vector<Inventory>> parse_node_list(std::string_view text, const std::string& input,
                                               const catalog::Catalog& catalog)
{
  if (text.size() > util::k_node_list_bounds.max_bytes) {
    return Error{input, "larger than a node list may be"};
  }
  auto json = util::parse_json(text, input, util::k_node_list_bounds.max_values);
  if (!json) {
    return json.error();
  }
  if (!is_node_list(*json)) {
    return Error{input, "not a Kubernetes node list (expected \"kind\": \"List\" or \"NodeList\" with items)"};
  }
  return inventories_from_node_list(*json, input, catalog);
}

Result<std::vector<Inventory>> read_hardware_file(const std::string& path, const catalog::Catalog& catalog)
{
  auto json = util::read_json_file(path, util::k_node_list_bounds);
  if (json && is_node_list(*json)) {
    return inventories_from_node_list(*json, path, catalog);
  }
  // A probe JSON, read within its own (smaller) bounds; its errors are the ones it always gave.
  auto inventory = read_inventory_json(path);
  if (!inventory) {
    return inventory.error();
  }
  return std::vector<Inventory>{std::move(inventory.value())};
}

} // namespace llmhw::probe
