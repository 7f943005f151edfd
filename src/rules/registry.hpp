#pragma once
// Internal to the rules module: what a rule sees, what it may add, and the
// table of every rule in the order they run.

#include "llmhw/catalog/engines.hpp"
#include "llmhw/rules/rules.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace llmhw::rules::detail {

/// One candidate's estimate with the catalog entries its names resolve to.
struct RuleInput {
  const estimate::Estimate& estimate;
  const model::ModelSpec& model;
  const workload::Workload& workload;
  const catalog::Catalog& catalog;
  const catalog::EngineSpec* engine;    ///< null when the catalog has no such engine
  const catalog::QuantFormat* quant;    ///< weights; null when unknown
  const catalog::QuantFormat* kv_quant; ///< KV cache; null when unknown
};

/// What the rules have said so far; later rules may read earlier findings and requirements.
struct RuleOutput {
  std::vector<Finding> findings;
  std::vector<Requirement> requirements;
  Words words = Words::write;

  /// A finding, its message written by `message` (a callable returning the text) only when words are wanted:
  /// the ranking judges thousands of candidates to report a few, and formatting every message was a fifth of its
  /// time.
  template <typename Message> void add(std::string code, Severity severity, Message&& message, int score_delta)
  {
    findings.push_back(
        {std::move(code), severity, words == Words::write ? std::string(message()) : std::string(), score_delta});
  }
};

using RuleFunction = void (*)(const RuleInput&, RuleOutput&);

struct Rule {
  std::string_view name;
  RuleFunction apply;
};

/// Every rule, in the order it runs: compatibility, memory, requirements, then the rules that judge the whole.
std::span<const Rule> registry();

// One family of rules per file.
void engine_runs_on_device(const RuleInput& input, RuleOutput& out);
void engine_runs_model_format(const RuleInput& input, RuleOutput& out);
void architecture_served(const RuleInput& input, RuleOutput& out);
void tensor_parallel_heads(const RuleInput& input, RuleOutput& out);
void precision_native(const RuleInput& input, RuleOutput& out);
void kv_precision_supported(const RuleInput& input, RuleOutput& out);
void quantized_weights(const RuleInput& input, RuleOutput& out);
void engine_backend_limits(const RuleInput& input, RuleOutput& out);
void native_architecture_quant(const RuleInput& input, RuleOutput& out);
void artifact_available(const RuleInput& input, RuleOutput& out);

void fits_in_memory(const RuleInput& input, RuleOutput& out);
void context_within_model(const RuleInput& input, RuleOutput& out);
void concurrency_fits(const RuleInput& input, RuleOutput& out);
void headroom(const RuleInput& input, RuleOutput& out);
void partial_offload(const RuleInput& input, RuleOutput& out);
void offload_host_memory(const RuleInput& input, RuleOutput& out);

void service_levels(const RuleInput& input, RuleOutput& out);

void spans_hosts(const RuleInput& input, RuleOutput& out);
void device_count(const RuleInput& input, RuleOutput& out);
void tensor_parallel_over_pcie(const RuleInput& input, RuleOutput& out);
void mig_slice(const RuleInput& input, RuleOutput& out);
void consumer_gpu_many_users(const RuleInput& input, RuleOutput& out);
void engine_for_many_users(const RuleInput& input, RuleOutput& out);
void engine_status(const RuleInput& input, RuleOutput& out);
void engine_preference(const RuleInput& input, RuleOutput& out);
void not_sensible(const RuleInput& input, RuleOutput& out);
void unknown_figures(const RuleInput& input, RuleOutput& out);
void cpu_suffices(const RuleInput& input, RuleOutput& out);

/// Compute capability "8.9" as 89; empty when it is not "major.minor".
std::optional<int> capability_number(const std::string& text);

/// The plan runs: everything fits on the devices, or at least one sequence does (the other users wait), or
/// llama.cpp splits the layers between GPU and CPU (-ngl).
inline bool runs(const estimate::MemoryPlan& memory)
{
  return memory.fits || memory.max_concurrency >= 1 || (memory.gpu_layers.has_value() && memory.total_layers > 0);
}

} // namespace llmhw::rules::detail
