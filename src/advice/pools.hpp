#pragma once
// Internal to advice: the hardware to consider, as pools of identical devices
// (the local probe's GPUs grouped by model, or a --target), and the
// candidates each pool offers.

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/targets.hpp"
#include "llmhw/estimate/estimate.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::advice::detail {

/// Identical devices on one host, or one catalog target.
struct Pool {
  std::string device;                  ///< "gpu0" (local), "h100-sxm" or "aws-p5.48xlarge" (catalog)
  std::vector<std::string> device_ids; ///< local devices in the pool, in order ("gpu0", "gpu1")
  std::string name;
  std::string host;
  bool local = false;
  catalog::HardwareSpec hardware;
  std::uint32_t available = 1; ///< devices in the pool
  bool fixed_count = false;    ///< a slice or an instance: used whole, not split
  std::optional<catalog::SystemSpec> system;
  std::optional<double> price_usd_per_hour; ///< of all `available` devices
  std::optional<std::uint64_t> memory_free_bytes;
  std::optional<std::uint64_t> host_memory_bytes; ///< host RAM available for a partial offload's CPU layers
  std::optional<std::string> mig_profile;
  std::vector<std::string> unknown_figures;
};

/// --framework, --quant and --kv-quant name catalog entries (a KV precision for --kv-quant).
Status check_names(const Inputs& inputs, const catalog::Catalog& catalog);

/// The pools to rank: the --target values resolved (`all` set when one is "all"), else the inventories' devices.
/// Errors: a name check_names() refuses, an unknown target, or an inventory without devices.
Result<std::vector<Pool>> pools_of(const Inputs& inputs, const catalog::Catalog& catalog, bool& all);

/// Where a device is bought and run. A suggestion stays in the user's segment where it can, and the default
/// question depends on it: many users on a datacenter part (or a TPU), one person elsewhere.
enum class Segment { datacenter, tpu, workstation, desktop, laptop, apple };

/// The segment of a catalog device (or a probed one, by its name): server CPUs count as datacenter parts.
Segment segment_of(const catalog::HardwareSpec& hardware);

std::vector<Pool> pools_from_targets(const std::vector<catalog::TargetRef>& targets);

/// The inventory's devices, grouped: GPUs of one model and memory size pool together; each CPU (all its sockets)
/// and each MIG slice stands alone. `host` names the host when there are several.
std::vector<Pool> pools_from_inventory(const probe::Inventory& inventory, const catalog::Catalog& catalog, bool local,
                                       const std::string& host);

/// Hosts alike (the same accelerator, memory and count) from several --hardware files or a node list, pooled as one
/// multi-host system per kind: tensor parallel within each host, pipeline parallel across them, on the network the
/// hosts' probes reported (host.network).
std::vector<Pool> fleet_pools(const std::vector<Pool>& host_pools, const std::vector<probe::Inventory>& inventories);

/// The device counts worth estimating for a pool: powers of two up to what it has, and all of it.
std::vector<std::uint32_t> counts_to_try(const Pool& pool);

/// Every (count × engine × precision × KV precision) the pool can be asked to run, pinned by --framework,
/// --quant and --kv-quant where given.
std::vector<estimate::Candidate> candidates_for(const Pool& pool, const model::ModelSpec& model, const Inputs& inputs,
                                                const catalog::Catalog& catalog);

/// One candidate of `pool` with `count` devices.
estimate::Candidate candidate_of(const Pool& pool, std::uint32_t count, const std::string& engine,
                                 const std::string& quant, const std::string& kv_quant);

/// The ready-to-run command line for an estimate's engine.
std::string engine_command(const estimate::Estimate& estimate, const model::ModelSpec& model,
                           const workload::Workload& workload, const catalog::Catalog& catalog);

/// Whether this tool writes the engine's multi-node commands: the engines offered for plans across hosts.
bool runs_across_hosts(const std::string& engine);

/// The commands of a plan, one per node (a single one for one host); node 0's is engine_command() wrapped in the
/// engine's distributed mode. Empty when there is no command.
std::vector<std::string> node_commands(const estimate::Estimate& estimate, const model::ModelSpec& model,
                                       const workload::Workload& workload, const catalog::Catalog& catalog);

