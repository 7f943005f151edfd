#include "advice_parts.hpp"

#include "layout.hpp"

#include "llmhw/util/text.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::report::detail {
namespace {

bool any_host(const advice::Advice& advice)
{
  return std::any_of(advice.candidates.begin(), advice.candidates.end(), [](const advice::RankedCandidate& ranked) {
    return !ranked.assessment.estimate.candidate.host.empty();
  });
}

std::string format_ms(double ms)
{
  return units::format_duration_ms(ms);
}

std::string format_tok_s(double tok_s)
{
  return units::format_rate(tok_s, "tok/s");
}

} // namespace

std::string candidate_label(const estimate::Candidate& candidate)
{
  if (candidate.system) {
    // "AWS p5.48xlarge (8× h100-sxm)": the instance, and how many of its devices serve.
    const catalog::SystemSpec& system = *candidate.system;
    return candidate.count == system.count
               ? fmt::format("{} ({}× {})", system.name, candidate.count, system.device)
               : fmt::format("{} ({} of {}× {})", system.name, candidate.count, system.count, system.device);
  }
  return fmt::format("{}× {}", candidate.count, candidate.name.empty() ? candidate.device : candidate.name);
}

std::string candidate_title(const estimate::Candidate& candidate)
{
  return fmt::format("{} · {} · {}", candidate_label(candidate), candidate.engine, candidate.quant);
}

bool hidden_without_verbose(const advice::Advice& advice, std::size_t index)
{
  // The first candidate stays: it is the recommendation the headline names.
  const std::vector<rules::Finding>& findings = advice.candidates[index].assessment.findings;
  return index > 0 && std::any_of(findings.begin(), findings.end(),
                                  [](const rules::Finding& finding) { return finding.code == k_not_sensible; });
}

std::vector<std::size_t> table_rows(const advice::Advice& advice, bool verbose)
{
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < advice.candidates.size() && (verbose || rows.size() < k_table_rows); ++i) {
    if (verbose || !hidden_without_verbose(advice, i)) {
      rows.push_back(i);
    }
  }
  return rows;
}

std::vector<std::size_t> detailed_candidates(const advice::Advice& advice, bool verbose)
{
  constexpr std::size_t k_devices = 3;
  std::vector<std::size_t> shown;
  std::vector<std::string> devices;
  for (std::size_t i = 0; i < advice.candidates.size(); ++i) {
    const estimate::Candidate& candidate = advice.candidates[i].assessment.estimate.candidate;
    const std::string device = candidate.host + "/" + candidate_label(candidate);
    if (verbose) {
      shown.push_back(i);
    } else if (!hidden_without_verbose(advice, i) &&
               std::find(devices.begin(), devices.end(), device) == devices.end()) {
      devices.push_back(device);
      shown.push_back(i);
      if (shown.size() == k_devices) {
        break;
      }
    }
  }
  return shown;
}

/// Whether any of the candidates the table shows satisfies `test`.
template <typename Test> bool any_shown(const advice::Advice& advice, const std::vector<std::size_t>& rows, Test test)
{
  return std::any_of(rows.begin(), rows.end(), [&](std::size_t i) { return test(advice.candidates[i]); });
}

/// A price per million output tokens: a priced cloud instance or slice, used whole.
bool has_cost(const advice::RankedCandidate& ranked)
{
  return ranked.cost.usd_per_million_output_tokens.has_value();
}

