#pragma once
// The recommendation: every candidate assessed and ranked, the best one in a
// sentence with a ready-to-run command, and what would help when none fits.

#include "llmhw/model/model.hpp"
#include "llmhw/probe/inventory.hpp"
#include "llmhw/rules/rules.hpp"
#include "llmhw/workload/workload.hpp"

#include <optional>
#include <string>
#include <vector>

namespace llmhw::catalog {
struct Catalog;
}

namespace llmhw::advice {

struct Cost {
  std::optional<double> usd_per_hour;
  std::optional<double> usd_per_million_output_tokens;
};

struct RankedCandidate {
  rules::Assessment assessment;
  Cost cost;
  std::string command;     ///< ready-to-run engine command line (node 0's, for a plan across hosts)
  std::vector<std::string> node_commands; ///< one per node, in node order; {command} on one host
};

/// The first candidate, when it runs: what to deploy, as a script needs it.
struct Recommendation {
  std::string device;
  std::string framework;
  std::string quant;
  std::string summary;     ///< one sentence
  std::uint32_t count = 1; ///< devices used together
  std::uint32_t hosts = 1; ///< hosts the devices span
  std::string kv_quant;
  std::string command;     ///< the candidate's engine command line
  Cost cost;               ///< the candidate's, unknown where its target carries no price
  /// It meets every requirement (verdict recommended); false for the best available that misses one.
  bool meets_requirements = true;
};

/// A suggestion as data: the changed deployment it was estimated for, beside its sentence.
struct Alternative {
  enum class Kind { target, count, quant, engine, model };
  Kind kind = Kind::target;
  std::optional<std::string> target; ///< the --target value that runs it; empty for this machine's devices
  std::uint32_t count = 1;
  std::string framework;
  std::string quant;
  std::optional<std::string> model;  ///< another model; empty for the one advised on
  estimate::Performance performance; ///< what the changed candidate reaches
  std::string message;               ///< the sentence, as in Advice::suggestions
};

std::string to_string(Alternative::Kind kind);

/// The order of the candidates (--sort). The verdict always comes first (recommended, viable, not viable), so the
/// first candidate, and with it the recommendation, is one that meets every requirement whenever one does.
enum class Sort {
  score, ///< the judgement: a CPU that suffices, the score, the closest miss, cost, the smaller deployment
  cost,  ///< the lowest cost per million output tokens; unpriced candidates after priced ones
  speed, ///< the fastest decode per user (lowest time per output token); unknown speeds last
};

/// What hardware to consider.
struct Inputs {
  std::vector<probe::Inventory> inventories;   ///< the local probe or --hardware files (one per host)
  bool local = true;                           ///< the inventories are this machine's probe, not --hardware files
  std::vector<std::string> targets;            ///< --target values ("8xh100-sxm", "all"); replace the inventories
  std::optional<std::string> framework;        ///< --framework
  std::optional<std::string> quant;            ///< --quant
  std::optional<std::string> kv_quant;         ///< --kv-quant
  Sort sort = Sort::score;                     ///< --sort
};

struct Advice {
  model::ModelSpec model;
  workload::Workload workload;
  /// The weights and KV cache of the best candidate (the model's native precision when there is none), priced by
  /// model::weight_bytes and model::kv_bytes_per_token.
  std::string quant;
  std::string kv_quant;
  std::uint64_t weight_bytes = 0;
  std::uint64_t kv_bytes_per_token = 0;
  std::vector<RankedCandidate> candidates;     ///< best first
  std::optional<Recommendation> recommendation;   ///< empty when nothing fits
  std::vector<std::string> suggestions;        ///< when nothing fits: the smallest change that would
  /// The suggestions that are a changed deployment, as data, in the order of `suggestions` (a sentence with no
  /// deployment behind it, such as lowering --context, has none).
  std::vector<Alternative> alternatives;
  std::vector<std::string> warnings;
  /// The default the workload was taken from when no workload, concurrency, requirements file or service level
  /// chose one ("1 user at reading pace (no datacenter accelerator here; --concurrency to change)"); empty else.
  std::string assumed;
};

/// Every candidate (device pools × counts × engines × precisions × KV precisions) estimated, judged by the rules
/// and ranked: recommended before viable before not viable; a CPU that suffices first; then the score (which
/// counts the devices used), how far the requirements are missed, cost per million output tokens, fewer devices,
/// less device memory, throughput. Each score is then capped at the score of the candidate ranked above it, so
/// that the scores never rise down the list (a verdict or a CPU that suffices outranks points). `inputs.sort`
/// other than score reorders the candidates within each verdict; the recommendation is the first candidate. `--target all` keeps each target's best candidate, otherwise
/// the best per device, count and engine. Errors: an unknown target, engine or precision (exit code 2).
/// Whether the hardware to consider includes a datacenter accelerator (a datacenter GPU, a TPU, a Gaudi, as the
/// catalog places them) or a cloud instance or slice: the default question is then many users, otherwise one
/// person. A probed device the catalog does not know is no evidence of a datacenter. Errors: an unknown target.
Result<bool> has_datacenter_accelerator(const Inputs& inputs, const catalog::Catalog& catalog);

Result<Advice> recommend(const model::ModelSpec& model, const workload::Workload& workload, const Inputs& inputs,
                         const catalog::Catalog& catalog);

} // namespace llmhw::advice
