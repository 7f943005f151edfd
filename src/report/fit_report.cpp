// `llm-hw models --fit` (which models run here) and `llm-hw models --local` (which models are here).
#include "llmhw/report/fit_report.hpp"

#include "advice_parts.hpp"
#include "json_util.hpp"
#include "layout.hpp"
#include "style.hpp"
#include "table.hpp"

#include "llmhw/util/text.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmhw::report {
namespace {

using json = nlohmann::json;
using advice::FitRow;
using advice::FitVerdict;

json speed_or_null(double value)
{
  return std::isfinite(value) && value > 0 ? json(value) : json(nullptr);
}

std::string speed_cell(double value, bool time)
{
  if (!std::isfinite(value) || value <= 0) {
    return "?";
  }
  return time ? units::format_duration_ms(value) : units::format_figure(value);
}

/// What --model takes for the row's model: the catalog id, else the local store's name, else the file's.
std::string model_handle(const model::ModelSpec& model)
{
  if (model.local_source) {
    return model.name; // load_local names it as --model takes it
  }
  if (model.catalog_id) {
    return *model.catalog_id;
  }
  if (model.ollama_tag) {
    return *model.ollama_tag;
  }
  if (model.hf_repo) {
    return *model.hf_repo;
  }
  return model.name;
}

/// "catalog", or the local store's id ("hf-cache", "ollama", "lm-studio"), or the loader's ("gguf").
std::string source_id(const model::ModelSpec& model)
{
  if (model.local_source) {
    for (model::Store store : {model::Store::hf_cache, model::Store::ollama, model::Store::lm_studio}) {
      if (model.local_source->rfind("local: " + model::store_title(store) + ",", 0) == 0) {
        return model::to_string(store);
      }
    }
  }
  return model::to_string(model.source);
}

json row_json(const FitRow& row)
{
  const model::ModelSpec& model = row.model;
  json entry = {{"name", model.name},
                {"model", model_handle(model)},
                {"id", optional_json(model.catalog_id)},
                {"source", source_id(model)},
                {"local_source", optional_json(model.local_source)},
                {"family", model.arch.family},
                {"params", model.params},
                {"active_params", model.active_params},
                {"verdict", advice::to_string(row.verdict)},
                {"missed", row.missed},
                {"reason", row.reason},
                {"best", nullptr}};
  if (!row.best) {
    return entry;
  }
  const rules::Assessment& assessment = row.best->assessment;
  const estimate::Estimate& estimate = assessment.estimate;
  const estimate::Candidate& candidate = estimate.candidate;
  entry["best"] = {
      {"device", candidate.device},
      {"name", candidate.name},
      {"host", candidate.host.empty() ? json(nullptr) : json(candidate.host)},
      {"count", candidate.count},
      {"framework", candidate.engine},
      {"quant", candidate.quant},
      {"kv_quant", candidate.kv_quant},
      {"score", assessment.score},
      {"verdict", rules::to_string(assessment.verdict)},
      {"performance",
       {{"ttft_ms", speed_or_null(estimate.performance.ttft_ms)},
        {"tpot_ms", speed_or_null(estimate.performance.tpot_ms)},
        {"decode_tok_s_per_user", speed_or_null(estimate.performance.decode_tok_s_per_user)},
        {"throughput_tok_s", speed_or_null(estimate.performance.throughput_tok_s)}}},
      {"memory",
       {{"needed_bytes", advice::needed_bytes(estimate.memory)},
        {"usable_bytes", estimate.memory.usable_bytes},
        {"weights_bytes", estimate.memory.weights_bytes},
        {"fits", estimate.memory.fits}}},
      {"cost",
       {{"usd_per_hour", optional_json(row.best->cost.usd_per_hour)},
        {"usd_per_million_output_tokens", optional_json(row.best->cost.usd_per_million_output_tokens)}}},
      {"command", row.best->command},
  };
  return entry;
}

std::size_t count_of(const advice::Fit& fit, FitVerdict verdict)
{
  return static_cast<std::size_t>(
      std::count_if(fit.rows.begin(), fit.rows.end(), [&](const FitRow& row) { return row.verdict == verdict; }));
}

/// "this machine's 1× Intel Xeon …", or how many targets when there are more than a line's worth.
std::string hardware_phrase(const advice::Fit& fit)
{
  constexpr std::size_t k_named = 3;
  if (fit.hardware.size() > k_named) {
    return fmt::format("{} device pools", fit.hardware.size());
  }
  return util::join(fit.hardware, ", ");
}

std::string counts_line(const advice::Fit& fit)
{
  return fmt::format("{} of {} models meet every requirement · {} run but miss one · {} do not run",
                     count_of(fit, FitVerdict::meets), fit.rows.size(), count_of(fit, FitVerdict::misses),
                     count_of(fit, FitVerdict::does_not_fit));
}

std::string name_cell(const FitRow& row)
{
  return model_handle(row.model) + (row.model.local_source ? "*" : "");
}

std::string device_cell(const estimate::Candidate& candidate)
{
  return (candidate.host.empty() ? "" : candidate.host + ": ") + detail::candidate_label(candidate);
}

/// Whether the rows' best candidates use more than one kind of device (a DEVICE column says which); on one
/// machine with one device the heading names it once.
bool devices_differ(const advice::Fit& fit)
{
  std::string first;
  for (const FitRow& row : fit.rows) {
    if (row.best && row.verdict != FitVerdict::does_not_fit) {
      const std::string device = device_cell(row.best->assessment.estimate.candidate);
      if (!first.empty() && device != first) {
        return true;
      }
      first = device;
    }
  }
  return false;
}

/// Model names are what --model takes, so the column keeps its width while they are catalog-id short (the other
/// columns give way); a long local name (org/repo/file.gguf) lets it narrow, the name continuing on the next line.
detail::Column model_column(const advice::Fit& fit)
{
  constexpr std::size_t k_short_name = 24;
  const bool long_name = std::any_of(fit.rows.begin(), fit.rows.end(), [](const FitRow& row) {
    return detail::display_width(name_cell(row)) > k_short_name;
  });
  return {"MODEL", false, long_name, long_name};
}

/// One table per verdict; each shows what matters for it.
detail::Table verdict_table(const advice::Fit& fit, FitVerdict verdict)
{
  if (verdict == FitVerdict::does_not_fit) {
    detail::Table table({model_column(fit), {"PARAMS", true}, {"WHY NOT", false, true, true}});
    for (const FitRow& row : fit.rows) {
      if (row.verdict == verdict) {
        table.add_row({name_cell(row), detail::format_params(row.model.params), row.reason});
      }
    }
    return table;
  }
  const bool misses = verdict == FitVerdict::misses;
  const bool device_column = devices_differ(fit);
  std::vector<detail::Column> columns = {model_column(fit), {"PARAMS", true}, {"QUANT"}, {"ENGINE"}};
  if (device_column) {
    columns.push_back({"DEVICE", false, true, true});
  }
  columns.insert(columns.end(), {{"TTFT", true}, {"TOK/S", true}});
  columns.push_back(misses ? detail::Column{"MISSES", false, true, true} : detail::Column{"MEMORY", true});
  detail::Table table(std::move(columns));
  for (const FitRow& row : fit.rows) {
    if (row.verdict != verdict || !row.best) {
      continue;
    }
    const estimate::Estimate& estimate = row.best->assessment.estimate;
    std::vector<std::string> cells = {name_cell(row), detail::format_params(row.model.params),
                                      estimate.candidate.quant, estimate.candidate.engine};
    if (device_column) {
      cells.push_back(device_cell(estimate.candidate));
    }
    cells.push_back(speed_cell(estimate.performance.ttft_ms, true));
    cells.push_back(speed_cell(estimate.performance.decode_tok_s_per_user, false));
    cells.push_back(misses ? row.reason : units::format_bytes(advice::needed_bytes(estimate.memory)));
    table.add_row(std::move(cells));
  }
  return table;
}

const char* verdict_title(FitVerdict verdict)
{
  switch (verdict) {
  case FitVerdict::meets: return "Meets every requirement";
  case FitVerdict::misses: return "Runs, but misses a requirement";
  case FitVerdict::does_not_fit: return "Does not run here";
  }
  return "";
}

std::string caption(const advice::Fit& fit)
{
  const auto any = [&](auto predicate) { return std::any_of(fit.rows.begin(), fit.rows.end(), predicate); };
  std::vector<std::string> parts = {"Best quant, engine and devices per model, as advise ranks them",
                                    "TTFT and TOK/S per user"};
  if (any([](const FitRow& row) { return row.verdict == FitVerdict::meets; })) {
    parts.emplace_back("MEMORY the plan needs");
  }
  if (any([](const FitRow& row) { return row.verdict == FitVerdict::misses; })) {
    parts.emplace_back("MISSES ×: how far off each requirement is");
  }
  if (any([](const FitRow& row) { return row.model.local_source.has_value(); })) {
    parts.emplace_back("* a copy in a local store (llm-hw models --local)");
  }
  return util::join(parts, " · ");
}

std::string wrapped(const std::string& text, const Style& style)
{
  std::string out;
  for (const std::string& line : detail::wrap(text, static_cast<std::size_t>(std::max(style.width, 40)))) {
    out += line + "\n";
  }
  return out;
}

/// -v: how to run each model of a verdict, the engine command whole (it is copied, not read).
std::string commands(const advice::Fit& fit, FitVerdict verdict, const detail::Palette& colors)
{
  std::string out = "\n";
  for (const FitRow& row : fit.rows) {
    if (row.verdict == verdict && row.best && !row.best->command.empty()) {
      out += colors.bold + model_handle(row.model) + colors.reset + "\n  " + row.best->command + "\n";
    }
  }
  return out;
}

std::string fit_text(const advice::Fit& fit, const Style& style)
{
  const detail::Palette colors = detail::palette(style);
  std::string out = colors.bold;
  out += wrapped(fmt::format("Models on {}", hardware_phrase(fit)), style);
  out += colors.reset;
  out += wrapped(detail::workload_line(fit.workload), style);
  if (const std::string levels = detail::service_levels_line(fit.workload.slo); !levels.empty()) {
    out += wrapped(levels, style);
  }
  out += wrapped(counts_line(fit), style);
  const std::string titles[] = {colors.green, colors.yellow, colors.red};
  for (FitVerdict verdict : {FitVerdict::meets, FitVerdict::misses, FitVerdict::does_not_fit}) {
    const detail::Table table = verdict_table(fit, verdict);
    if (table.empty()) {
      continue;
    }
    out += "\n" + titles[static_cast<int>(verdict)] + colors.bold + verdict_title(verdict) + colors.reset + "\n";
    out += table.text(style.width, colors.bold, colors.reset);
    if (style.verbose && verdict != FitVerdict::does_not_fit) {
      out += commands(fit, verdict, colors);
    }
  }
  out += '\n'; // appended apart: `"\n" + temporary` trips GCC 12's false -Wrestrict at -O2
  out += wrapped(caption(fit), style);
  for (const std::string& warning : fit.warnings) {
    out += wrapped("warning: " + warning, style);
  }
  return out;
}

std::string fit_markdown(const advice::Fit& fit)
{
  std::string out = fmt::format("### llm-hw: models on {}\n\n{}  \n", detail::markdown_text(hardware_phrase(fit)),
                                detail::markdown_text(detail::workload_line(fit.workload)));
  if (const std::string levels = detail::service_levels_line(fit.workload.slo); !levels.empty()) {
    out += detail::markdown_text(levels) + "  \n";
  }
  out += detail::markdown_text(counts_line(fit)) + "\n";
  for (FitVerdict verdict : {FitVerdict::meets, FitVerdict::misses, FitVerdict::does_not_fit}) {
    const detail::Table table = verdict_table(fit, verdict);
    if (!table.empty()) {
      out += fmt::format("\n#### {}\n\n{}", verdict_title(verdict), table.markdown());
    }
  }
  out += '\n'; // appended apart, as above
  out += detail::markdown_text(caption(fit)) + "\n";
  for (const std::string& warning : fit.warnings) {
    out += "\n> warning: " + detail::markdown_text(warning) + "\n";
  }
  return out;
}

std::string size_cell(const model::LocalModel& local)
{
  return local.format == "config" ? "–" : units::format_bytes(local.size_bytes);
}

} // namespace

