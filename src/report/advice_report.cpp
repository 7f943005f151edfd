// `llm-hw advise` and `llm-hw check` as text for a terminal, laid out top-down
// in the order people ask: what should I run, how do the options compare,
// where does the memory go, and why.
#include "llmhw/report/report.hpp"

#include "advice_parts.hpp"
#include "json_util.hpp"
#include "layout.hpp"
#include "memory_bar.hpp"
#include "printable.hpp"
#include "style.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::report {
namespace {

using detail::Palette;

constexpr std::size_t k_indent = 4;

std::size_t text_width(const Style& style)
{
  return static_cast<std::size_t>(std::max(style.width, 40));
}

/// `text` wrapped to the width, every line after the first indented by `indent`.
std::string wrapped(const std::string& first_prefix, const std::string& text, std::size_t indent, const Style& style)
{
  const std::size_t prefix_width = detail::display_width(first_prefix);
  const std::size_t room = text_width(style) > indent + 20 ? text_width(style) - std::max(indent, prefix_width) : 20;
  std::string out;
  const std::vector<std::string> lines = detail::wrap(text, room);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += (i == 0 ? first_prefix : std::string(indent, ' ')) + lines[i] + "\n";
  }
  return out;
}

std::string header(const advice::Advice& advice, const Palette& colors, const Style& style)
{
  std::string out = wrapped(colors.bold, detail::model_line(advice) + colors.reset, 2, style) +
                    wrapped("", detail::workload_line(advice.workload), 2, style);
  if (const std::string levels = detail::service_levels_line(advice.workload.slo); !levels.empty()) {
    out += wrapped("", levels, 2, style);
  }
  if (!advice.assumed.empty()) {
    out += wrapped(colors.dim + "Assumed:" + colors.reset + " ", advice.assumed, 2, style);
  }
  return out;
}

std::string recommendation(const advice::Advice& advice, const Palette& colors, const Style& style)
{
  if (!advice.recommendation || advice.candidates.empty()) {
    const detail::NoPlan none = detail::no_plan(advice);
    std::string out = wrapped(colors.red + colors.bold + none.label + colors.reset + " ", none.sentence, 2, style);
    for (const std::string& suggestion : advice.suggestions) {
      out += wrapped("  try: ", suggestion, 7, style);
    }
    return out;
  }
  // Green only for a plan that meets every requirement; the best of those that miss says what it misses, on a
  // line of its own (the summary below it keeps the full width).
  std::string out;
  if (advice.recommendation->meets_requirements) {
    out = wrapped(colors.green + colors.bold + detail::headline(advice) + colors.reset + " ",
                  advice.recommendation->summary, 2, style);
  } else {
    out = wrapped(colors.yellow + colors.bold, detail::headline(advice) + colors.reset, 2, style) +
          wrapped("  ", advice.recommendation->summary, 2, style);
  }
  const advice::RankedCandidate& best = advice.candidates.front();
  if (best.node_commands.size() > 1) {
    // One block per node, each on one line so it can be copied whole.
    for (std::size_t node = 0; node < best.node_commands.size(); ++node) {
      out += fmt::format("  {}node {}{}\n  {}${} {}\n", colors.bold, node, colors.reset, colors.dim, colors.reset,
                         best.node_commands[node]);
    }
    out += fmt::format("  {}HEAD_NODE_IP is node 0's address{}\n", colors.dim, colors.reset);
  } else if (!best.command.empty()) {
    // The command stays on one line, so it can be copied whole.
    out += fmt::format("  {}${} {}\n", colors.dim, colors.reset, best.command);
  }
  // The best candidate misses something: what would not.
  for (const std::string& suggestion : advice.suggestions) {
    out += wrapped("  try: ", suggestion, 7, style);
  }
  return out;
}