Table candidate_table(const advice::Advice& advice, bool terminal, const std::vector<std::size_t>& rows,
                      bool device_line)
{
  const bool hosts = any_host(advice);
  const bool costs = any_shown(advice, rows, has_cost);
  std::vector<Column> columns{{"#", true}};
  if (!device_line) {
    columns.push_back({"DEVICE", false, true, true}); // a device name wraps, never cut
  }
  if (hosts) {
    columns.push_back({"HOST", false, true});
  }
  // Short headers on a terminal leave the device name room at 80 columns; the caption spells them out.
  columns.insert(columns.end(), {{"ENGINE"},
                                 {"QUANT"},
                                 {"FITS"},
                                 {"TTFT", true},
                                 {terminal ? "TOK/S" : "tok/s per user", true},
                                 {terminal ? "TOTAL" : "tok/s all users", true}});
  if (costs) {
    columns.push_back({terminal ? "$/M" : "$ per million output tokens", true});
  }
  columns.push_back({"SCORE", true});
  Table table(std::move(columns));
  for (const std::size_t index : rows) {
    const advice::RankedCandidate& ranked = advice.candidates[index];
    const estimate::Estimate& estimate = ranked.assessment.estimate;
    const estimate::Performance& performance = estimate.performance;
    const bool fits = estimate.memory.fits;
    // llama.cpp with some layers left on the CPU: it does not fit the device, but it runs, at the speed shown.
    const bool offloaded = !fits && estimate.memory.gpu_layers && estimate.memory.total_layers > 0;
    // Only some of the users fit: those run, the others wait (the speeds include the wait).
    const bool some_users = !fits && !offloaded && estimate.memory.max_concurrency >= 1;
    const bool runs = fits || offloaded || some_users;
    // Speeds of a plan that does not run would be figures of something that cannot run.
    std::vector<std::string> row{std::to_string(index + 1)};
    if (!device_line) {
      row.push_back(candidate_label(estimate.candidate));
    }
    if (hosts) {
      row.push_back(estimate.candidate.host.empty() ? "–" : estimate.candidate.host);
    }
    // "?" where the estimator had no figures to go on (no bandwidth or peak for the device).
    const auto speed = [runs](double value, const auto& format) {
      return !runs ? std::string("–") : value > 0 ? format(value) : std::string("?");
    };
    row.insert(
        row.end(),
        {estimate.candidate.engine, estimate.candidate.quant,
         fits         ? std::string("yes")
         : offloaded  ? fmt::format("{}/{} layers", *estimate.memory.gpu_layers, estimate.memory.total_layers)
         : some_users ? fmt::format("{}/{} users", estimate.memory.max_concurrency, estimate.concurrency)
                      : std::string("no"),
         speed(performance.ttft_ms, units::format_duration_ms),
         speed(performance.decode_tok_s_per_user, units::format_figure),
         // All users' output with the prefill (what a deployment delivers; the price is per such token).
         speed(performance.throughput_tok_s > 0 ? performance.throughput_tok_s : performance.decode_tok_s_aggregate,
               units::format_figure)});
    if (costs) {
      const std::optional<double>& usd = ranked.cost.usd_per_million_output_tokens;
      row.push_back(usd ? fmt::format("{:.2f}", *usd) : std::string("–"));
    }
    row.push_back(std::to_string(ranked.assessment.score));
    table.add_row(std::move(row));
    if (device_line) {
      table.add_note(candidate_label(estimate.candidate));
    }
  }
  return table;
}

std::string candidate_table_caption(const advice::Advice& advice, const std::vector<std::size_t>& rows)
{
  const bool offloaded = any_shown(advice, rows, [](const advice::RankedCandidate& ranked) {
    const estimate::MemoryPlan& memory = ranked.assessment.estimate.memory;
    return !memory.fits && memory.gpu_layers.has_value();
  });
  // One user's TOTAL below its TOK/S reads as a contradiction unless one knows why.
  const bool total_below_one_user = any_shown(advice, rows, [](const advice::RankedCandidate& ranked) {
    const estimate::Performance& performance = ranked.assessment.estimate.performance;
    return performance.throughput_tok_s > 0 && performance.throughput_tok_s < performance.decode_tok_s_per_user;
  });
  std::string caption = "TTFT time to first token · TOK/S output tokens/s per user · TOTAL all users";
  if (total_below_one_user) {
    caption += ", prompt time included";
  }
  if (any_shown(advice, rows, has_cost)) {
    caption += " · $/M US dollars per million output tokens at the on-demand price of the whole instance or slice";
  }
  if (offloaded) {
    caption += " · FITS n/m layers: n of the model's m layers fit on the device, the rest run on the CPU";
  }
  return caption;
}

std::string model_line(const advice::Advice& advice)
{
  const model::ModelSpec& model = advice.model;
  std::string line = fmt::format("{} · {} parameters", model.name, format_params(model.params));
  if (model.active_params != 0 && model.active_params < model.params) {
    line += fmt::format(" ({} active)", format_params(model.active_params));
  }
  if (!model.native_quant.empty()) {
    line += fmt::format(" · published in {}", model.native_quant);
  }
  if (model.local_source) {
    line += " · " + *model.local_source;
  }
  return line;
}

std::string workload_line(const workload::Workload& workload)
{
  std::string line = fmt::format(
      "{} workload · {} prompt + {} output tokens · context {} · {}", workload.name.empty() ? "custom" : workload.name,
      units::group_thousands(workload.prompt_tokens), units::group_thousands(workload.output_tokens),
      units::group_thousands(workload.context),
      workload.max_concurrency ? std::string("as many users as fit") : util::count_of(workload.concurrency, "user"));
  return line;
}