json fit_json(const advice::Fit& fit)
{
  json models = json::array();
  for (const FitRow& row : fit.rows) {
    models.push_back(row_json(row));
  }
  const workload::Workload& workload = fit.workload;
  return {
      {"schema", "llm-hw/fit/v1"},
      {"hardware", fit.hardware},
      {"workload", workload_json(workload)},
      {"counts",
       {{"meets", count_of(fit, FitVerdict::meets)},
        {"misses", count_of(fit, FitVerdict::misses)},
        {"does_not_fit", count_of(fit, FitVerdict::does_not_fit)}}},
      {"models", models},
      {"warnings", fit.warnings},
  };
}

std::string fit(const advice::Fit& fit, Format format, const Style& style)
{
  switch (format) {
  case Format::json: return dump(fit_json(fit));
  case Format::markdown: return fit_markdown(fit);
  case Format::text: break;
  }
  return fit_text(fit, style);
}

json local_models_json(const model::LocalScan& scan, const model::StoreRoots& roots)
{
  json models = json::array();
  for (const model::LocalModel& local : scan.models) {
    models.push_back({{"store", model::to_string(local.store)},
                      {"name", local.name},
                      {"file", local.file.empty() ? json(nullptr) : json(local.file)},
                      {"path", local.path},
                      {"format", local.format},
                      {"revision", local.revision.empty() ? json(nullptr) : json(local.revision)},
                      {"size_bytes", local.size_bytes}});
  }
  const auto root_or_null = [](const std::string& root) { return root.empty() ? json(nullptr) : json(root); };
  return {{"schema", "llm-hw/local-models/v1"},
          {"stores",
           {{"hf-cache", root_or_null(roots.hf_hub)},
            {"ollama", root_or_null(roots.ollama)},
            {"lm-studio", roots.lm_studio}}},
          {"models", models},
          {"warnings", scan.warnings}};
}

