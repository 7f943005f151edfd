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
  const char* unit;
  bool at_most; ///< the estimate must stay at or under the limit (latencies), else reach it (rates)
};

/// "850 ms", "2 min 33 s", "1,530 tok/s": never "1.53e+05 ms".
std::string figure(const Limit& limit, double value)
{
  return limit.at_most ? units::format_duration_ms(value) : units::format_rate(value, limit.unit);
}

void judge(const Limit& limit, std::optional<double> wanted, double estimate, RuleOutput& out)
{
  if (!wanted) {
    return;
  }
  if (!std::isfinite(estimate) || estimate <= 0) {
    // No speed without the figures it rests on (bandwidth, TFLOPS): never claim a limit is met.
    out.requirements.push_back({limit.name, *wanted, 0, false});
    out.add(fmt::format("{}_UNKNOWN", limit.code), Severity::warn,
            fmt::format("{} cannot be estimated (the device's figures are missing), so the {} {} is not "
                        "known to be met",
                        limit.label, limit.at_most ? "limit of" : "minimum of", figure(limit, *wanted)),
            -20);
    return;
  }
  const bool met = limit.at_most ? estimate <= *wanted : estimate >= *wanted;
  out.requirements.push_back({limit.name, *wanted, estimate, met});
  // Margin as a share of the limit: how much worse the estimate could get (or must improve).
  const double margin = *wanted > 0 ? std::abs(*wanted - estimate) / *wanted : 0;
  if (met) {
    out.add(fmt::format("{}_MET", limit.code), Severity::info,
            fmt::format("{} {} meets the {} {} ({:.0f}% margin)", limit.label, figure(limit, estimate),
                        limit.at_most ? "limit of" : "minimum of", figure(limit, *wanted), margin * 100),
            0);
    return;
  }
  // A near miss costs less than a wide one: 15 points, up to 30 more as the miss reaches 100%.
  const int delta = -15 - static_cast<int>(std::lround(30 * std::min(1.0, margin)));
  // Twice the limit or more reads better as a multiple: "is 650× the limit", not "misses it by 64,900%".
  const std::string message =
      limit.at_most && estimate >= 2 * *wanted
          ? fmt::format("{} {} is {}× the limit of {}", limit.label, figure(limit, estimate),
                        units::format_figure(estimate / *wanted), figure(limit, *wanted))
          : fmt::format("{} {} misses the {} {} by {:.0f}%", limit.label, figure(limit, estimate),
                        limit.at_most ? "limit of" : "minimum of", figure(limit, *wanted), margin * 100);
  out.add(fmt::format("{}_MISSED", limit.code), Severity::warn, message, delta);
}

} // namespace

void service_levels(const RuleInput& input, RuleOutput& out)
{
  if (!runs(input.estimate.memory)) {
    return; // speeds of a plan that does not fit mean nothing
  }
  const workload::ServiceLevels& slo = input.workload.slo;
  const estimate::Performance& speed = input.estimate.performance;
  judge({"max_ttft_ms", "TTFT", "time to first token", "ms", true}, slo.max_ttft_ms, speed.ttft_ms, out);
  judge({"max_tpot_ms", "TPOT", "time per output token", "ms", true}, slo.max_tpot_ms, speed.tpot_ms, out);
  judge({"min_tok_s", "TOK_S", "decode speed per user", "tok/s", false}, slo.min_tok_s, speed.decode_tok_s_per_user,
        out);
  judge({"min_throughput", "THROUGHPUT", "aggregate decode throughput", "tok/s", false}, slo.min_throughput_tok_s,
        speed.decode_tok_s_aggregate, out);
}

} // namespace llmhw::rules::detail
