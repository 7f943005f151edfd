// A probe JSON (llm-hw probe --json from another host) back into an Inventory,
// for --hardware FILE. Strict: wrong types, unknown fields, non-finite or absurd
// figures are errors naming the file and the field.
#include "llmhw/probe/probe.hpp"

#include "plausible.hpp"

#include "llmhw/util/json_fields.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace llmhw::probe {
namespace {

using util::JsonObject;

// Bounds no real machine reaches; anything beyond is a corrupt or hostile file.
constexpr std::uint64_t k_max_bytes = std::uint64_t{1} << 56; // 64 PiB
constexpr double k_max_bandwidth_bytes_s = 1e15;              // 1 PB/s
constexpr double k_max_tflops = 1e6;
constexpr std::uint64_t k_max_count = 1u << 20;
constexpr std::size_t k_max_devices = 4096;
constexpr std::size_t k_max_text = 4096;

// What the probe itself reports stays inside these (plausible.hpp), so its JSON reads back.
static_assert(plausible::k_max_host_memory_bytes <= k_max_bytes);
static_assert(plausible::k_max_device_memory_bytes <= k_max_bytes);
static_assert(plausible::k_max_bandwidth_bytes_s <= k_max_bandwidth_bytes_s);
static_assert(plausible::k_max_tflops <= k_max_tflops);
static_assert(plausible::k_max_threads <= k_max_count);
static_assert(plausible::k_max_clock_ghz <= 100.0);

std::optional<double> bounded_number(const JsonObject& object, std::string_view key, double max)
{
  const auto value = object.optional_number(key);
  if (value && !(std::isfinite(*value) && *value >= 0 && *value <= max)) {
    object.fail(key, fmt::format("expected a number from 0 to {:g}, got {}", max, object.json().at(key).dump()));
  }
  return value;
}

std::string text(const JsonObject& object, std::string_view key)
{
  std::string value = object.string(key);
  if (value.size() > k_max_text) {
    object.fail(key, fmt::format("longer than {} characters", k_max_text));
  }
  return value;
}

std::optional<std::string> optional_text(const JsonObject& object, std::string_view key)
{
  auto value = object.optional_string(key);
  if (value && value->size() > k_max_text) {
    object.fail(key, fmt::format("longer than {} characters", k_max_text));
  }
  return value;
}

std::vector<std::string> texts(const JsonObject& object, std::string_view key)
{
  std::vector<std::string> values = object.strings(key);
  if (values.size() > k_max_devices) {
    object.fail(key, fmt::format("more than {} entries", k_max_devices));
  }
  for (const std::string& value : values) {
    if (value.size() > k_max_text) {
      object.fail(key, fmt::format("an entry is longer than {} characters", k_max_text));
    }
  }
  return values;
}

catalog::PeakTflops read_peak(const JsonObject& object)
{
  object.reject_unknown_keys(catalog::compute_precisions());
  catalog::PeakTflops peak;
  for (const std::string& precision : catalog::compute_precisions()) {
    peak.set(precision, bounded_number(object, precision, k_max_tflops));
  }
  return peak;
}

std::uint32_t count32(const JsonObject& object, std::string_view key, std::uint32_t fallback)
{
  return static_cast<std::uint32_t>(object.optional_count(key, k_max_count).value_or(fallback));
}

Device read_device(const JsonObject& object)
{
  object.reject_unknown_keys({"id",
                              "kind",
                              "vendor",
                              "model",
                              "sockets",
                              "cores",
                              "threads",
                              "numa_nodes",
                              "usable_cores",
                              "isa",
                              "clock_ghz",
                              "l2_cache_bytes",
                              "l3_cache_bytes",
                              "pci",
                              "uuid",
                              "compute_capability",
                              "architecture",
                              "driver_version",
                              "cuda_version",
                              "numa_node",
                              "power_limit_watts",
                              "mig_profile",
                              "nvlink_links",
                              "chips",
                              "catalog_id",
                              "memory_bytes",
                              "memory_free_bytes",
                              "memory_bandwidth_bytes_s",
                              "unified_memory",
                              "peak_tflops",
                              "sources",
                              "field_sources"});
  Device device;
  device.id = text(object, "id");
  const std::string kind = object.string("kind");
  const auto parsed_kind = catalog::device_kind_from_string(kind);
  if (!parsed_kind) {
    object.fail("kind", fmt::format("expected cpu, gpu, tpu or accelerator, got \"{}\"", kind));
  }
  device.kind = *parsed_kind;
  device.vendor = text(object, "vendor");
  device.model = text(object, "model");
  device.sockets = count32(object, "sockets", 0);
  device.cores = count32(object, "cores", 0);
  device.threads = count32(object, "threads", 0);
  device.numa_nodes = count32(object, "numa_nodes", 0);
  device.usable_cores = bounded_number(object, "usable_cores", static_cast<double>(k_max_count));
  if (object.has("isa")) {
    device.isa = texts(object, "isa");
  }
  device.clock_ghz = bounded_number(object, "clock_ghz", 100.0);
  device.l2_cache_bytes = object.optional_count("l2_cache_bytes", k_max_bytes);
  device.l3_cache_bytes = object.optional_count("l3_cache_bytes", k_max_bytes);
  if (const auto pci = object.optional_object("pci")) {
    pci->reject_unknown_keys({"bus_id", "vendor_id", "device_id"});
    device.pci = PciAddress{text(*pci, "bus_id"), text(*pci, "vendor_id"), text(*pci, "device_id")};
  }
  device.uuid = optional_text(object, "uuid");
  device.compute_capability = optional_text(object, "compute_capability");
  device.architecture = optional_text(object, "architecture");
  device.driver_version = optional_text(object, "driver_version");
  device.cuda_version = optional_text(object, "cuda_version");
  if (const auto node = object.optional_count("numa_node", 4095)) {
    device.numa_node = static_cast<int>(*node);
  }
  device.power_limit_watts = bounded_number(object, "power_limit_watts", 1e5);
  device.mig_profile = optional_text(object, "mig_profile");
  if (const auto links = object.optional_count("nvlink_links", 1024)) {
    device.nvlink_links = static_cast<std::uint32_t>(*links);
  }
  device.chips = count32(object, "chips", 1);
  if (device.chips == 0) {
    object.fail("chips", "expected at least 1");
  }
  device.catalog_id = optional_text(object, "catalog_id");
  device.memory_bytes = object.count("memory_bytes", k_max_bytes);
  device.memory_free_bytes = object.optional_count("memory_free_bytes", k_max_bytes);
  device.memory_bandwidth_bytes_s = bounded_number(object, "memory_bandwidth_bytes_s", k_max_bandwidth_bytes_s);
  device.unified_memory = object.boolean("unified_memory", false);
  if (const auto peak = object.optional_object("peak_tflops")) {
    device.peak_tflops = read_peak(*peak);
  }
  device.sources = texts(object, "sources");
  device.field_sources = object.string_map("field_sources", k_max_devices, k_max_text);
  return device;
}

/// host.network: at most k_max_devices NICs, each a kind the probe writes and a rate below 100 Tb/s.
std::vector<NetworkInterface> read_network(const JsonObject& host)
{
  std::vector<NetworkInterface> out;
  if (!host.has("network")) {
    return out;
  }
  const auto interfaces = host.objects("network");
  if (interfaces.size() > k_max_devices) {
    host.fail("network", fmt::format("more than {} interfaces", k_max_devices));
  }
  for (const JsonObject& object : interfaces) {
    object.reject_unknown_keys({"name", "kind", "rate_gbps"});
    NetworkInterface nic;
    nic.name = text(object, "name");
    nic.kind = text(object, "kind");
    if (nic.kind != "infiniband" && nic.kind != "roce" && nic.kind != "efa" && nic.kind != "ethernet") {
      object.fail("kind", fmt::format("\"{}\" is not one of infiniband, roce, efa, ethernet", nic.kind));
    }
    nic.rate_gbps = bounded_number(object, "rate_gbps", 1e5).value_or(0);
    out.push_back(std::move(nic));
  }
  return out;
}

Inventory read_inventory(const JsonObject& root)
{
  root.reject_unknown_keys({"schema", "host", "memory", "devices", "warnings"});
  if (const std::string schema = root.string("schema"); schema != "llm-hw/probe/v1") {
    root.fail("schema", fmt::format("expected \"llm-hw/probe/v1\", got \"{}\"", schema));
  }
  Inventory inventory;
  const JsonObject host = root.object("host");
  host.reject_unknown_keys({"hostname", "os", "kernel", "virtualized", "hypervisor", "tpu_environment", "network"});
  inventory.host.hostname = text(host, "hostname");
  inventory.host.os = text(host, "os");
  inventory.host.kernel = text(host, "kernel");
  inventory.host.virtualized = host.boolean("virtualized", false);
  inventory.host.hypervisor = optional_text(host, "hypervisor");
  inventory.host.tpu_environment = host.string_map("tpu_environment", k_max_devices, k_max_text);
  inventory.host.network = read_network(host);
  const JsonObject memory = root.object("memory");
  memory.reject_unknown_keys({"total_bytes", "available_bytes", "cgroup_limit_bytes"});
  inventory.memory.total_bytes = memory.count("total_bytes", k_max_bytes);
  inventory.memory.available_bytes = memory.count("available_bytes", k_max_bytes);
  inventory.memory.cgroup_limit_bytes = memory.optional_count("cgroup_limit_bytes", k_max_bytes);
  const auto devices = root.objects("devices");
  if (devices.size() > k_max_devices) {
    root.fail("devices", fmt::format("more than {} devices", k_max_devices));
  }
  std::set<std::string> ids;
  for (const JsonObject& object : devices) {
    Device device = read_device(object);
    if (!ids.insert(device.id).second) {
      object.fail("id", fmt::format("\"{}\" appears twice", device.id));
    }
    inventory.devices.push_back(std::move(device));
  }
  if (root.has("warnings")) {
    inventory.warnings = texts(root, "warnings");
  }
  return inventory;
}

/// The probe document in `json` (parsed from `input`), or the first problem found in it.
Result<Inventory> inventory_from(const Result<nlohmann::json>& json, const std::string& input)
{
  if (!json) {
    return json.error();
  }
  auto root = util::root_object(*json, input);
  if (!root) {
    return root.error();
  }
  try {
    return read_inventory(*root);
  } catch (const InputError& error) {
    return error.error;
  }
}

} // namespace

Result<Inventory> parse_inventory_json(std::string_view text, const std::string& input)
{
  return inventory_from(util::parse_json(text, input, util::k_probe_json_bounds.max_values), input);
}

Result<Inventory> read_inventory_json(const std::string& path)
{
  return inventory_from(util::read_json_file(path, util::k_probe_json_bounds), path);
}

} // namespace llmhw::probe
