// `llm-hw advise --format markdown`: the report for a CI job summary
// ($GITHUB_STEP_SUMMARY, a merge-request note): GitHub-flavoured markdown
// with every name escaped, so a device called "A|B" cannot break a table.
#include "advice_parts.hpp"
#include "layout.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::report::detail {
namespace {

std::string severity_badge(rules::Severity severity)
{
  switch (severity) {
  case rules::Severity::blocker: return "❌ **blocker**";
  case rules::Severity::warn: return "⚠️ **warning**";
  case rules::Severity::info: return "ℹ️ info";
  }
  return "";
}

std::string recommendation(const advice::Advice& advice)
{
  if (!advice.recommendation || advice.candidates.empty()) {
    const NoPlan none = no_plan(advice);
    std::string out = "**" + none.label + "** " + markdown_text(none.sentence) + "\n";
    if (!advice.suggestions.empty()) {
      out += "\nWhat would:\n\n";
      for (const std::string& suggestion : advice.suggestions) {
        out += "- " + markdown_text(suggestion) + "\n";
      }
    }
    return out;
  }
  std::string out = "**" + markdown_text(headline(advice)) + "** " + markdown_text(advice.recommendation->summary) + "\n";
  const advice::RankedCandidate& best = advice.candidates.front();
  const std::vector<std::string> commands =
      best.node_commands.empty() && !best.command.empty() ? std::vector<std::string>{best.command} : best.node_commands;
  for (std::size_t node = 0; node < commands.size(); ++node) {
    out += '\n'; // appended apart: `"\n" + temporary` trips GCC 12's false -Wrestrict at -O2
    if (commands.size() > 1) {
      out += fmt::format("Node {}:\n\n", node);
    }
    out += markdown_code_block(commands[node], "sh");
  }
  // The best candidate misses something: what would not.
  if (!advice.suggestions.empty()) {
    out += "\nWhat would do better:\n\n";
    for (const std::string& suggestion : advice.suggestions) {
      out += "- " + markdown_text(suggestion) + "\n";
    }
  }
  return out;
}

std::string memory_table(const advice::Advice& advice, const std::vector<std::size_t>& shown)
{
  Table table({{"#", true},
               {"Device"},
               {"Weights", true},
               {"KV cache", true},
               {"Activations", true},
               {"Overhead", true},
               {"Usable", true},
               {"Headroom", true}});
  for (const std::size_t i : shown) {
    const estimate::Estimate& estimate = advice.candidates[i].assessment.estimate;
    const estimate::MemoryPlan& memory = estimate.memory;
    const std::string headroom = memory.headroom_bytes >= 0
                                     ? units::format_bytes(static_cast<std::uint64_t>(memory.headroom_bytes))
                                     : "−" + units::format_bytes(static_cast<std::uint64_t>(-memory.headroom_bytes));
    table.add_row({std::to_string(i + 1), candidate_label(estimate.candidate),
                   units::format_bytes(memory.weights_bytes), units::format_bytes(memory.kv_cache_bytes),
                   units::format_bytes(memory.activation_bytes), units::format_bytes(memory.overhead_bytes),
                   units::format_bytes(memory.usable_bytes), headroom});
  }
  return "#### Memory\n\n" + table.markdown();
}

std::string reasons(const advice::Advice& advice, const std::vector<std::size_t>& shown, bool verbose)
{
  std::string out;
  for (const std::size_t i : shown) {
    const advice::RankedCandidate& ranked = advice.candidates[i];
    const rules::Assessment& assessment = ranked.assessment;
    if (assessment.findings.empty() && !verbose) {
      continue;
    }
    out += fmt::format("\n**{}. {}** — {}, score {}\n\n", i + 1,
                       markdown_text(candidate_title(assessment.estimate.candidate)),
                       rules::to_string(assessment.verdict), assessment.score);
    for (const rules::Finding& finding : by_severity(assessment.findings)) {
      out += fmt::format("- {} {} (`{}`)\n", severity_badge(finding.severity), markdown_text(finding.message),
                         finding.code);
    }
    if (verbose && !assessment.estimate.assumptions.empty()) {
      out += "\n<details><summary>Assumptions</summary>\n\n";
      for (const std::string& assumption : assessment.estimate.assumptions) {
        out += "- " + markdown_text(assumption) + "\n";
      }
      out += "\n</details>\n";
    }
  }
  return out.empty() ? out : "#### Why\n" + out;
}

} // namespace

std::string advice_markdown(const advice::Advice& advice, const Style& style)
{
  const std::vector<std::size_t> shown = detailed_candidates(advice, style.verbose);
  const std::vector<std::size_t> rows = table_rows(advice, style.verbose);
  std::string out = fmt::format("### llm-hw: {}\n\n{}  \n{}", markdown_text(advice.model.name),
                                markdown_text(model_line(advice)), markdown_text(workload_line(advice.workload)));
  if (const std::string levels = service_levels_line(advice.workload.slo); !levels.empty()) {
    out += "  \n" + markdown_text(levels);
  }
  if (!advice.assumed.empty()) {
    out += "  \nAssumed: " + markdown_text(advice.assumed);
  }
  out += "\n\n" + recommendation(advice);
  if (!advice.candidates.empty()) {
    out += '\n'; // appended apart, as in recommendation()
    out += candidate_table(advice, false, rows).markdown();
    if (advice.candidates.size() > rows.size()) {
      out += fmt::format("\n… {} more candidates (`-v` lists every one; `--json` has them all)\n",
                         advice.candidates.size() - rows.size());
    }
    out += '\n';
    out += memory_table(advice, shown);
  }
  if (const std::string why = reasons(advice, shown, style.verbose); !why.empty()) {
    out += "\n" + why;
  }
  for (const std::string& warning : advice.warnings) {
    out += "\n> **Warning:** " + markdown_text(warning) + "\n";
  }
  return out;
}

} // namespace llmhw::report::detail
