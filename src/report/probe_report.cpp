// `llm-hw probe` as text, markdown or JSON.
#include "llmhw/report/report.hpp"

#include "json_util.hpp"
#include "printable.hpp"
#include "style.hpp"
#include "table.hpp"

#include "llmhw/util/text.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::report {
namespace {

detail::Table device_table(const probe::Inventory& inventory)
{
  detail::Table table({{"ID"},
                       {"KIND"},
                       {"MODEL", false, true, true},
                       {"MEMORY", true},
                       {"BANDWIDTH", true},
                       {"BF16 TFLOPS", true},
                       {"SOURCE", false, true, true}});
  for (const probe::Device& device : inventory.devices) {
    const std::string bandwidth =
        device.memory_bandwidth_bytes_s ? units::format_bandwidth(*device.memory_bandwidth_bytes_s) : "?";
    // CPUs have fractions of a TFLOPS; accelerators hundreds.
    const std::string tflops = !device.peak_tflops.bf16        ? "?"
                               : *device.peak_tflops.bf16 < 10 ? fmt::format("{:.2f}", *device.peak_tflops.bf16)
                                                               : fmt::format("{:.0f}", *device.peak_tflops.bf16);
    table.add_row({device.id, catalog::to_string(device.kind), device.model.empty() ? "?" : device.model,
                   units::format_bytes(device.memory_bytes), bandwidth, tflops, util::join(device.sources, " + ")});
  }
  return table;
}

/// "8× infiniband 400 Gb/s, 1× ethernet 25 Gb/s": the NICs by kind and rate, in the order found.
std::string network_summary(const std::vector<probe::NetworkInterface>& network)
{
  std::vector<std::pair<std::string, std::size_t>> groups;
  for (const probe::NetworkInterface& nic : network) {
    const std::string key = fmt::format("{} {:g} Gb/s", nic.kind, nic.rate_gbps);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& group) { return group.first == key; });
    if (it == groups.end()) {
      groups.emplace_back(key, 1);
    } else {
      ++it->second;
    }
  }
  std::vector<std::string> parts;
  for (const auto& [key, count] : groups) {
    parts.push_back(fmt::format("{}× {}", count, key));
  }
  return util::join(parts, ", ");
}

std::string host_line(const probe::Inventory& inventory)
{
  const probe::Host& host = inventory.host;
  std::string line = fmt::format("{} · {} · kernel {}", host.hostname.empty() ? "?" : host.hostname,
                                 host.os.empty() ? "?" : host.os, host.kernel.empty() ? "?" : host.kernel);
  if (host.virtualized) {
    line += fmt::format(" · virtual machine{}", host.hypervisor ? " (" + *host.hypervisor + ")" : "");
  }
  line += fmt::format("\nmemory {} total, {} available", units::format_bytes(inventory.memory.total_bytes),
                      units::format_bytes(inventory.memory.available_bytes));
  if (inventory.memory.cgroup_limit_bytes) {
    line += fmt::format(", cgroup limit {}", units::format_bytes(*inventory.memory.cgroup_limit_bytes));
  }
  if (!host.network.empty()) {
    line += "\nnetwork " + network_summary(host.network);
  }
  return line + "\n";
}

std::string field_sources(const probe::Inventory& inventory)
{
  std::string out;
  for (const probe::Device& device : inventory.devices) {
    for (const auto& [field, source] : device.field_sources) {
      out += fmt::format("  {}.{}: {}\n", device.id, field, source);
    }
  }
  return out;
}

std::string probe_document(const probe::Inventory& inventory, Format format, const Style& style)
{
  const detail::Table table = device_table(inventory);
  if (format == Format::markdown) {
    std::string out = "### llm-hw probe\n\n" + table.markdown();
    for (const std::string& warning : inventory.warnings) {
      out += fmt::format("\n> warning: {}\n", detail::markdown_cell(warning));
    }
    return out;
  }
  const detail::Palette colors = detail::palette(style);
  // Lines wrap at the width between words, continuing two columns in.
  const std::size_t width = static_cast<std::size_t>(std::max(style.width, 40));
  const auto wrapped = [&](const std::string& first_prefix, const std::string& text) {
    std::string lines;
    const std::size_t prefix = util::display_width(first_prefix);
    for (const std::string& line : util::wrap(text, width - std::max<std::size_t>(prefix, 2))) {
      lines += (lines.empty() ? first_prefix : "  ") + line + "\n";
    }
    return lines;
  };
  std::string out;
  for (const std::string& line : util::split(host_line(inventory), '\n')) {
    out += line.empty() ? "" : wrapped("", line);
  }
  out += '\n'; // appended apart: `"\n" + temporary` trips GCC 12's false -Wrestrict at -O2
  out += table.text(style.width, colors.bold, colors.reset);
  if (style.verbose) {
    out += "\nsources:\n" + field_sources(inventory);
  }
  for (const std::string& warning : inventory.warnings) {
    out += wrapped(colors.yellow + "warning:" + colors.reset + " ", warning);
  }
  return out;
}

} // namespace

// Text and markdown show the display copy (detail::printable); JSON the original strings.
std::string probe(const probe::Inventory& inventory, Format format, const Style& style)
{
  if (format == Format::json) {
    return dump(probe_json(inventory));
  }
  return detail::terminal_safe(probe_document(detail::printable(inventory), format, style), format, style);
}

} // namespace llmhw::report
