#include "parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace llmhw::catalog::detail {
namespace {

constexpr std::uint64_t k_max_memory_bytes = 1ULL << 50;   // 1 PiB: beyond any single device
constexpr double k_max_bandwidth_bytes_s = 1e14;           // 100 TB/s
constexpr double k_max_tflops = 1e5;

PeakTflops parse_peak(const util::JsonObject& entry)
{
  PeakTflops peak;
  const auto object = entry.optional_object("peak_tflops");
  if (!object) {
    return peak;
  }
  object->reject_unknown_keys({"fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"});
  const auto read = [&](const char* key) {
    auto value = object->optional_number(key);
    if (value && (*value <= 0 || *value > k_max_tflops)) {
      object->fail(key, fmt::format("{} TFLOPS is outside (0, {}]", *value, k_max_tflops));
    }
    return value;
  };
  peak.fp32 = read("fp32");
  peak.tf32 = read("tf32");
  peak.bf16 = read("bf16");
  peak.fp16 = read("fp16");
  peak.fp8 = read("fp8");
  peak.int8 = read("int8");
  peak.int4 = read("int4");
  peak.fp4 = read("fp4");
  return peak;
}

CpuSpec parse_cpu(const util::JsonObject& object)
{
  object.reject_unknown_keys({"cores", "threads", "memory_channels", "memory_transfer_rate_mts", "base_clock_ghz",
                              "boost_clock_ghz", "isa"});
  CpuSpec cpu;
  cpu.cores = static_cast<std::uint32_t>(object.count("cores", 1 << 16));
  cpu.threads = static_cast<std::uint32_t>(object.optional_count("threads", 1 << 17).value_or(cpu.cores));
  cpu.memory_channels = static_cast<std::uint32_t>(object.count("memory_channels", 64));
  if (auto mts = object.optional_count("memory_transfer_rate_mts", 100000)) {
    cpu.memory_transfer_rate_mts = static_cast<std::uint32_t>(*mts);
  }
  cpu.base_clock_ghz = object.optional_number("base_clock_ghz");
  cpu.boost_clock_ghz = object.optional_number("boost_clock_ghz");
  cpu.isa = object.strings("isa");
  return cpu;
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
  spec.pci_ids = entry.strings("pci_ids");
  const auto lower_hex = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'); };
  for (const std::string& pci_id : spec.pci_ids) {
    const bool valid = pci_id.size() == 9 && pci_id[4] == ':' && std::all_of(pci_id.begin(), pci_id.begin() + 4, lower_hex) &&
                       std::all_of(pci_id.begin() + 5, pci_id.end(), lower_hex);
    if (!valid) {
      entry.fail("pci_ids", fmt::format("'{}' is not a lower-case vendor:device pair like 10de:2330", pci_id));
    }
  }
  spec.architecture = entry.optional_string("architecture").value_or("");
  spec.compute_capability = entry.optional_string("compute_capability");
  spec.memory_bytes = entry.count("memory_bytes", k_max_memory_bytes);
  spec.memory_bandwidth_bytes_s = entry.number("memory_bandwidth_bytes_s");
  if (spec.memory_bandwidth_bytes_s <= 0 || spec.memory_bandwidth_bytes_s > k_max_bandwidth_bytes_s) {
    entry.fail("memory_bandwidth_bytes_s", "must be positive and below 100 TB/s");
  }
  spec.peak_tflops = parse_peak(entry);
  spec.precisions = entry.strings("precisions");
  if (auto interconnect = entry.optional_object("interconnect")) {
    interconnect->reject_unknown_keys({"kind", "bandwidth_bytes_s"});
    spec.interconnect.kind = interconnect->string("kind");
    spec.interconnect.bandwidth_bytes_s = interconnect->optional_number("bandwidth_bytes_s");
  }
  spec.pcie_bandwidth_bytes_s = entry.optional_number("pcie_bandwidth_bytes_s");
  spec.tdp_watts = entry.optional_number("tdp_watts");
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
  entry.reject_unknown_keys({"id", "name", "kind", "aliases", "device", "count", "host_cpu", "nodes", "provider",
                             "price_usd_per_hour", "price_date", "source", "notes"});
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
    spec.nodes = static_cast<std::uint32_t>(*nodes);
  }
  spec.provider = entry.optional_string("provider");
  spec.price_usd_per_hour = entry.optional_number("price_usd_per_hour");
  if (spec.price_usd_per_hour && *spec.price_usd_per_hour < 0) {
    entry.fail("price_usd_per_hour", "must not be negative");
  }
  spec.price_date = entry.optional_string("price_date");
  if (spec.price_usd_per_hour && !spec.price_date) {
    entry.fail("price_date", "missing (a price needs the date it was read)");
  }
  spec.source = entry.string("source");
  return spec;
}

} // namespace llmhw::catalog::detail