/// The commands of a judged candidate: none when a finding says the engine refuses the plan (rules::engine_refuses).
std::vector<std::string> node_commands(const rules::Assessment& assessment, const model::ModelSpec& model,
                                       const workload::Workload& workload, const catalog::Catalog& catalog);

/// A judged candidate and the pool it came from.
struct Scored {
  RankedCandidate ranked;
  std::size_t pool = 0;
};

/// Which candidates rank() estimates and judges.
enum class Pruning {
  none,       ///< every one: the reference the tests compare the pruned ranking with
  unbeatable, ///< not those that could not beat their group's best even at their analytic speed bounds
};

/// The report's candidates and what it took to find them.
struct Ranking {
  std::vector<Scored>
      kept; ///< best first: the best of each pool with --target all, else of each pool, count and engine
  std::size_t candidates = 0; ///< every (pool × count × engine × precision × KV precision)
  std::size_t estimated = 0;  ///< those the estimator ran on
  std::size_t judged = 0;     ///< those the rules judged
};

/// Ranks the pools' candidates. With Pruning::unbeatable the kept candidates are the same as with Pruning::none:
/// a candidate is skipped only when the group's best so far beats the best judgement it could get: first a perfect
/// one, then the rules' judgement of its analytic bounds (no simulated load is faster, and no rule judges a faster
/// plan worse). With `one_best` every candidate of every pool is one group, so only the overall best is kept
/// (models --fit).
Ranking rank(const std::vector<Pool>& pools, const model::ModelSpec& model, const workload::Workload& workload,
             const Inputs& inputs, const catalog::Catalog& catalog, bool all_targets, Pruning pruning,
             bool one_best = false);

/// Price per hour and per million output tokens, where the pool's price is known and the candidate uses all of it.
Cost cost_of(const Pool& pool, const estimate::Estimate& estimate);

/// Estimates and judges one candidate.
Scored score(const Pool& pool, std::size_t pool_index, estimate::Candidate candidate, const model::ModelSpec& model,
             const workload::Workload& workload, const catalog::Catalog& catalog);

/// What the advice suggests: every sentence, and beside it the changed deployment where it describes one.
struct Suggestions {
  std::vector<std::string> sentences;
  std::vector<Alternative> alternatives;

  void add(Alternative alternative)
  {
    sentences.push_back(alternative.message);
    alternatives.push_back(std::move(alternative));
  }
  bool empty() const { return sentences.empty(); }
};

/// The smallest changes that would bring the best candidates to `goal` (running at all, or meeting every
/// requirement), each computed by estimating the changed candidate: a narrower precision, more of the same device,
/// the smallest catalog device that meets every requirement. Empty when none would.
Suggestions suggestions(const std::vector<Scored>& ranked, const std::vector<Pool>& pools,
                        const model::ModelSpec& model, const workload::Workload& workload, const Inputs& inputs,
                        const catalog::Catalog& catalog, bool all_targets, rules::Verdict goal);

/// When the best candidate uses a whole slice or instance that meets every requirement: the smallest catalog slice
/// or instance of the same device that would too (a v6e-1 for an 8B model on a v6e-8), or nothing.
std::optional<Alternative> smaller_system(const Scored& best, const std::vector<Pool>& pools,
                                          const model::ModelSpec& model, const workload::Workload& workload,
                                          const Inputs& inputs, const catalog::Catalog& catalog);

/// Candidates in the order `sort` asks for, within each verdict; the judgement's order breaks ties.
void sort_candidates(std::vector<Scored>& ranked, Sort sort);

/// Caps each score at the one ranked above it (ranked in the judgement's order), so the scores never rise.
void cap_scores_by_rank(std::vector<Scored>& ranked);

/// The recommendation's one sentence.
std::string summary_sentence(const RankedCandidate& best, const model::ModelSpec& model,
                             const workload::Workload& workload, const catalog::Catalog& catalog);

} // namespace llmhw::advice::detail
