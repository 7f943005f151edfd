#include "parse.hpp"

#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace llmhw::catalog::detail {
namespace {

constexpr std::uint64_t k_max_memory_bytes = 1ULL << 50;   // 1 PiB: beyond any single device
constexpr double k_max_bandwidth_bytes_s = 1e14;           // 100 TB/s
constexpr double k_max_link_bytes_s = 1e13;                // 10 TB/s per direction: beyond any device link
constexpr double k_max_tflops = 1e5;
constexpr double k_max_tdp_watts = 5000;                   // a whole superchip module stays far below
constexpr double k_max_clock_ghz = 10;
constexpr double k_max_price_usd_per_device_hour = 1000; // list prices are near $15 per GPU-hour

bool lower_hex(char c)
{
  return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
}

bool digits(std::string_view text)
{
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool contains(const std::vector<std::string>& names, const std::string& name)
{
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// An optional number that, when present, must lie in (0, max].
std::optional<double> positive_number(const util::JsonObject& object, const char* key, double max, const char* unit)
{
  auto value = object.optional_number(key);
  if (value && (*value <= 0 || *value > max)) {
    object.fail(key, fmt::format("{} {} is outside (0, {}]", *value, unit, max));
  }
  return value;
}

PeakTflops parse_peak(const util::JsonObject& entry)
{
  PeakTflops peak;
  const auto object = entry.optional_object("peak_tflops");
  if (!object) {
    return peak;
  }
  object->reject_unknown_keys(compute_precisions());
  for (const std::string& precision : compute_precisions()) {
    peak.set(precision, positive_number(*object, precision.c_str(), k_max_tflops, "TFLOPS"));
  }
  return peak;
}

std::vector<std::string> parse_precisions(const util::JsonObject& entry)
{
  std::vector<std::string> precisions = entry.strings("precisions");
  std::set<std::string> seen;
  for (const std::string& precision : precisions) {
    if (!contains(compute_precisions(), precision)) {
      entry.fail("precisions", fmt::format("'{}' is not one of {}", precision, util::join(compute_precisions(), ", ")));
    }
    if (!seen.insert(precision).second) {
      entry.fail("precisions", fmt::format("'{}' is listed twice", precision));
    }
  }
  return precisions;
}

std::vector<std::string> parse_pci_ids(const util::JsonObject& entry)
{
  std::vector<std::string> pci_ids = entry.strings("pci_ids");
  for (const std::string& pci_id : pci_ids) {
    const bool valid = pci_id.size() == 9 && pci_id[4] == ':' &&
                       std::all_of(pci_id.begin(), pci_id.begin() + 4, lower_hex) &&
                       std::all_of(pci_id.begin() + 5, pci_id.end(), lower_hex);
    if (!valid) {
      entry.fail("pci_ids", fmt::format("'{}' is not a lower-case vendor:device pair like 10de:2330", pci_id));
    }
  }
  return pci_ids;
}

/// "9.0", "12.1": the CUDA compute capability as NVML reports it.
std::optional<std::string> parse_compute_capability(const util::JsonObject& entry)
{
  auto capability = entry.optional_string("compute_capability");
  if (!capability) {
    return capability;
  }
  const std::size_t dot = capability->find('.');
  const bool valid = dot != std::string::npos && dot <= 2 && digits(std::string_view(*capability).substr(0, dot)) &&
                     capability->size() - dot == 2 && digits(std::string_view(*capability).substr(dot + 1));
  if (!valid) {
    entry.fail("compute_capability", fmt::format("'{}' is not a major.minor pair like 9.0", *capability));
  }
  return capability;
}

Interconnect parse_interconnect(const util::JsonObject& entry)
{
  Interconnect interconnect;
  const auto object = entry.optional_object("interconnect");
  if (!object) {
    return interconnect;
  }
  object->reject_unknown_keys({"kind", "bandwidth_bytes_s"});
  interconnect.kind = object->string("kind");
  if (!contains(interconnect_kinds(), interconnect.kind)) {
    object->fail("kind", fmt::format("'{}' is not a known interconnect ({})", interconnect.kind,
                                     util::join(interconnect_kinds(), ", ")));
  }
  interconnect.bandwidth_bytes_s = positive_number(*object, "bandwidth_bytes_s", k_max_link_bytes_s, "bytes/s");
  return interconnect;
}

/// `network`: {kind, bandwidth_bytes_s, source}, all three required, so that no figure goes without its source.
std::optional<HostNetwork> parse_host_network(const util::JsonObject& entry)
{
  const auto object = entry.optional_object("network");
  if (!object) {
    return std::nullopt;
  }
  object->reject_unknown_keys({"kind", "bandwidth_bytes_s", "source"});
  HostNetwork network;
  network.kind = object->string("kind");
  if (!contains(host_network_kinds(), network.kind)) {
    object->fail("kind", fmt::format("'{}' is not a known host network ({})", network.kind,
                                     util::join(host_network_kinds(), ", ")));
  }
  const auto bandwidth = positive_number(*object, "bandwidth_bytes_s", k_max_link_bytes_s, "bytes/s");
  if (!bandwidth) {
    object->fail("bandwidth_bytes_s", "missing");
  }
  network.bandwidth_bytes_s = *bandwidth;
  network.source = object->string("source");
  return network;
}

CpuSpec parse_cpu(const util::JsonObject& object)
{
  object.reject_unknown_keys({"cores", "threads", "memory_channels", "memory_transfer_rate_mts",
                              "memory_bus_width_bits", "base_clock_ghz", "boost_clock_ghz", "isa"});
  CpuSpec cpu;
  cpu.cores = static_cast<std::uint32_t>(object.count("cores", 1 << 16));
  if (cpu.cores == 0) {
    object.fail("cores", "must be at least 1");
  }
  cpu.threads = static_cast<std::uint32_t>(object.optional_count("threads", 1 << 17).value_or(cpu.cores));
  if (cpu.threads < cpu.cores) {
    object.fail("threads", fmt::format("{} threads is fewer than the {} cores", cpu.threads, cpu.cores));
  }
  cpu.memory_channels = static_cast<std::uint32_t>(object.count("memory_channels", 64));
  if (cpu.memory_channels == 0) {
    object.fail("memory_channels", "must be at least 1");
  }
  if (auto mts = object.optional_count("memory_transfer_rate_mts", 100000)) {
    if (*mts < 100) {
      object.fail("memory_transfer_rate_mts", fmt::format("{} MT/s is below any DRAM", *mts));
    }
    cpu.memory_transfer_rate_mts = static_cast<std::uint32_t>(*mts);
  }
  if (auto bits = object.optional_count("memory_bus_width_bits", 1 << 16)) {
    if (*bits < 8 || *bits % 8 != 0) {
      object.fail("memory_bus_width_bits", fmt::format("{} is not a whole number of bytes wide", *bits));
    }
    cpu.memory_bus_width_bits = static_cast<std::uint32_t>(*bits);
  }
  cpu.base_clock_ghz = positive_number(object, "base_clock_ghz", k_max_clock_ghz, "GHz");
  cpu.boost_clock_ghz = positive_number(object, "boost_clock_ghz", k_max_clock_ghz, "GHz");
  cpu.isa = object.strings("isa");
  return cpu;
}

/// "2026-06-17": the day a price was read, so readers can judge its age.
bool iso_date(std::string_view text)
{
  return text.size() == 10 && text[4] == '-' && text[7] == '-' && digits(text.substr(0, 4)) &&
         digits(text.substr(5, 2)) && digits(text.substr(8, 2)) && text.substr(5, 2) >= "01" &&
         text.substr(5, 2) <= "12" && text.substr(8, 2) >= "01" && text.substr(8, 2) <= "31";
}

} // namespace

void check_id(const util::JsonObject& entry, const std::string& id)
{
  const auto id_char = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '.' || c == '_' || c == '+' || c == '-';
  };
  const bool valid = !id.empty() && std::isalnum(static_cast<unsigned char>(id.front())) &&
                     std::all_of(id.begin(), id.end(), id_char);
  if (!valid) {
    entry.fail("id", fmt::format("'{}' is not a valid id (lower-case letters, digits, '.', '_', '+', '-')", id));
  }
}

HardwareSpec parse_hardware(const util::JsonObject& entry)
{
  entry.reject_unknown_keys({"id", "name", "vendor", "kind", "aliases", "pci_ids", "architecture",
                             "compute_capability", "memory_bytes", "memory_bandwidth_bytes_s", "peak_tflops",
                             "precisions", "interconnect", "pcie_bandwidth_bytes_s", "tdp_watts", "unified_memory",
                             "cpu", "source", "notes"});
  HardwareSpec spec;
  spec.id = entry.string("id");
  check_id(entry, spec.id);
  spec.name = entry.string("name");
  spec.vendor = entry.string("vendor");
  const std::string kind = entry.string("kind");
  const auto parsed_kind = device_kind_from_string(kind);
  if (!parsed_kind) {
    entry.fail("kind", fmt::format("'{}' is not one of cpu, gpu, tpu, accelerator", kind));
  }
  spec.kind = *parsed_kind;
  spec.aliases = entry.strings("aliases");
  spec.pci_ids = parse_pci_ids(entry);
  spec.architecture = entry.optional_string("architecture").value_or("");
  spec.compute_capability = parse_compute_capability(entry);
  spec.memory_bytes = entry.count("memory_bytes", k_max_memory_bytes);
  if (spec.memory_bytes == 0) {
    entry.fail("memory_bytes", "must be positive");
  }
  spec.memory_bandwidth_bytes_s = entry.number("memory_bandwidth_bytes_s");
  if (spec.memory_bandwidth_bytes_s <= 0 || spec.memory_bandwidth_bytes_s > k_max_bandwidth_bytes_s) {
    entry.fail("memory_bandwidth_bytes_s", "must be positive and below 100 TB/s");
  }
  spec.peak_tflops = parse_peak(entry);
  spec.precisions = parse_precisions(entry);
  spec.interconnect = parse_interconnect(entry);
  spec.pcie_bandwidth_bytes_s = positive_number(entry, "pcie_bandwidth_bytes_s", k_max_link_bytes_s, "bytes/s");
  spec.tdp_watts = positive_number(entry, "tdp_watts", k_max_tdp_watts, "W");
  spec.unified_memory = entry.boolean("unified_memory", false);
  if (auto cpu = entry.optional_object("cpu")) {
    spec.cpu = parse_cpu(*cpu);
  }
  if (spec.kind == DeviceKind::cpu && !spec.cpu) {
    entry.fail("cpu", "missing (a CPU entry needs cores and memory_channels)");
  }
  spec.source = entry.string("source");
  return spec;
}

SystemSpec parse_system(const util::JsonObject& entry)
{
  entry.reject_unknown_keys({"id", "name", "kind", "aliases", "device", "count", "host_cpu", "nodes", "network",
                             "provider", "price_usd_per_hour", "price_date", "price_region", "price_source", "source", "notes"});
  SystemSpec spec;
  spec.id = entry.string("id");
  check_id(entry, spec.id);
  spec.name = entry.string("name");
  spec.kind = entry.string("kind");
  if (spec.kind != "slice" && spec.kind != "instance" && spec.kind != "system") {
    entry.fail("kind", fmt::format("'{}' is not one of slice, instance, system", spec.kind));
  }
  spec.aliases = entry.strings("aliases");
  spec.device = entry.string("device");
  spec.count = static_cast<std::uint32_t>(entry.count("count", 100000));
  if (spec.count == 0) {
    entry.fail("count", "must be at least 1");
  }
  spec.host_cpu = entry.optional_string("host_cpu");
  if (auto nodes = entry.optional_count("nodes", 10000)) {
    if (*nodes == 0 || *nodes > spec.count) {
      entry.fail("nodes", fmt::format("{} hosts for {} devices: need 1 to {}", *nodes, spec.count, spec.count));
    }
    spec.nodes = static_cast<std::uint32_t>(*nodes);
  }
  spec.network = parse_host_network(entry);
  spec.provider = entry.optional_string("provider");
  spec.price_usd_per_hour = entry.optional_number("price_usd_per_hour");
  if (spec.price_usd_per_hour && *spec.price_usd_per_hour < 0) {
    entry.fail("price_usd_per_hour", "must not be negative");
  }
  // The dearest cloud GPUs list near $15 an hour each; $1,000 per device is
  // far beyond any real price, and keeps a typo (or 1e308) from printing a
  // 309-digit dollar figure.
  if (spec.price_usd_per_hour && *spec.price_usd_per_hour > k_max_price_usd_per_device_hour * spec.count) {
    entry.fail("price_usd_per_hour",
               fmt::format("{} dollars an hour for {} device(s) is more than ${:.0f} per device", *spec.price_usd_per_hour,
                           spec.count, k_max_price_usd_per_device_hour));
  }
  spec.price_date = entry.optional_string("price_date");
  if (spec.price_usd_per_hour && !spec.price_date) {
    entry.fail("price_date", "missing (a price needs the date it was read)");
  }
  if (spec.price_date && !iso_date(*spec.price_date)) {
    entry.fail("price_date", fmt::format("'{}' is not a date like 2026-06-17", *spec.price_date));
  }
  // Region and source describe a price; without one they would describe nothing.
  spec.price_region = entry.optional_string("price_region");
  spec.price_source = entry.optional_string("price_source");
  for (const char* key : {"price_region", "price_source"}) {
    if (entry.has(key) && !spec.price_usd_per_hour) {
      entry.fail(key, "given without price_usd_per_hour");
    }
  }
  spec.source = entry.string("source");
  return spec;
}

} // namespace llmhw::catalog::detail
