// `llm-hw models` and `llm-hw targets` as text, markdown or JSON.
#include "llmhw/report/report.hpp"

#include "json_util.hpp"
#include "layout.hpp"
#include "printable.hpp"
#include "style.hpp"
#include "table.hpp"

#include "llmhw/util/text.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::report {
namespace {

std::string format_tflops(const std::optional<double>& tflops)
{
  return tflops ? fmt::format("{:.0f}", *tflops) : "–";
}

std::string render(const detail::Table& table, Format format, const Style& style)
{
  if (format == Format::markdown) {
    return detail::terminal_safe(table.markdown(), format, style);
  }
  const detail::Palette colors = detail::palette(style);
  return detail::terminal_safe(table.text(style.width, colors.bold, colors.reset), format, style);
}

/// "GPUs", "Cloud instances": a section heading for a kind of target.
std::string kind_title(const std::string& kind)
{
  if (kind == "cpu")
    return "CPUs";
  if (kind == "gpu")
    return "GPUs";
  if (kind == "tpu")
    return "TPUs";
  if (kind == "accelerator")
    return "Accelerators";
  if (kind == "slice")
    return "TPU slices";
  if (kind == "instance")
    return "Cloud instances";
  if (kind == "system")
    return "Systems";
  return kind;
}

std::string wrap_caption(const std::string& text, const Style& style)
{
  std::string out;
  for (const std::string& line : detail::wrap(text, static_cast<std::size_t>(std::max(style.width, 40)))) {
    out += line + "\n";
  }
  return out;
}

} // namespace

std::string models(const catalog::Catalog& catalog, Format format, const Style& style)
{
  if (format == Format::json) {
    return dump(models_json(catalog));
  }
  // Ids (what --model takes) are never cut; names wrap. The family and other names go in columns when the
  // table fits the width with nothing cut, else on a line of their own under the row (an HF repo is one long
  // word).
  const auto table_of = [&](bool wide) {
    std::vector<detail::Column> columns{{"ID"}, {"NAME", false, true, true}};
    if (wide) {
      columns.push_back({"FAMILY"});
    }
    columns.push_back({"PARAMS", true});
    columns.push_back({"ACTIVE", true});
    if (wide) {
      columns.push_back({"ALSO KNOWN AS", false, true, true});
    }
    detail::Table table(std::move(columns));
    for (const catalog::ModelEntry& original : catalog.models) {
      const catalog::ModelEntry entry = detail::printable(original); // as shown; the JSON has the original
      std::vector<std::string> names;
      if (entry.hf_repo)
        names.push_back(*entry.hf_repo);
      if (entry.ollama)
        names.push_back(*entry.ollama);
      names.insert(names.end(), entry.aliases.begin(), entry.aliases.end());
      // The counts advise shows for this model (computed from its architecture), said the same way.
      const detail::ParameterFigures figures = detail::parameter_figures(original, catalog);
      const std::string params = detail::format_params(figures.total);
      const std::string active = detail::format_params(figures.active);
      if (wide) {
        table.add_row({entry.id, entry.name, entry.family, params, active, util::join(names, ", ")});
        continue;
      }
      table.add_row({entry.id, entry.name, params, active});
      table.add_note(entry.family + (names.empty() ? "" : " · also " + util::join(names, ", ")));
    }
    return table;
  };
  const detail::Table wide = table_of(true);
  if (format == Format::markdown || wide.min_width() <= static_cast<std::size_t>(std::max(style.width, 0))) {
    return render(wide, format, style);
  }
  return render(table_of(false), format, style);
}

std::string targets(const catalog::Catalog& catalog, Format format, const Style& style)
{
  if (format == Format::json) {
    return dump(targets_json(catalog));
  }
  // One row per target; memory and bandwidth of all its devices together (as in the JSON), TFLOPS per device.
  struct Row {
    std::string kind;
    std::vector<std::string> cells; ///< ID, NAME, MEMORY, BANDWIDTH, TFLOPS, $/HOUR
  };
  // Rows show display copies (detail::printable); the JSON has the originals.
  std::vector<Row> rows;
  for (const catalog::HardwareSpec& original : catalog.hardware) {
    const catalog::HardwareSpec spec = detail::printable(original);
    rows.push_back(
        {catalog::to_string(spec.kind),
         {spec.id, spec.name, units::format_bytes(spec.memory_bytes),
          units::format_bandwidth(spec.memory_bandwidth_bytes_s), format_tflops(spec.peak_tflops.bf16), ""}});
  }
  for (const catalog::SystemSpec& original : catalog.systems) {
    const catalog::HardwareSpec* device = catalog.find_hardware(original.device);
    const catalog::SystemSpec system = detail::printable(original);
    rows.push_back({system.kind,
                    {system.id, fmt::format("{} ({}× {})", system.name, system.count, system.device),
                     device ? units::format_bytes(device->memory_bytes * system.count) : "?",
                     device ? units::format_bandwidth(device->memory_bandwidth_bytes_s * system.count) : "?",
                     device ? format_tflops(device->peak_tflops.bf16) : "?",
                     system.price_usd_per_hour ? fmt::format("{:.2f}", *system.price_usd_per_hour) : ""}});
  }

  if (format == Format::markdown) {
    // No width to fit: the kind is a column.
    detail::Table table(
        {{"ID"}, {"KIND"}, {"NAME"}, {"MEMORY", true}, {"BANDWIDTH", true}, {"BF16 TFLOPS", true}, {"$/HOUR", true}});
    for (Row& row : rows) {
      row.cells.insert(row.cells.begin() + 1, row.kind);
      table.add_row(std::move(row.cells));
    }
    return render(table, format, style);
  }

  // On a terminal the kind heads a section and ids (what --target takes) are never cut. The name is a column that
  // wraps when the table then fits the width with no word cut, else a line of its own under the row (an Azure
  // name such as "(Standard_ND96isr_H100_v5)" is one long word).
  std::vector<std::string> kinds;
  for (const Row& row : rows) {
    if (std::find(kinds.begin(), kinds.end(), row.kind) == kinds.end()) {
      kinds.push_back(row.kind);
    }
  }
  const auto table_of = [&](bool wide) {
    std::vector<detail::Column> columns{{"ID"}};
    if (wide) {
      columns.push_back({"NAME", false, true, true});
    }
    for (const char* figure : {"MEMORY", "BANDWIDTH", "TFLOPS", "$/HOUR"}) {
      columns.push_back({figure, true});
    }
    detail::Table table(std::move(columns));
    for (const std::string& kind : kinds) {
      table.add_section(kind_title(kind));
      for (const Row& row : rows) {
        if (row.kind != kind) {
          continue;
        }
        if (wide) {
          table.add_row(row.cells);
          continue;
        }
        std::vector<std::string> cells = row.cells;
        const std::string name = cells[1];
        cells.erase(cells.begin() + 1);
        table.add_row(std::move(cells));
        table.add_note(name);
      }
    }
    return table;
  };
  const detail::Table wide = table_of(true);
  const detail::Table table =
      wide.min_width() <= static_cast<std::size_t>(std::max(style.width, 0)) ? wide : table_of(false);
  return render(table, format, style) + "\n" +
         wrap_caption("MEMORY and BANDWIDTH of all a target's devices together · TFLOPS dense BF16 per device · "
                      "$/HOUR on-demand list price (--json gives its date, region and source)",
                      style);
}

} // namespace llmhw::report