std::string memory_section(const advice::Advice& advice, const Palette& colors, const Style& style)
{
  const std::vector<std::size_t> shown = detail::detailed_candidates(advice, style.verbose);
  if (shown.empty()) {
    return "";
  }
  std::vector<std::string> labels;
  std::vector<std::string> captions;
  std::size_t label_width = 0;
  std::size_t caption_width = 0;
  bool overflows = false;
  for (const std::size_t i : shown) {
    const estimate::Estimate& estimate = advice.candidates[i].assessment.estimate;
    const estimate::MemoryPlan& memory = estimate.memory;
    overflows =
        overflows || memory.weights_bytes + memory.kv_cache_bytes + memory.activation_bytes + memory.overhead_bytes >
                         memory.usable_bytes;
    labels.push_back(fmt::format("{:>2}  {}", i + 1, detail::candidate_label(estimate.candidate)));
    captions.push_back(detail::memory_caption(estimate.memory));
    label_width = std::max(label_width, detail::display_width(labels.back()));
    caption_width = std::max(caption_width, detail::display_width(captions.back()));
  }
  // Labels up to a third of the line, captions after the bar, the bar takes the rest (10 to 50 cells).
  const std::size_t width = text_width(style);
  label_width = std::min(label_width, width / 3);
  const std::size_t fixed = label_width + 2 + 2 + 1 + caption_width;
  const std::size_t bar_width = std::clamp<std::size_t>(width > fixed ? width - fixed : 0, 10, 50);

  std::string out = fmt::format("{}Memory{}\n", colors.bold, colors.reset);
  for (std::size_t row = 0; row < shown.size(); ++row) {
    // A label wider than its column gets a line of its own (wrapped, not cut) and the bar the line under it.
    std::string label = labels[row];
    if (detail::display_width(label) > label_width) {
      out += detail::display_width(label) <= width ? label + "\n" : wrapped("", label, 4, style);
      label.clear();
    }
    out += fmt::format("{}{}  {}  {}\n", label, std::string(label_width - detail::display_width(label), ' '),
                       detail::memory_bar(advice.candidates[shown[row]].assessment.estimate.memory, bar_width, colors),
                       captions[row]);
  }
  // The legend under the bars, wrapped between its entries; the limit marker only when a bar has one.
  const std::size_t indent = label_width + 2 + 40 <= width ? label_width + 2 : 2;
  std::vector<std::string> legend = detail::memory_legend(colors);
  if (!overflows) {
    legend.pop_back();
  }
  std::string line;
  for (const std::string& entry : legend) {
    if (!line.empty() && indent + detail::display_width(line) + 2 + detail::display_width(entry) > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : "  ") + entry;
  }
  out += std::string(indent, ' ') + line + "\n";
  return out;
}

std::string severity_mark(rules::Severity severity, const Palette& colors)
{
  switch (severity) {
  case rules::Severity::blocker: return colors.red + "✗ blocker" + colors.reset;
  case rules::Severity::warn: return colors.yellow + "! warning" + colors.reset;
  case rules::Severity::info: return colors.dim + "· info   " + colors.reset;
  }
  return "";
}

/// Each requirement, aligned: mark, name, estimate, limit.
std::string requirement_lines(const rules::Assessment& assessment, const Palette& colors, const Style& style)
{
  detail::Table table({{""}, {"requirement"}, {"estimate", true}, {"limit", true}});
  for (const rules::Requirement& requirement : assessment.requirements) {
    const detail::RequirementText text = detail::requirement_text(requirement);
    table.add_row(
        {(text.met ? colors.green + "✓" : colors.red + "✗") + colors.reset, text.name, text.estimate, text.limit});
  }
  if (table.empty()) {
    return "";
  }
  std::string out;
  const std::string rows = table.text(style.width - static_cast<int>(k_indent), colors.dim, colors.reset);
  for (std::size_t start = 0; start < rows.size();) {
    const std::size_t end = rows.find('\n', start);
    out += std::string(k_indent, ' ') + rows.substr(start, end - start + 1);
    start = end + 1;
  }
  return out;
}

