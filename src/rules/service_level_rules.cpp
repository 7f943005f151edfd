// Each service-level requirement met or missed, with its margin.
#include "registry.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmhw::rules::detail {
namespace {

struct Limit {
  const char* name; ///< requirement name in the JSON output
  const char* code; ///< finding code stem
  const char* label;
  bool at_most; ///< the estimate must stay at or under the limit (latencies), else reach it (rates)
};

/// The simulated percentile of a latency; the single figure where the simulation did not run.
double at_percentile(const estimate::Percentiles& values, double median, std::uint32_t percentile)
{
  const double value = percentile == 99 ? values.p99 : percentile == 90 ? values.p90 : values.p50;
  return value > 0 ? value : median;
}

void judge(Limit limit, std::optional<double> wanted, double estimate, RuleOutput& out, std::uint32_t percentile)
{
  if (!wanted) {
    return;
  }
  std::string label;
  if (percentile != 50) {
    label = fmt::format("p{} {}", percentile, limit.label); // "p99 time to first token"
    limit.label = label.c_str();
  }
  if (!std::isfinite(estimate) || estimate <= 0) {
    // No speed without the figures it rests on (bandwidth, TFLOPS): never claim a limit is met.
    const Requirement unknown{limit.name, *wanted, 0, false, limit.at_most};
    out.requirements.push_back(unknown);
    out.add(
        fmt::format("{}_UNKNOWN", limit.code), Severity::warn,
        [&] {
          return fmt::format("{} cannot be estimated (the device's figures are missing), so the {} {} is not "
                             "known to be met",
                             limit.label, limit.at_most ? "limit of" : "minimum of",
                             requirement_figures(unknown).limit);
        },
        -20);
    return;
  }
  const bool met = limit.at_most ? estimate <= *wanted : estimate >= *wanted;
  const Requirement requirement{limit.name, *wanted, estimate, met, limit.at_most};
  out.requirements.push_back(requirement);
  // Figures as requirement_figures writes them: "850 ms", "2 min 33 s", "1,530 tok/s" (never "1.53e+05 ms"), finer
  // where a miss would round alike.
  if (met) {
    // Margin as a share of the limit: how much worse the estimate could get.
    const double margin = *wanted > 0 ? std::abs(*wanted - estimate) / *wanted : 0;
    out.add(
        fmt::format("{}_MET", limit.code), Severity::info,
        [&] {
          const RequirementFigures figures = requirement_figures(requirement);
          return fmt::format("{} {} meets the {} {} ({:.0f}% margin)", limit.label, figures.estimate,
                             limit.at_most ? "limit of" : "minimum of", figures.limit, margin * 100);
        },
        0);
    return;
  }
  // The miss as a factor (3 for three times the latency limit or a third of the rate), so that the penalty keeps
  // growing with the shortfall: 15 points, plus 15 for each doubling of the factor (1.5x costs 24, 2x 30, 3x 39,
  // 10x 65). A percentage of the limit saturates at 100% for rates and made a 10x miss cost no more than a 2x one,
  // so the ranking could not prefer the candidate that comes closest when none meets the service levels.
  const double ratio = std::min(miss_ratio(requirement), 1e6); // a zero limit makes any latency an infinite miss
  const int delta = -15 - static_cast<int>(std::lround(15 * std::log2(ratio)));
  // Twice the limit or more reads better as a multiple: "is 650× the limit", not "misses it by 64,900%".
  out.add(
      fmt::format("{}_MISSED", limit.code), Severity::warn,
      [&] {
        const RequirementFigures figures = requirement_figures(requirement);
        if (ratio < 2) {
          return fmt::format("{} {} misses the {} {} by {:.0f}%", limit.label, figures.estimate,
                             limit.at_most ? "limit of" : "minimum of", figures.limit,
                             (limit.at_most ? ratio - 1 : 1 - 1 / ratio) * 100);
        }
        if (limit.at_most) {
          return fmt::format("{} {} is {}× the limit of {}", limit.label, figures.estimate, units::format_figure(ratio),
                             figures.limit);
        }
        return fmt::format("{} {} misses the minimum of {} by a factor of {}", limit.label, figures.estimate,
                           figures.limit, units::format_figure(ratio));
      },
      delta);
}

} // namespace

void service_levels(const RuleInput& input, RuleOutput& out)
{
  if (!runs(input.estimate.memory)) {
    return; // speeds of a plan that does not fit mean nothing
  }
  const workload::ServiceLevels& slo = input.workload.slo;
  const estimate::Performance& speed = input.estimate.performance;
  const std::uint32_t percentile = slo.percentile.value_or(50);
  judge({"max_ttft_ms", "TTFT", "time to first token", true}, slo.max_ttft_ms,
        at_percentile(speed.ttft, speed.ttft_ms, percentile), out, percentile);
  judge({"max_tpot_ms", "TPOT", "time per output token", true}, slo.max_tpot_ms,
        at_percentile(speed.tpot, speed.tpot_ms, percentile), out, percentile);
  judge({"min_tok_s", "TOK_S", "decode speed per user", false}, slo.min_tok_s, speed.decode_tok_s_per_user, out, 50);
  // What the deployment delivers, prefill included (an offline run's output tokens/s), not the decode steps alone.
  judge({"min_throughput", "THROUGHPUT", "aggregate throughput", false}, slo.min_throughput_tok_s,
        speed.throughput_tok_s > 0 ? speed.throughput_tok_s : speed.decode_tok_s_aggregate, out, 50);
}

} // namespace llmhw::rules::detail
