#include "llmhw/rules/rules.hpp"

#include "registry.hpp"

#include "llmhw/catalog/catalog.hpp"

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

Assessment assess(estimate::Estimate estimate, const model::ModelSpec& model, const workload::Workload& workload,
                  const catalog::Catalog& catalog)
{
  const estimate::Candidate& candidate = estimate.candidate;
  const detail::RuleInput input{estimate,
                                model,
                                workload,
                                catalog,
                                catalog.find_engine(candidate.engine),
                                catalog.find_quant(candidate.quant),
                                catalog.find_quant(candidate.kv_quant)};
  detail::RuleOutput out;
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
    assessment.score = std::min(assessment.score, 20);
  }
  // Blockers first, then warnings, then notes, each in the order the rules ran.
  std::stable_sort(out.findings.begin(), out.findings.end(), [](const Finding& a, const Finding& b) {
    return static_cast<int>(a.severity) > static_cast<int>(b.severity);
  });
  assessment.findings = std::move(out.findings);
  assessment.requirements = std::move(out.requirements);
  return assessment;
}

} // namespace llmhw::rules
