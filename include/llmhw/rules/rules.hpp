#pragma once
// The rules engine: small named judgements over one candidate's estimate, each
// emitting findings with a stable code, a severity and a score contribution.

#include "llmhw/estimate/estimate.hpp"

#include <string>
#include <vector>

namespace llmhw::rules {

enum class Severity { info, warn, blocker };

std::string to_string(Severity severity);

struct Finding {
  std::string code; ///< stable: "KV_CACHE_LIMITS_CONCURRENCY"
  Severity severity = Severity::info;
  std::string message; ///< with the numbers
  int score_delta = 0;
};

/// A service-level requirement, its limit and the estimate against it.
struct Requirement {
  std::string name; ///< "max_ttft_ms", "max_tpot_ms", "min_tok_s", "min_throughput", "fits"
  double limit = 0;
  double estimate = 0;
  bool met = false;
  bool at_most = true; ///< the estimate must stay at or under the limit (latencies, memory), else reach it (rates)
};

/// How far the estimate falls short of the requirement, as a factor: 1 when met, 3 for three times the latency
/// limit or a third of the rate; infinity when the estimate is unknown (zero). Misses compare by this ratio, not by
/// a percentage that cannot exceed 100% for rates.
double miss_ratio(const Requirement& requirement);

/// How far an assessment misses its requirements in all: the sum of log(miss ratio), 0 when it meets them all, so
/// that missing one limit by 10x counts as much as missing two by about 3x each.
double shortfall(const std::vector<Requirement>& requirements);

/// A requirement's estimate and limit in the units people use: "850 ms" and "2 s", "12.3 tok/s", "20.2 GiB". A miss
/// that would round alike ("2 s" against "2 s" for 2.02 s) is written finer, "2,020 ms" against "2,000 ms", so that
/// no report reads as missing a limit it equals. The estimate is empty when it is unknown (zero: a device without
/// the figures it rests on).
struct RequirementFigures {
  std::string estimate;
  std::string limit;
};
RequirementFigures requirement_figures(const Requirement& requirement);

enum class Verdict { recommended, viable, not_viable };

/// Whether an assessment writes its findings' messages (Words::skip: codes, severities and scores only, the same
/// verdict and score, for judgements nobody reads, such as the ranking's of the candidates it drops).
enum class Words { write, skip };

std::string to_string(Verdict verdict);

struct Assessment {
  estimate::Estimate estimate;
  std::vector<Finding> findings;
  std::vector<Requirement> requirements;
  int score = 0; ///< 0–100
  Verdict verdict = Verdict::not_viable;
};

/// The software stack a device needs engines to support, as engines.json names backends: "cuda" (NVIDIA GPUs),
/// "rocm" (AMD GPUs), "metal" (Apple), "xpu" (Intel GPUs), "gaudi", "tpu" or "cpu".
std::string backend_of(const catalog::HardwareSpec& hardware);

/// Whether a finding says the engine refuses the plan as configured: it lacks the backend, the format, the kernels,
/// the head split or the weights (a compatibility blocker). Such a plan gets no command.
bool engine_refuses(const Finding& finding);

/// Nodes (hosts) a candidate spans: 1, or more for a catalog system whose devices sit on several hosts.
std::uint32_t hosts_spanned(const estimate::Candidate& candidate);

/// Every rule over one candidate (the table and the codes are in docs/rules.md). The score starts at 100, each
/// finding adds its delta, and the sum is clamped to 0–100; 0 with a blocker. The verdict: not-viable with any blocker,
/// recommended when every requirement is met, viable otherwise. The estimate becomes the assessment's: a caller done
/// with it moves it in.
Assessment assess(estimate::Estimate estimate, const model::ModelSpec& model, const workload::Workload& workload,
                  const catalog::Catalog& catalog, Words words = Words::write);

} // namespace llmhw::rules
