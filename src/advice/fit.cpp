#include "llmhw/advice/fit.hpp"

#include "pools.hpp"

#include "llmhw/util/text.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace llmhw::advice {
namespace {

/// The short name of a requirement in a table cell.
std::string requirement_label(const std::string& name)
{
  if (name == "max_ttft_ms")
    return "TTFT";
  if (name == "max_tpot_ms")
    return "TPOT";
  if (name == "min_tok_s")
    return "tok/s";
  if (name == "min_throughput")
    return "throughput";
  if (name == "fits")
    return "memory"; // held partly in host memory (llama.cpp offload): the plan needs this many times the device's
  return name;
}

/// "TTFT ×3.2, tok/s ×1.5": each missed requirement and how far off it is (rules::miss_ratio).
std::string missed_phrase(const rules::Assessment& assessment, std::vector<std::string>& missed)
{
  std::vector<std::string> parts;
  for (const rules::Requirement& requirement : assessment.requirements) {
    if (requirement.met) {
      continue;
    }
    missed.push_back(requirement.name);
    const double ratio = rules::miss_ratio(requirement);
    // Whole factors from 10 on, so that a cell of several stays short.
    const std::string factor = !std::isfinite(ratio) ? "unknown"
                               : ratio < 10         ? fmt::format("×{:.1f}", ratio)
                                                    : fmt::format("×{:.0f}", ratio);
    parts.push_back(fmt::format("{} {}", requirement_label(requirement.name), factor));
  }
  return util::join(parts, ", ");
}

/// Why the best candidate does not run: the memory it lacks, else the first blocker's message.
std::string blocker_phrase(const rules::Assessment& assessment, std::vector<std::string>& missed)
{
  const estimate::MemoryPlan& memory = assessment.estimate.memory;
  for (const rules::Finding& finding : assessment.findings) {
    if (finding.code == "DOES_NOT_FIT") {
      missed.emplace_back("fits");
      return fmt::format("needs {}, {} usable", units::format_bytes(needed_bytes(memory)),
                         units::format_bytes(memory.usable_bytes));
    }
  }
  for (const rules::Finding& finding : assessment.findings) {
    if (finding.severity == rules::Severity::blocker) {
      return finding.message;
    }
  }
  return "no candidate runs it";
}

double shortfall(const FitRow& row)
{
  return row.best ? rules::shortfall(row.best->assessment.requirements) : 0.0;
}

double tok_s_per_user(const FitRow& row)
{
  return row.best ? row.best->assessment.estimate.performance.decode_tok_s_per_user : 0;
}

std::uint64_t memory_needed(const FitRow& row)
{
  return row.best ? needed_bytes(row.best->assessment.estimate.memory) : UINT64_MAX;
}

FitRow fit_row(model::ModelSpec model, const std::vector<detail::Pool>& pools, const workload::Workload& workload,
               const Inputs& inputs, const catalog::Catalog& catalog)
{
  FitRow row;
  // One group over every pool: the model's best candidate on any of them, found as advise finds a group's best (the
  // same order, the same pruning), so models --fit and advise agree on it.
  detail::Ranking ranking =
      detail::rank(pools, model, workload, inputs, catalog, true, detail::Pruning::unbeatable, true);
  if (ranking.kept.empty()) {
    row.reason = "no engine runs it on this hardware";
    row.model = std::move(model);
    return row;
  }
  RankedCandidate best = std::move(ranking.kept.front().ranked);
  best.node_commands = detail::node_commands(best.assessment, model, workload, catalog);
  best.command = best.node_commands.empty() ? "" : best.node_commands.front();
  switch (best.assessment.verdict) {
  case rules::Verdict::recommended: row.verdict = FitVerdict::meets; break;
  case rules::Verdict::viable:
    row.verdict = FitVerdict::misses;
    row.reason = missed_phrase(best.assessment, row.missed);
    break;
  case rules::Verdict::not_viable:
    row.verdict = FitVerdict::does_not_fit;
    row.reason = blocker_phrase(best.assessment, row.missed);
    break;
  }
  row.best = std::move(best);
  row.model = std::move(model);
  return row;
}

} // namespace

std::string to_string(FitVerdict verdict)
{
  switch (verdict) {
  case FitVerdict::meets: return "meets";
  case FitVerdict::misses: return "misses";
  case FitVerdict::does_not_fit: return "does-not-fit";
  }
  return "unknown";
}

std::uint64_t needed_bytes(const estimate::MemoryPlan& memory)
{
  return memory.weights_bytes + memory.kv_cache_bytes + memory.activation_bytes + memory.overhead_bytes;
}

void order_fit_rows(std::vector<FitRow>& rows)
{
  // Each key is ascending; negated where larger comes first.
  const auto key = [](const FitRow& row) {
    const auto verdict = static_cast<int>(row.verdict);
    const double params = static_cast<double>(row.model.params);
    switch (row.verdict) {
    case FitVerdict::meets: return std::make_tuple(verdict, -params, -tok_s_per_user(row), 0.0);
    case FitVerdict::misses: return std::make_tuple(verdict, shortfall(row), -params, 0.0);
    case FitVerdict::does_not_fit: break;
    }
    return std::make_tuple(verdict, static_cast<double>(memory_needed(row)), params, 0.0);
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const FitRow& a, const FitRow& b) {
    const auto ka = key(a);
    const auto kb = key(b);
    return ka != kb ? ka < kb : a.model.name < b.model.name;
  });
}

Result<Fit> fit_models(std::vector<model::ModelSpec> models, const workload::Workload& workload, const Inputs& inputs,
                       const catalog::Catalog& catalog)
{
  bool all = false;
  auto pools = detail::pools_of(inputs, catalog, all);
  if (!pools) {
    return pools.error();
  }
  Fit fit;
  fit.workload = workload;
  for (const detail::Pool& pool : *pools) {
    const std::string devices = fmt::format("{}× {}", pool.available, pool.name.empty() ? pool.device : pool.name);
    fit.hardware.push_back(pool.host.empty() ? devices : fmt::format("{}: {}", pool.host, devices));
  }
  fit.rows.reserve(models.size());
  for (model::ModelSpec& model : models) {
    fit.rows.push_back(fit_row(std::move(model), *pools, workload, inputs, catalog));
  }
  order_fit_rows(fit.rows);
  return fit;
}

} // namespace llmhw::advice
