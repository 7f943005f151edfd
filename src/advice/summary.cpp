// The recommendation in one sentence: what to run where, how fast, and what it misses.
#include "pools.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::advice::detail {
namespace {

std::string devices(const estimate::Candidate& candidate)
{
  const std::string where = candidate.host.empty() ? "" : fmt::format(" on {}", candidate.host);
  if (candidate.system && candidate.count == candidate.system->count) {
    return fmt::format("{}{}", candidate.name, where);
  }
  return candidate.count == 1 ? fmt::format("{}{}", candidate.name, where)
                              : fmt::format("{}x {}{}", candidate.count, candidate.name, where);
}

} // namespace

std::string summary_sentence(const RankedCandidate& best, const model::ModelSpec& model,
                             const workload::Workload& workload, const catalog::Catalog& catalog)
{
  const rules::Assessment& assessment = best.assessment;
  const estimate::Estimate& estimate = assessment.estimate;
  const estimate::Candidate& candidate = estimate.candidate;
  const catalog::EngineSpec* engine = catalog.find_engine(candidate.engine);
  const bool cpu_suffices = std::any_of(assessment.findings.begin(), assessment.findings.end(),
                                        [](const rules::Finding& finding) { return finding.code == "CPU_SUFFICES"; });
  std::string sentence = cpu_suffices ? "The CPU is enough: serve " : "Serve ";
  sentence += fmt::format("{} on {} with {} in {} (KV cache {})", model.name, devices(candidate),
                          engine != nullptr ? engine->name : candidate.engine, candidate.quant, candidate.kv_quant);
  const estimate::Performance& speed = estimate.performance;
  if (!(speed.tpot_ms > 0)) {
    return sentence + ": its speed cannot be estimated without the device's memory bandwidth and peak figures.";
  }
  sentence += fmt::format(": {} user{} at {:.3g} ms per token ({:.3g} tok/s each, {:.4g} tok/s in all), first token "
                          "in {:.3g} ms",
                          estimate.concurrency, estimate.concurrency == 1 ? "" : "s", speed.tpot_ms,
                          speed.decode_tok_s_per_user, speed.decode_tok_s_aggregate, speed.ttft_ms);
  if (estimate.memory.headroom_bytes >= 0) {
    sentence += fmt::format(", {} of memory to spare",
                            units::format_bytes(static_cast<std::uint64_t>(estimate.memory.headroom_bytes)));
  }
  if (best.cost.usd_per_million_output_tokens && best.cost.usd_per_hour) {
    sentence += fmt::format(", ${:.2f} per million output tokens at ${:.2f} an hour",
                            *best.cost.usd_per_million_output_tokens, *best.cost.usd_per_hour);
  }
  std::vector<std::string> missed;
  for (const rules::Requirement& requirement : assessment.requirements) {
    if (!requirement.met) {
      missed.push_back(
          fmt::format("{} ({:.4g} against {:.4g})", requirement.name, requirement.estimate, requirement.limit));
    }
  }
  if (!missed.empty()) {
    sentence += fmt::format("; it misses {}", fmt::join(missed, ", "));
  }
  if (workload.max_concurrency) {
    sentence += fmt::format("; {} sequences fit at once", estimate.memory.max_concurrency);
  }
  return sentence + ".";
}

} // namespace llmhw::advice::detail
