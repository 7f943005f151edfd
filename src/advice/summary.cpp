// The recommendation in one sentence: what to run where, how fast, and what it misses.
#include "pools.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/text.hpp"
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

/// "time to first token (1.1 h against a limit of 6 s)": a missed requirement in words, its figures in the
/// units people use.
std::string missed_requirement(const rules::Requirement& requirement)
{
  const rules::RequirementFigures figures = rules::requirement_figures(requirement);
  // No estimate (a device without a peak for the precision): say so, not "0 ms".
  const std::string estimate = figures.estimate.empty() ? "not estimated" : figures.estimate;
  if (requirement.name == "max_ttft_ms" || requirement.name == "max_tpot_ms") {
    return fmt::format("{} ({} against a limit of {})",
                       requirement.name == "max_ttft_ms" ? "time to first token" : "time per output token", estimate,
                       figures.limit);
  }
  if (requirement.name == "min_tok_s" || requirement.name == "min_throughput") {
    return fmt::format("{} ({} against a minimum of {})",
                       requirement.name == "min_tok_s" ? "decode speed per user" : "aggregate throughput", estimate,
                       figures.limit);
  }
  if (requirement.name == "fits") {
    return fmt::format("fitting in memory ({} needed, {} usable)", estimate, figures.limit);
  }
  return fmt::format("{} ({} against {})", requirement.name, estimate, figures.limit);
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
  if (!estimate.memory.fits && estimate.memory.gpu_layers && estimate.memory.total_layers > 0) {
    // llama.cpp partial offload: say so up front, or "it misses memory" below reads as "it cannot run".
    sentence += fmt::format(", {} of its {} layers on the {} and the rest on the CPU", *estimate.memory.gpu_layers,
                            estimate.memory.total_layers,
                            candidate.hardware.kind == catalog::DeviceKind::gpu ? "GPU" : "device");
  }
  const estimate::Performance& speed = estimate.performance;
  if (!(speed.tpot_ms > 0)) {
    return sentence + ": its speed cannot be estimated without the device's memory bandwidth and peak figures.";
  }
  sentence += fmt::format(
      ": {} at {} per token ({} each, {} in all), first token in {}", util::count_of(estimate.concurrency, "user"),
      units::format_duration_ms(speed.tpot_ms), units::format_rate(speed.decode_tok_s_per_user, "tok/s"),
      units::format_rate(speed.throughput_tok_s > 0 ? speed.throughput_tok_s : speed.decode_tok_s_aggregate, "tok/s"),
      speed.ttft_ms > 0 ? units::format_duration_ms(speed.ttft_ms)
                        : std::string("a time not estimated (no peak compute figure)"));
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
      missed.push_back(missed_requirement(requirement));
    }
  }
  if (!missed.empty()) {
    sentence += fmt::format("; it misses {}", fmt::join(missed, ", "));
  }
  if (workload.max_concurrency) {
    sentence += fmt::format("; {} sequences fit at once", estimate.memory.max_concurrency);
  }
  if (engine != nullptr && engine->status.state != catalog::EngineState::active) {
    // It ranks first only because no maintained engine runs the model as well: say so.
    sentence +=
        fmt::format("; {} is {}{}: it leads only as no maintained engine considered runs this as well", engine->name,
                    engine->status.state == catalog::EngineState::archived ? "archived" : "in maintenance mode",
                    engine->status.since ? fmt::format(" since {}", *engine->status.since) : "");
  }
  return sentence + ".";
}

} // namespace llmhw::advice::detail
