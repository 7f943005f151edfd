#pragma once
// Internal: the pieces the advice and check reports share across formats.

#include "table.hpp"

#include "llmhw/report/report.hpp"

#include "llmhw/advice/advice.hpp"

#include <string>
#include <vector>

namespace llmhw::report::detail {

/// "2× NVIDIA L4": how many devices of which kind.
std::string candidate_label(const estimate::Candidate& candidate);

/// "2× NVIDIA L4 · vllm · bf16": the label with engine and precision.
std::string candidate_title(const estimate::Candidate& candidate);

/// Candidates whose memory and reasons are shown: with -v every one; else the
/// best-ranked candidate of each of the first three devices, so the details
/// compare devices rather than repeat one device under several engines.
std::vector<std::size_t> detailed_candidates(const advice::Advice& advice, bool verbose);

/// Rows of the ranked table without -v; the rest are counted below it.
inline constexpr std::size_t k_table_rows = 12;

/// The rules' code for a row that cannot be a sensible answer here (a serving system on a few CPU cores, an
/// integrated GPU without figures): listed only with -v, and in JSON.
inline constexpr const char* k_not_sensible = "NOT_SENSIBLE";

/// Whether candidate `index` is left out of the report without -v (NOT_SENSIBLE; never the first candidate).
bool hidden_without_verbose(const advice::Advice& advice, std::size_t index);

/// The candidates the ranked table lists: with -v every one, else the first k_table_rows not hidden.
std::vector<std::size_t> table_rows(const advice::Advice& advice, bool verbose);

/// The ranked candidates at `rows` (indices, best first), each numbered by its rank; a HOST column
/// when any has a host (fleets). `terminal`: short speed headers, explained by
/// candidate_table_caption(). `device_line`: the device is a line of its own under each row instead of a column,
/// for a terminal too narrow to hold the table with no word of a device name cut.
Table candidate_table(const advice::Advice& advice, bool terminal, const std::vector<std::size_t>& rows,
                      bool device_line = false);
std::string candidate_table_caption(const advice::Advice& advice, const std::vector<std::size_t>& rows);

/// The requirements a candidate misses, as figures: "TTFT (1 min 17 s > 3 s), TPOT (250 ms > 200 ms)".
std::string missed_requirements(const rules::Assessment& assessment);

/// Why there is no recommendation, as a label and a sentence: no candidate at all; candidates that hold the model
/// in memory but each have a blocker ("Nothing runs."); or none that holds it ("Nothing fits.").
struct NoPlan {
  std::string label;
  std::string sentence;
};
NoPlan no_plan(const advice::Advice& advice);

/// The label before the recommendation: "Recommended:" when it meets every requirement, else
/// "Best available — misses TTFT (1 min 17 s > 3 s):".
std::string headline(const advice::Advice& advice);

/// The model and the workload it is sized for, in one line each.
std::string model_line(const advice::Advice& advice);
std::string workload_line(const workload::Workload& workload);

/// "service levels: TTFT ≤ 800 ms · TPOT ≤ 50 ms"; empty when the workload sets none.
std::string service_levels_line(const workload::ServiceLevels& slo);

/// One requirement as people read it: "230 ms" against "≤ 800 ms".
struct RequirementText {
  std::string name, estimate, limit;
  bool met = false;
};
RequirementText requirement_text(const rules::Requirement& requirement);

/// The candidate `check` judges: the first ranked (the recommendation, when there is one); null when none.
const advice::RankedCandidate* checked_candidate(const advice::Advice& advice);

/// Findings, blockers first, then warnings, then information; stable within a severity.
std::vector<rules::Finding> by_severity(std::vector<rules::Finding> findings);

/// "blocker", "warning", "info".
std::string severity_label(rules::Severity severity);

} // namespace llmhw::report::detail

namespace llmhw::report::detail {

/// --format markdown for a CI job summary (advice_markdown.cpp).
std::string advice_markdown(const advice::Advice& advice, const Style& style);

/// `check`'s verdict and a line per requirement: estimate, limit, met or missed (check_report.cpp).
std::string check_text(const advice::Advice& advice, const Style& style);
std::string check_markdown(const advice::Advice& advice);

} // namespace llmhw::report::detail
