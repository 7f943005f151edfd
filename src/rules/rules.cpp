#include "llmhw/rules/rules.hpp"

#include "registry.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace llmhw::rules {

std::string to_string(Severity severity)
{
  switch (severity) {
  case Severity::info: return "info";
  case Severity::warn: return "warn";
  case Severity::blocker: return "blocker";
  }
  return "unknown";
}

std::string to_string(Verdict verdict)
{
  switch (verdict) {
  case Verdict::recommended: return "recommended";
  case Verdict::viable: return "viable";
  case Verdict::not_viable: return "not-viable";
  }
  return "unknown";
}

double miss_ratio(const Requirement& requirement)
{
  if (requirement.met) {
    return 1.0;
  }
  if (!(requirement.estimate > 0) || !(requirement.limit > 0) || !std::isfinite(requirement.estimate)) {
    return std::numeric_limits<double>::infinity(); // nothing known about how close it comes
  }
  const double ratio =
      requirement.at_most ? requirement.estimate / requirement.limit : requirement.limit / requirement.estimate;
  return std::max(1.0, ratio);
}

double shortfall(const std::vector<Requirement>& requirements)
{
  double sum = 0;
  for (const Requirement& requirement : requirements) {
    sum += std::log(miss_ratio(requirement));
  }
  return sum;
}

RequirementFigures requirement_figures(const Requirement& requirement)
{
  const double estimate = requirement.estimate;
  const double limit = requirement.limit;
  if (requirement.name == "fits") {
    const auto bytes = [](double value) {
      return units::format_bytes(static_cast<std::uint64_t>(std::max(0.0, value)));
    };
    return {bytes(estimate), bytes(limit)};
  }
  const bool duration = requirement.name.starts_with("max_");
  const auto coarse = [duration](double value) {
    return duration ? units::format_duration_ms(value) : units::format_rate(value, "tok/s");
  };
  RequirementFigures figures{coarse(estimate), coarse(limit)};
  if (!(estimate > 0) || !std::isfinite(estimate)) {
    figures.estimate.clear(); // a speed unknown, not zero
  } else if (!requirement.met && figures.estimate == figures.limit) {
    auto [finer_estimate, finer_limit] = units::format_apart(estimate, limit);
    const char* unit = duration ? " ms" : " tok/s";
    figures = {finer_estimate + unit, finer_limit + unit};
  }
  return figures;
}

Assessment assess(estimate::Estimate estimate, const model::ModelSpec& model, const workload::Workload& workload,
                  const catalog::Catalog& catalog, Words words)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const detail::RuleInput input{
      estimate,
      model,
      workload,
      catalog,
      catalog.find_engine(candidate.engine),
      catalog.find_quant(catalog::format_for(catalog.find_engine(candidate.engine), candidate.quant)),
      catalog.find_quant(candidate.kv_quant)};
  detail::RuleOutput out;
  out.words = words;
  for (const detail::Rule& rule : detail::registry()) {
    rule.apply(input, out);
  }

  Assessment assessment;
  assessment.estimate = std::move(estimate); // the rules are done with it
  int score = 100;
  for (const Finding& finding : out.findings) {
    score += finding.score_delta;
  }
  assessment.score = std::clamp(score, 0, 100);
  const bool blocked = std::any_of(out.findings.begin(), out.findings.end(),
                                   [](const Finding& finding) { return finding.severity == Severity::blocker; });
  const bool all_met = std::all_of(out.requirements.begin(), out.requirements.end(),
                                   [](const Requirement& requirement) { return requirement.met; });
  assessment.verdict = blocked ? Verdict::not_viable : all_met ? Verdict::recommended : Verdict::viable;
  if (blocked) {
    // A plan that cannot run earns no points: 0, so that it never scores above a plan that runs (viable rows that
    // miss their service levels by far reach 0 too). The blockers' messages say what stops it.
    assessment.score = 0;
  }
  // Blockers first, then warnings, then notes, each in the order the rules ran.
  std::stable_sort(out.findings.begin(), out.findings.end(), [](const Finding& a, const Finding& b) {
    return static_cast<int>(a.severity) > static_cast<int>(b.severity);
  });
  assessment.findings = std::move(out.findings);
  assessment.requirements = std::move(out.requirements);
  return assessment;
}

std::uint32_t hosts_spanned(const estimate::Candidate& candidate)
{
  if (candidate.system && candidate.system->count > 0) {
    const std::uint32_t nodes = std::max<std::uint32_t>(1, candidate.system->nodes.value_or(1));
    const std::uint32_t per_host = std::max<std::uint32_t>(1, candidate.system->count / nodes);
    return (candidate.count + per_host - 1) / per_host;
  }
  return 1;
}

} // namespace llmhw::rules