std::string reasons_section(const advice::Advice& advice, const Palette& colors, const Style& style)
{
  std::string out;
  for (const std::size_t i : detail::detailed_candidates(advice, style.verbose)) {
    const advice::RankedCandidate& ranked = advice.candidates[i];
    const rules::Assessment& assessment = ranked.assessment;
    std::vector<rules::Finding> findings = detail::by_severity(assessment.findings);
    if (findings.empty() && !style.verbose) {
      continue;
    }
    out += wrapped(fmt::format("{:>2}  ", i + 1),
                   fmt::format("{}{}{} — {}, score {}", colors.bold,
                               detail::candidate_title(assessment.estimate.candidate), colors.reset,
                               rules::to_string(assessment.verdict), assessment.score),
                   k_indent, style);
    for (const rules::Finding& finding : findings) {
      // "✗ blocker " is 10 columns; the message wraps under itself.
      out +=
          wrapped(std::string(k_indent, ' ') + severity_mark(finding.severity, colors) + "  ",
                  finding.message + " " + colors.dim + "[" + finding.code + "]" + colors.reset, k_indent + 11, style);
    }
    if (style.verbose) {
      out += requirement_lines(assessment, colors, style);
      for (const std::string& assumption : assessment.estimate.assumptions) {
        out += wrapped(std::string(k_indent, ' ') + "assumes ", assumption, k_indent + 8, style);
      }
      if (ranked.node_commands.size() > 1) {
        for (std::size_t node = 0; node < ranked.node_commands.size(); ++node) {
          out += fmt::format("{0}node {1}\n{0}$ {2}\n", std::string(k_indent, ' '), node, ranked.node_commands[node]);
        }
      } else if (!ranked.command.empty()) {
        out += fmt::format("{}$ {}\n", std::string(k_indent, ' '), ranked.command);
      }
    }
  }
  return out.empty() ? out : fmt::format("{}Why{}\n", colors.bold, colors.reset) + out;
}

std::string model_assumptions(const advice::Advice& advice, const Style& style)
{
  std::string out;
  for (const std::string& assumption : advice.model.assumptions) {
    out += wrapped("  model: ", assumption, 9, style);
  }
  return out;
}

std::string warnings(const advice::Advice& advice, const Palette& colors, const Style& style)
{
  std::string out;
  for (const std::string& warning : advice.warnings) {
    out += wrapped(colors.yellow + "warning:" + colors.reset + " ", warning, 9, style);
  }
  return out;
}

/// Sections joined by one blank line, empty ones left out.
std::string join_sections(const std::vector<std::string>& sections)
{
  std::string out;
  for (const std::string& section : sections) {
    if (!section.empty()) {
      out += (out.empty() ? "" : "\n") + section;
    }
  }
  return out;
}

std::string advice_text(const advice::Advice& advice, const Style& style)
{
  const Palette colors = detail::palette(style);
  const std::vector<std::size_t> rows = detail::table_rows(advice, style.verbose);
  // The device names as a column when the table then fits with no word cut (a long cloud name is one word),
  // else each on a line under its row.
  const detail::Table with_devices = detail::candidate_table(advice, true, rows);
  const bool fits = with_devices.min_width() <= static_cast<std::size_t>(std::max(style.width, 0));
  const detail::Table table = fits ? with_devices : detail::candidate_table(advice, true, rows, true);
  std::string ranking;
  if (!table.empty()) {
    ranking = table.text(style.width, colors.bold, colors.reset);
    if (advice.candidates.size() > rows.size()) {
      ranking += fmt::format("   … {} more (-v lists every candidate)\n", advice.candidates.size() - rows.size());
    }
    ranking += wrapped(colors.dim, detail::candidate_table_caption(advice, rows) + colors.reset, 0, style);
  }
  return join_sections({header(advice, colors, style), recommendation(advice, colors, style), ranking,
                        memory_section(advice, colors, style), reasons_section(advice, colors, style),
                        style.verbose ? model_assumptions(advice, style) : "", warnings(advice, colors, style)});
}

} // namespace

// Text and markdown show the display copy (detail::printable); JSON the original strings.
std::string advice(const advice::Advice& advice, Format format, const Style& style)
{
  if (format == Format::json) {
    return dump(advice_json(advice));
  }
  const auto shown = detail::printable(advice);
  return detail::terminal_safe(format == Format::markdown ? detail::advice_markdown(shown, style)
                                                          : advice_text(shown, style),
                               format, style);
}

std::string check(const advice::Advice& advice, Format format, const Style& style)
{
  if (format == Format::json) {
    return dump(check_json(advice));
  }
  const auto shown = detail::printable(advice);
  return detail::terminal_safe(format == Format::markdown
                                   ? detail::check_markdown(shown) + "\n" + detail::advice_markdown(shown, style)
                                   : detail::check_text(shown, style) + "\n" + advice_text(shown, style),
                               format, style);
}

} // namespace llmhw::report
