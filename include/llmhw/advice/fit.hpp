#pragma once
// `llm-hw models --fit`: which models run here. Each model is ranked on the same
// hardware with the advice's machinery, and the models are ordered as a person
// choosing one would read them.

#include "llmhw/advice/advice.hpp"

#include <optional>
#include <string>
#include <vector>

namespace llmhw::advice {

enum class FitVerdict {
  meets,        ///< its best candidate runs and meets every requirement
  misses,       ///< it runs, but misses one or more requirements
  does_not_fit, ///< no candidate runs it (memory, or no engine for it on this hardware)
};

/// "meets", "misses", "does-not-fit"
std::string to_string(FitVerdict verdict);

struct FitRow {
  model::ModelSpec model;
  FitVerdict verdict = FitVerdict::does_not_fit;
  std::optional<RankedCandidate> best; ///< the model's first-ranked candidate, as advise ranks them; empty when none
  std::vector<std::string> missed;     ///< requirement names it misses ("max_ttft_ms"); "fits" when memory is short
  std::string reason;                  ///< one short phrase: what it misses or why it does not run; empty when it meets
};

struct Fit {
  workload::Workload workload;
  std::vector<std::string> hardware; ///< the device pools ranked on: "2× NVIDIA RTX 4090", "gpu-a: 8× H100 SXM"
  std::vector<FitRow> rows; ///< meets first, then misses, then does-not-fit (order_fit_rows)
  std::vector<std::string> warnings;
};

/// Bytes a candidate's plan needs in all: weights, KV cache, activations and overhead.
std::uint64_t needed_bytes(const estimate::MemoryPlan& memory);

/// The order of the report. Models that meet every requirement first, the largest (total parameters) first: the most
/// capable model that serves the workload as asked is the answer to "what can I run here"; equal sizes by speed per
/// user. Then the models that run but miss a requirement, the closest to meeting them first (the sum of log miss
/// ratios, as advise ranks candidates), then larger first. Last those that do not run, the smallest memory need
/// first (the nearest to fitting). Ties by name, so the order is total.
void order_fit_rows(std::vector<FitRow>& rows);

/// Ranks each model's candidates on the hardware `inputs` names (this machine, --target, --hardware) as advise
/// does, keeps each one's best, and orders the models. Errors as advise's: an unknown target, engine or precision.
Result<Fit> fit_models(std::vector<model::ModelSpec> models, const workload::Workload& workload, const Inputs& inputs,
                       const catalog::Catalog& catalog);

} // namespace llmhw::advice
