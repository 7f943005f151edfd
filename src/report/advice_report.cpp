// `llm-hw advise` and `llm-hw check` as text, markdown or JSON.
#include "llmhw/report/report.hpp"

#include "json_util.hpp"
#include "style.hpp"
#include "table.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>

namespace llmhw::report {
namespace {

detail::Table candidate_table(const advice::Advice& advice)
{
  detail::Table table({{"#", true}, {"DEVICE", false, true}, {"N", true}, {"ENGINE"}, {"QUANT"}, {"FITS"},
                       {"TTFT ms", true}, {"TOK/S USER", true}, {"TOK/S ALL", true}, {"SCORE", true}});
  int rank = 0;
  for (const advice::RankedCandidate& ranked : advice.candidates) {
    const estimate::Estimate& estimate = ranked.assessment.estimate;
    const estimate::Performance& performance = estimate.performance;
    table.add_row({std::to_string(++rank), estimate.candidate.name, std::to_string(estimate.candidate.count),
                   estimate.candidate.engine, estimate.candidate.quant, estimate.memory.fits ? "yes" : "no",
                   fmt::format("{:.0f}", performance.ttft_ms), fmt::format("{:.1f}", performance.decode_tok_s_per_user),
                   fmt::format("{:.0f}", performance.decode_tok_s_aggregate), std::to_string(ranked.assessment.score)});
  }
  return table;
}

} // namespace

std::string advice(const advice::Advice& advice, Format format, const Style& style)
{
  if (format == Format::json) {
    return dump(advice_json(advice));
  }
  const detail::Table table = candidate_table(advice);
  const std::string summary =
      advice.recommendation ? advice.recommendation->summary : "Nothing fits this model and workload.";
  if (format == Format::markdown) {
    return fmt::format("### llm-hw: {}\n\n**{}**\n\n{}", advice.model.name, summary, table.markdown());
  }
  const detail::Palette colors = detail::palette(style);
  return fmt::format("{}{}{}\n\n{}", colors.bold, summary, colors.reset,
                     table.text(style.width, colors.bold, colors.reset));
}

} // namespace llmhw::report