std::string service_levels_line(const workload::ServiceLevels& slo)
{
  std::vector<std::string> levels;
  if (slo.max_ttft_ms)
    levels.push_back(fmt::format("TTFT ≤ {}", format_ms(*slo.max_ttft_ms)));
  if (slo.max_tpot_ms)
    levels.push_back(fmt::format("TPOT ≤ {}", format_ms(*slo.max_tpot_ms)));
  if (slo.min_tok_s)
    levels.push_back(fmt::format("≥ {} per user", format_tok_s(*slo.min_tok_s)));
  if (slo.min_throughput_tok_s)
    levels.push_back(fmt::format("≥ {} in all", format_tok_s(*slo.min_throughput_tok_s)));
  return levels.empty() ? "" : "service levels: " + util::join(levels, " · ");
}

RequirementText requirement_text(const rules::Requirement& requirement)
{
  const rules::RequirementFigures figures = rules::requirement_figures(requirement);
  // Unknown, not zero: a speed the device's missing figures left unestimated. (assign(1, '?'), not `= "?"`: GCC 12
  // at -O2 and above warns, a false -Wrestrict, on assigning a one-character literal to a string.)
  RequirementText text{requirement.name, figures.estimate, figures.limit, requirement.met};
  if (text.estimate.empty()) {
    text.estimate.assign(1, '?');
  }
  text.limit = (requirement.at_most ? "≤ " : "≥ ") + text.limit;
  return text;
}

std::string missed_requirements(const rules::Assessment& assessment)
{
  std::vector<std::string> missed;
  for (const rules::Requirement& requirement : assessment.requirements) {
    if (requirement.met) {
      continue;
    }
    rules::RequirementFigures figures = rules::requirement_figures(requirement);
    if (figures.estimate.empty()) {
      figures.estimate.assign(1, '?');
    }
    const std::string name = requirement.name == "max_ttft_ms"      ? "TTFT"
                             : requirement.name == "max_tpot_ms"    ? "TPOT"
                             : requirement.name == "min_tok_s"      ? "tok/s per user"
                             : requirement.name == "min_throughput" ? "throughput"
                             : requirement.name == "fits"           ? "memory"
                                                                    : requirement.name;
    missed.push_back(
        fmt::format("{} ({} {} {})", name, figures.estimate, requirement.at_most ? ">" : "<", figures.limit));
  }
  return util::join(missed, ", ");
}

NoPlan no_plan(const advice::Advice& advice)
{
  if (advice.candidates.empty()) {
    return {"No candidate:", "no engine in the catalog runs this model on these devices."};
  }
  const bool any_fits =
      std::any_of(advice.candidates.begin(), advice.candidates.end(),
                  [](const advice::RankedCandidate& ranked) { return ranked.assessment.estimate.memory.fits; });
  if (any_fits) {
    // Saying "nothing fits" above rows that read "FITS yes" would contradict the table.
    return {"Nothing runs.", "Candidates hold this model in memory, but each has a blocker (Why lists them)."};
  }
  // The weights fit somewhere but no KV cache holds every user: say how many the best holds, as its row does.
  std::uint64_t most_users = 0;
  for (const advice::RankedCandidate& ranked : advice.candidates) {
    const estimate::MemoryPlan& memory = ranked.assessment.estimate.memory;
    if (!memory.gpu_layers) { // an offload holds its users by leaving layers to the CPU, not in the device's memory
      most_users = std::max(most_users, memory.max_concurrency);
    }
  }
  if (most_users > 0 && advice.workload.concurrency > most_users) {
    return {"Nothing fits.", fmt::format("Candidates hold the model, but none the KV cache of all {} users: {} at "
                                         "most.",
                                         advice.workload.concurrency, most_users)};
  }
  return {"Nothing fits.", "No candidate holds this model and workload in memory."};
}

std::string headline(const advice::Advice& advice)
{
  if (!advice.recommendation || advice.recommendation->meets_requirements || advice.candidates.empty()) {
    return "Recommended:";
  }
  const std::string missed = missed_requirements(advice.candidates.front().assessment);
  return missed.empty() ? "Best available:" : "Best available — misses " + missed + ":";
}

const advice::RankedCandidate* checked_candidate(const advice::Advice& advice)
{
  return advice.candidates.empty() ? nullptr : &advice.candidates.front();
}

std::vector<rules::Finding> by_severity(std::vector<rules::Finding> findings)
{
  std::stable_sort(findings.begin(), findings.end(),
                   [](const rules::Finding& a, const rules::Finding& b) { return a.severity > b.severity; });
  return findings;
}

std::string severity_label(rules::Severity severity)
{
  switch (severity) {
  case rules::Severity::blocker: return "blocker";
  case rules::Severity::warn: return "warning";
  case rules::Severity::info: return "info";
  }
  return "info";
}

} // namespace llmhw::report::detail