std::string local_models(const model::LocalScan& scan, const model::StoreRoots& roots, Format format,
                         const Style& style)
{
  if (format == Format::json) {
    return dump(local_models_json(scan, roots));
  }
  detail::Table table({{"STORE"}, {"NAME", false, true}, {"FORMAT"}, {"SIZE", true}});
  for (const model::LocalModel& local : scan.models) {
    table.add_row({model::store_title(local.store), local.file.empty() ? local.name : local.name + "/" + local.file,
                   local.format, size_cell(local)});
  }
  std::vector<std::string> looked_in;
  if (!roots.hf_hub.empty())
    looked_in.push_back("HF cache " + roots.hf_hub);
  if (!roots.ollama.empty())
    looked_in.push_back("Ollama " + roots.ollama);
  for (const std::string& folder : roots.lm_studio)
    looked_in.push_back("LM Studio " + folder);
  const std::string where = "Looked in: " + util::join(looked_in, " · ");
  const std::string usage = "--model NAME uses a local copy; -v or --json gives each one's path";
  std::string out;
  if (format == Format::markdown) {
    out = scan.models.empty() ? "No models found in the local stores.\n" : table.markdown();
    out += '\n'; // appended apart, as in fit_text()
    out += detail::markdown_text(where) + "  \n" + detail::markdown_text(usage) + "\n";
  } else {
    const detail::Palette colors = detail::palette(style);
    out = scan.models.empty() ? "No models found in the local stores.\n"
                              : table.text(style.width, colors.bold, colors.reset);
    if (style.verbose) {
      for (const model::LocalModel& local : scan.models) {
        out += wrapped(fmt::format("{}: {}", local.file.empty() ? local.name : local.name + "/" + local.file,
                                   local.path),
                       style);
      }
    }
    out += '\n';
    out += wrapped(where, style) + wrapped(usage, style);
  }
  for (const std::string& warning : scan.warnings) {
    out += wrapped("warning: " + warning, style);
  }
  return out;
}

} // namespace llmhw::report
