// `llm-hw models` and `llm-hw targets` as text, markdown or JSON.
#include "llmhw/report/report.hpp"

#include "json_util.hpp"
#include "style.hpp"
#include "table.hpp"

#include "llmhw/util/text.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

namespace llmhw::report {
namespace {

std::string format_params(std::uint64_t params)
{
  if (params >= 1'000'000'000) {
    return fmt::format("{:.1f}B", static_cast<double>(params) / 1e9);
  }
  return fmt::format("{:.0f}M", static_cast<double>(params) / 1e6);
}

std::string format_tflops(const std::optional<double>& tflops)
{
  return tflops ? fmt::format("{:.0f}", *tflops) : "–";
}

std::string render(const detail::Table& table, Format format, const Style& style)
{
  if (format == Format::markdown) {
    return table.markdown();
  }
  const detail::Palette colors = detail::palette(style);
  return table.text(style.width, colors.bold, colors.reset);
}

} // namespace

std::string models(const catalog::Catalog& catalog, Format format, const Style& style)
{
  if (format == Format::json) {
    return dump(models_json(catalog));
  }
  detail::Table table({{"ID"}, {"NAME", false, true}, {"FAMILY"}, {"PARAMS", true}, {"ACTIVE", true},
                       {"ALSO KNOWN AS", false, true}});
  for (const catalog::ModelEntry& entry : catalog.models) {
    std::vector<std::string> names;
    if (entry.hf_repo) names.push_back(*entry.hf_repo);
    if (entry.ollama) names.push_back(*entry.ollama);
    names.insert(names.end(), entry.aliases.begin(), entry.aliases.end());
    table.add_row({entry.id, entry.name, entry.family, format_params(entry.params),
                   format_params(entry.active_params), util::join(names, ", ")});
  }
  return render(table, format, style);
}

std::string targets(const catalog::Catalog& catalog, Format format, const Style& style)
{
  if (format == Format::json) {
    return dump(targets_json(catalog));
  }
  detail::Table table({{"ID"}, {"KIND"}, {"NAME", false, true}, {"MEMORY", true}, {"BANDWIDTH", true},
                       {"BF16 TFLOPS", true}, {"$/HOUR", true}});
  for (const catalog::HardwareSpec& spec : catalog.hardware) {
    table.add_row({spec.id, catalog::to_string(spec.kind), spec.name, units::format_bytes(spec.memory_bytes),
                   units::format_bandwidth(spec.memory_bandwidth_bytes_s), format_tflops(spec.peak_tflops.bf16), ""});
  }
  for (const catalog::SystemSpec& system : catalog.systems) {
    const catalog::HardwareSpec* device = catalog.find_hardware(system.device);
    const std::string memory = device ? units::format_bytes(device->memory_bytes * system.count) : "?";
    const std::string bandwidth = device ? units::format_bandwidth(device->memory_bandwidth_bytes_s) : "?";
    const std::string tflops = device ? format_tflops(device->peak_tflops.bf16) : "?";
    table.add_row({system.id, system.kind, fmt::format("{} ({}× {})", system.name, system.count, system.device),
                   memory, bandwidth, tflops,
                   system.price_usd_per_hour ? fmt::format("{:.2f}", *system.price_usd_per_hour) : ""});
  }
  return render(table, format, style);
}

} // namespace llmhw::report
