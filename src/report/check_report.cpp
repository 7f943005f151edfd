// `llm-hw check`: did the candidate meet every requirement, one line each.
#include "advice_parts.hpp"
#include "layout.hpp"
#include "style.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::report::detail {
namespace {

std::size_t missed_count(const rules::Assessment& assessment)
{
  return static_cast<std::size_t>(std::count_if(assessment.requirements.begin(), assessment.requirements.end(),
                                                [](const rules::Requirement& r) { return !r.met; }));
}

bool passed(const advice::Advice& advice, const advice::RankedCandidate& ranked)
{
  return advice.recommendation && ranked.assessment.verdict == rules::Verdict::recommended &&
         missed_count(ranked.assessment) == 0;
}

/// "30 of 64 users" when the KV cache holds some but not all of the users asked for; empty otherwise.
std::string users_held(const estimate::Estimate& estimate)
{
  const estimate::MemoryPlan& memory = estimate.memory;
  if (memory.fits || memory.gpu_layers || memory.max_concurrency == 0 || memory.max_concurrency >= estimate.concurrency) {
    return {};
  }
  return fmt::format("{} of {} users", memory.max_concurrency, estimate.concurrency);
}

/// A requirement's line; the fits line says how many users the KV cache holds when it holds only some.
RequirementText line_text(const rules::Requirement& requirement, const estimate::Estimate& estimate)
{
  RequirementText text = requirement_text(requirement);
  if (const std::string held = users_held(estimate); requirement.name == "fits" && !held.empty()) {
    text.estimate += " (" + held + ")";
  }
  return text;
}

std::string verdict_line(const advice::Advice& advice, const advice::RankedCandidate& ranked)
{
  const std::size_t missed = missed_count(ranked.assessment);
  const std::size_t total = ranked.assessment.requirements.size();
  if (passed(advice, ranked)) {
    return fmt::format("every requirement met ({} of {})", total, total);
  }
  if (const std::string held = users_held(ranked.assessment.estimate); !held.empty()) {
    return fmt::format("{} of {} requirement{} missed; the KV cache holds {}, the others wait", missed, total,
                       total == 1 ? "" : "s", held);
  }
  if (missed == 0) {
    return "no candidate is viable";
  }
  return fmt::format("{} of {} requirement{} missed", missed, total, total == 1 ? "" : "s");
}

} // namespace

std::string check_text(const advice::Advice& advice, const Style& style)
{
  const Palette colors = palette(style);
  const advice::RankedCandidate* ranked = checked_candidate(advice);
  if (ranked == nullptr) {
    return fmt::format("{}FAIL{} check: no candidate to judge\n", colors.red + colors.bold, colors.reset);
  }
  const bool pass = passed(advice, *ranked);
  std::string out;
  const std::string verdict =
      fmt::format("{} on {}: {}", advice.model.name, candidate_title(ranked->assessment.estimate.candidate),
                  verdict_line(advice, *ranked));
  const std::vector<std::string> lines =
      wrap(verdict, static_cast<std::size_t>(std::max(style.width, 40)) - 5); // after "FAIL "
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += i == 0 ? fmt::format("{}{}{} {}\n", (pass ? colors.green : colors.red) + colors.bold, pass ? "PASS" : "FAIL",
                                colors.reset, lines[i])
                  : "     " + lines[i] + "\n";
  }
  Table table({{"", false}, {"REQUIREMENT"}, {"ESTIMATE", true}, {"LIMIT", true}, {"RESULT"}});
  for (const rules::Requirement& requirement : ranked->assessment.requirements) {
    const RequirementText text = line_text(requirement, ranked->assessment.estimate);
    const std::string& color = text.met ? colors.green : colors.red;
    table.add_row({color + (text.met ? "✓" : "✗") + colors.reset, text.name, text.estimate, text.limit,
                   color + (text.met ? "met" : "MISSED") + colors.reset});
  }
  if (table.empty()) {
    return out;
  }
  // Indented under the verdict line.
  const std::string rows = table.text(style.width - 2, colors.dim, colors.reset);
  for (std::size_t start = 0; start < rows.size();) {
    const std::size_t end = rows.find('\n', start);
    out += "  " + rows.substr(start, end - start + 1);
    start = end + 1;
  }
  return out;
}

std::string check_markdown(const advice::Advice& advice)
{
  const advice::RankedCandidate* ranked = checked_candidate(advice);
  if (ranked == nullptr) {
    return "### ❌ llm-hw check: no candidate to judge\n";
  }
  const bool pass = passed(advice, *ranked);
  std::string out = fmt::format("### {} llm-hw check: {}\n\n{} on {}\n\n", pass ? "✅" : "❌",
                                verdict_line(advice, *ranked), markdown_text(advice.model.name),
                                markdown_text(candidate_title(ranked->assessment.estimate.candidate)));
  Table table({{"Requirement"}, {"Estimate", true}, {"Limit", true}, {"Result"}});
  for (const rules::Requirement& requirement : ranked->assessment.requirements) {
    const RequirementText text = line_text(requirement, ranked->assessment.estimate);
    table.add_row({"`" + text.name + "`", text.estimate, text.limit, text.met ? "✅ met" : "❌ missed"});
  }
  return table.empty() ? out : out + table.markdown();
}

} // namespace llmhw::report::detail

namespace llmhw::report {

bool check_passed(const advice::Advice& advice)
{
  const advice::RankedCandidate* ranked = detail::checked_candidate(advice);
  return ranked != nullptr && detail::passed(advice, *ranked);
}

nlohmann::json check_json(const advice::Advice& advice)
{
  nlohmann::json document = advice_json(advice);
  document["passed"] = check_passed(advice); // what the exit code says: 0 when true, 1 when false
  return document;
}

} // namespace llmhw::report
