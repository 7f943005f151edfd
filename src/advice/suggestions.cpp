// What would fit when nothing does: each suggestion is a changed candidate that was estimated and judged.
#include "pools.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/catalog/targets.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/util/text.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::advice::detail {
namespace {

bool has(const std::string& text, std::string_view part)
{
  return text.find(part) != std::string::npos;
}

} // namespace

// A suggestion stays in the user's segment where it can: a datacenter asks for
// another datacenter part (an L4, not a GeForce card whose licence excludes datacenters), a desktop for a larger
// desktop or workstation card, a Mac for a Mac with more unified memory.
Segment segment_of(const catalog::HardwareSpec& hardware)
{
  const std::string name = util::to_lower(hardware.name);
  const std::string vendor = util::to_lower(hardware.vendor);
  switch (hardware.kind) {
  case catalog::DeviceKind::tpu: return Segment::tpu;
  case catalog::DeviceKind::accelerator: return Segment::datacenter; // Gaudi and the like
  case catalog::DeviceKind::cpu:
    // Server CPUs live in datacenters; desktop parts and single-board computers on desks.
    for (const char* server : {"epyc", "xeon", "graviton", "grace", "altra", "ampere"}) {
      if (has(name, server)) {
        return Segment::datacenter;
      }
    }
    return Segment::desktop;
  default: break;
  }
  if (vendor == "apple" || has(name, "apple")) {
    return Segment::apple;
  }
  if (has(name, "laptop") || has(name, "mobile")) {
    return Segment::laptop;
  }
  if (has(name, "geforce") || has(name, "titan") || has(name, "radeon rx") || has(name, "intel arc") ||
      has(name, "ryzen")) {
    return Segment::desktop;
  }
  // NVIDIA's RTX and Quadro cards, AMD's Radeon PRO, and the DGX Spark sit beside a desk, not in a rack.
  if (has(name, "rtx") || has(name, "quadro") || has(name, "radeon pro") || has(name, "gb10") ||
      has(name, "vega frontier")) {
    return Segment::workstation;
  }
  return Segment::datacenter; // Tesla, A/H/B/L-series, Instinct, Data Center GPU Max
}

namespace {

constexpr std::size_t k_candidates_to_vary = 8;
constexpr std::uint32_t k_most_devices = 64;

int rank(rules::Verdict verdict)
{
  return verdict == rules::Verdict::recommended ? 0 : verdict == rules::Verdict::viable ? 1 : 2;
}

/// The changed candidate reaches the goal: it runs (viable), or it meets every requirement (recommended).
bool works(const Scored& scored, rules::Verdict goal)
{
  return rank(scored.ranked.assessment.verdict) <= rank(goal);
}

bool has_finding(const rules::Assessment& assessment, const std::string& code)
{
  return std::any_of(assessment.findings.begin(), assessment.findings.end(),
                     [&](const rules::Finding& finding) { return finding.code == code; });
}

/// Blocked by memory alone: more memory or fewer bytes would make it work.
bool only_memory_blocks(const rules::Assessment& assessment)
{
  return std::all_of(assessment.findings.begin(), assessment.findings.end(), [](const rules::Finding& finding) {
    return finding.severity != rules::Severity::blocker || finding.code == "DOES_NOT_FIT";
  });
}

std::string spare(const Scored& scored)
{
  const std::int64_t headroom = scored.ranked.assessment.estimate.memory.headroom_bytes;
  return units::format_bytes(static_cast<std::uint64_t>(std::max<std::int64_t>(0, headroom)));
}

/// The segments to search, nearest first: the user's own, then the next step up.
std::vector<Segment> search_order(Segment own)
{
  switch (own) {
  case Segment::datacenter: return {Segment::datacenter};
  case Segment::tpu: return {Segment::tpu, Segment::datacenter};
  case Segment::workstation: return {Segment::workstation, Segment::datacenter};
  case Segment::desktop: return {Segment::desktop, Segment::workstation, Segment::datacenter};
  case Segment::laptop: return {Segment::laptop, Segment::desktop, Segment::workstation, Segment::datacenter};
  case Segment::apple: return {Segment::apple, Segment::workstation, Segment::datacenter};
  }
  return {Segment::datacenter};
}

/// The user's segment: that of their accelerators, or of the CPU when they have none.
Segment own_segment(const std::vector<Pool>& pools)
{
  for (const Pool& pool : pools) {
    if (pool.hardware.kind != catalog::DeviceKind::cpu) {
      return segment_of(pool.hardware);
    }
  }
  return pools.empty() ? Segment::datacenter : segment_of(pools.front().hardware);
}

/// The --target value that reproduces a changed candidate: none on this machine's (or a fleet's) single device.
std::optional<std::string> target_of(const Pool& pool, std::uint32_t count)
{
  if (count > 1) {
    return fmt::format("{}x{}", count, pool.hardware.id);
  }
  return pool.local || !pool.host.empty() ? std::nullopt : std::optional<std::string>(pool.device);
}

Alternative alternative_of(Alternative::Kind kind, std::optional<std::string> target, const Scored& scored,
                           std::string message)
{
  const estimate::Estimate& estimate = scored.ranked.assessment.estimate;
  return {kind,
          std::move(target),
          estimate.candidate.count,
          estimate.candidate.engine,
          estimate.candidate.quant,
          std::nullopt,
          estimate.performance,
          std::move(message)};
}

std::optional<Alternative> smaller_precision(const std::vector<Scored>& ranked, const std::vector<Pool>& pools,
                                             const model::ModelSpec& model, const workload::Workload& workload,
                                             const catalog::Catalog& catalog, rules::Verdict goal)
{
  for (std::size_t i = 0; i < std::min(ranked.size(), k_candidates_to_vary); ++i) {
    const rules::Assessment& assessment = ranked[i].ranked.assessment;
    if (!only_memory_blocks(assessment)) {
      continue;
    }
    const estimate::Candidate& base = assessment.estimate.candidate;
    const catalog::EngineSpec* engine = catalog.find_engine(base.engine);
    const catalog::QuantFormat* current = catalog.find_quant(base.quant);
    if (engine == nullptr || current == nullptr) {
      continue;
    }
    // The widest format the engine runs that is narrower than the current one: the smallest loss of quality.
    std::vector<const catalog::QuantFormat*> narrower;
    for (const std::string& id : engine->quants) {
      const catalog::QuantFormat* quant = catalog.find_quant(id);
      if (quant != nullptr && quant->bits_per_weight < current->bits_per_weight) {
        narrower.push_back(quant);
      }
    }
    std::stable_sort(narrower.begin(), narrower.end(),
                     [](const auto* a, const auto* b) { return a->bits_per_weight > b->bits_per_weight; });
    const Pool& pool = pools[ranked[i].pool];
    for (const catalog::QuantFormat* quant : narrower) {
      estimate::Candidate changed = base;
      changed.quant = quant->id;
      const Scored scored = score(pool, ranked[i].pool, changed, model, workload, catalog);
      if (works(scored, goal)) {
        return alternative_of(Alternative::Kind::quant, target_of(pool, base.count), scored,
                              fmt::format("Quantize the weights to {} ({:.3g} bits per weight): {} with {} fits with {} to spare "
                           "(--quant {}{})",
                           quant->id, quant->bits_per_weight,
                           base.count == 1 ? base.name : fmt::format("{}x {}", base.count, base.name), engine->name,
                           spare(scored), quant->id,
                           base.count > 1 ? fmt::format(" --target {}x{}", base.count, pool.hardware.id) : ""));
      }
    }
  }
  return std::nullopt;
}

std::optional<Alternative> more_devices(const std::vector<Scored>& ranked, const std::vector<Pool>& pools,
                                        const model::ModelSpec& model, const workload::Workload& workload,
                                        const catalog::Catalog& catalog, rules::Verdict goal)
{
  for (std::size_t i = 0; i < std::min(ranked.size(), k_candidates_to_vary); ++i) {
    const rules::Assessment& assessment = ranked[i].ranked.assessment;
    const estimate::Candidate& base = assessment.estimate.candidate;
    // CPUs, unified-memory machines (Apple, GB10), laptop GPUs and MIG slices do not gang up over a device
    // interconnect.
    if (!only_memory_blocks(assessment) || base.hardware.kind == catalog::DeviceKind::cpu || base.mig_profile ||
        base.hardware.unified_memory || segment_of(base.hardware) == Segment::laptop) {
      continue;
    }
    const Pool& pool = pools[ranked[i].pool];
    for (std::uint32_t count = base.count * 2; count <= k_most_devices; count *= 2) {
      Pool bigger = pool;
      bigger.available = count;
      bigger.fixed_count = false;
      bigger.price_usd_per_hour.reset();
      bigger.system.reset();
      estimate::Candidate changed = candidate_of(bigger, count, base.engine, base.quant, base.kv_quant);
      const Scored scored = score(bigger, ranked[i].pool, changed, model, workload, catalog);
      if (works(scored, goal)) {
        const catalog::EngineSpec* engine = catalog.find_engine(base.engine);
        const bool layer_split = engine != nullptr && engine->ggml.layer_split;
        // Say what the change buys: room for a model that did not fit, or speed for one that was too slow.
        const estimate::Performance& speed = scored.ranked.assessment.estimate.performance;
        const std::string gain =
            assessment.estimate.memory.fits
                ? fmt::format("it meets every requirement at {} per token, first token in {}",
                              units::format_duration_ms(speed.tpot_ms),
                              speed.ttft_ms > 0 ? units::format_duration_ms(speed.ttft_ms) : "not estimated")
                : fmt::format("it fits with {} to spare", spare(scored));
        return alternative_of(Alternative::Kind::count, fmt::format("{}x{}", count, pool.hardware.id), scored,
                              fmt::format("Use {} {} instead of {} ({}, {}): {} (--target {}x{})", count, pool.hardware.name,
                           base.count, engine != nullptr ? engine->name : base.engine,
                           layer_split
                               ? "layers split across them"
                               : fmt::format("tensor parallel over {}", pool.hardware.interconnect.kind == "none"
                                                                            ? "PCIe"
                                                                            : pool.hardware.interconnect.kind),
                           gain, count, pool.hardware.id));
      }
    }
  }
  return std::nullopt;
}

std::optional<Alternative> catalog_target(const std::vector<Pool>& pools, const model::ModelSpec& model,
                                          const workload::Workload& workload, const Inputs& inputs,
                                          const catalog::Catalog& catalog)
{
  // The smallest single catalog device that meets every requirement, in the user's segment first; systems and
  // counts are the user's next step.
  std::vector<catalog::TargetRef> singles;
  for (const catalog::TargetRef& target : catalog::all_targets(catalog)) {
    if (!target.system && target.device.kind != catalog::DeviceKind::cpu) {
      singles.push_back(target);
    }
  }
  std::stable_sort(singles.begin(), singles.end(),
                   [](const auto& a, const auto& b) { return a.device.memory_bytes < b.device.memory_bytes; });
  Inputs pinned = inputs;
  pinned.targets.clear();
  for (const Segment segment : search_order(own_segment(pools))) {
    for (const catalog::TargetRef& target : singles) {
      if (segment_of(target.device) != segment) {
        continue;
      }
      const std::vector<Pool> target_pools = pools_from_targets({target});
      const Pool& pool = target_pools.front();
      for (const estimate::Candidate& candidate : candidates_for(pool, model, pinned, catalog)) {
        const Scored scored = score(pool, 0, candidate, model, workload, catalog);
        if (scored.ranked.assessment.verdict == rules::Verdict::recommended) {
          const catalog::EngineSpec* engine = catalog.find_engine(candidate.engine);
          return alternative_of(
              Alternative::Kind::target, target.id, scored,
              fmt::format("The smallest catalog device that would serve it: {} ({}) with {} in {} (--target {})",
                          target.device.name, units::format_bytes(target.device.memory_bytes),
                          engine != nullptr ? engine->name : candidate.engine, candidate.quant, target.id));
        }
      }
    }
  }
  return std::nullopt;
}

/// Parameters under this share of the model's count make a model smaller (not a sibling of the same size).
constexpr double k_smaller_share = 0.9;
/// Smaller catalog models estimated at most, and suggested at most: each costs one ranking of the pools.
constexpr std::size_t k_models_to_try = 8;
constexpr std::size_t k_models_to_suggest = 2;

bool is_code_model(const std::string& id)
{
  return has(id, "code") || has(id, "coder");
}

/// The model's catalog family ("qwen3-moe"); a model file's HF model_type written the catalog's way.
std::string family_of(const model::ModelSpec& model, const catalog::Catalog& catalog)
{
  for (const catalog::ModelEntry& entry : catalog.models) {
    if (model.catalog_id && entry.id == *model.catalog_id) {
      return entry.family;
    }
  }
  std::string family = model.arch.family;
  std::replace(family.begin(), family.end(), '_', '-');
  return family;
}

/// Catalog models to try instead, nearest first: smaller, of the same kind (code for code, chat for chat), the
/// model's own family before others, then the largest first (the smallest step down in quality).
std::vector<const catalog::ModelEntry*> smaller_models(const model::ModelSpec& model, const catalog::Catalog& catalog)
{
  const std::string family = family_of(model, catalog);
  const bool code = is_code_model(util::to_lower(model.catalog_id.value_or(model.name)));
  std::vector<const catalog::ModelEntry*> found;
  for (const catalog::ModelEntry& entry : catalog.models) {
    if (entry.params > 0 && static_cast<double>(entry.params) < k_smaller_share * static_cast<double>(model.params) &&
        is_code_model(entry.id) == code) {
      found.push_back(&entry);
    }
  }
  std::stable_sort(found.begin(), found.end(), [&](const auto* a, const auto* b) {
    if ((a->family == family) != (b->family == family)) {
      return a->family == family;
    }
    return a->params > b->params;
  });
  found.resize(std::min(found.size(), k_models_to_try));
  return found;
}

/// The best candidate for `other` on the pools that meets every requirement (the highest score, then the fastest).
std::optional<Scored> best_meeting(const std::vector<Pool>& pools, const model::ModelSpec& other,
                                   const workload::Workload& workload, const Inputs& inputs,
                                   const catalog::Catalog& catalog, rules::Verdict goal)
{
  std::optional<Scored> chosen;
  for (std::size_t index = 0; index < pools.size(); ++index) {
    for (const estimate::Candidate& candidate : candidates_for(pools[index], other, inputs, catalog)) {
      Scored scored = score(pools[index], index, candidate, other, workload, catalog);
      if (!works(scored, goal)) {
        continue;
      }
      const rules::Assessment& x = scored.ranked.assessment;
      if (!chosen || x.score > chosen->ranked.assessment.score ||
          (x.score == chosen->ranked.assessment.score &&
           x.estimate.performance.tpot_ms < chosen->ranked.assessment.estimate.performance.tpot_ms)) {
        chosen = std::move(scored);
      }
    }
  }
  return chosen;
}

/// Smaller catalog models that would meet the requirements on these devices: the question may have a better
/// answer than bigger hardware.
std::vector<Alternative> smaller_model(const std::vector<Pool>& pools, const model::ModelSpec& model,
                                       const workload::Workload& workload, const Inputs& inputs,
                                       const catalog::Catalog& catalog, rules::Verdict goal)
{
  std::vector<Alternative> found;
  for (const catalog::ModelEntry* entry : smaller_models(model, catalog)) {
    auto other = model::load(entry->id, catalog);
    if (!other) {
      continue;
    }
    const std::optional<Scored> best = best_meeting(pools, *other, workload, inputs, catalog, goal);
    if (!best) {
      continue;
    }
    const estimate::Estimate& estimate = best->ranked.assessment.estimate;
    const estimate::Candidate& candidate = estimate.candidate;
    const catalog::EngineSpec* engine = catalog.find_engine(candidate.engine);
    // A slice or instance used whole is named as itself ("tpu-v5e-8"), not as its devices counted.
    const Pool& pool = pools[best->pool];
    const std::optional<std::string> target =
        pool.fixed_count && !pool.local && pool.host.empty() ? std::optional<std::string>(pool.device)
                                                             : target_of(pool, candidate.count);
    Alternative alternative = alternative_of(
        Alternative::Kind::model, target, *best,
        fmt::format("A smaller model {}: {} with {} in {} reaches {} per user, first token in {} (--model {}{})",
                    goal == rules::Verdict::recommended ? "meets every requirement" : "runs", entry->name,
                    engine != nullptr ? engine->name : candidate.engine, candidate.quant,
                    units::format_rate(estimate.performance.decode_tok_s_per_user, "tok/s"),
                    estimate.performance.ttft_ms > 0 ? units::format_duration_ms(estimate.performance.ttft_ms)
                                                     : "not estimated",
                    entry->id,
                    target ? " --target " + *target : ""));
    alternative.model = entry->id;
    found.push_back(std::move(alternative));
    if (found.size() == k_models_to_suggest) {
      break;
    }
  }
  return found;
}

} // namespace

std::optional<Alternative> smaller_system(const Scored& best, const std::vector<Pool>& pools,
                                          const model::ModelSpec& model, const workload::Workload& workload,
                                          const Inputs& inputs, const catalog::Catalog& catalog)
{
  const Pool& pool = pools[best.pool];
  if (!pool.fixed_count || !pool.system) {
    return std::nullopt; // only a slice or an instance is paid for whole, used or not
  }
  std::vector<catalog::TargetRef> smaller;
  for (const catalog::TargetRef& target : catalog::all_targets(catalog)) {
    if (target.system && target.system->kind == pool.system->kind && target.device.id == pool.hardware.id &&
        target.device_count < pool.available) {
      smaller.push_back(target);
    }
  }
  std::stable_sort(smaller.begin(), smaller.end(),
                   [](const auto& a, const auto& b) { return a.device_count < b.device_count; });
  Inputs pinned = inputs;
  pinned.targets.clear();
  for (const catalog::TargetRef& target : smaller) {
    const std::vector<Pool> target_pools = pools_from_targets({target});
    std::optional<Scored> chosen; // the best-scored candidate that meets every requirement
    for (const estimate::Candidate& candidate : candidates_for(target_pools.front(), model, pinned, catalog)) {
      Scored scored = score(target_pools.front(), 0, candidate, model, workload, catalog);
      if (scored.ranked.assessment.verdict == rules::Verdict::recommended &&
          (!chosen || scored.ranked.assessment.score > chosen->ranked.assessment.score)) {
        chosen = std::move(scored);
      }
    }
    if (!chosen) {
      continue;
    }
    const estimate::Candidate& candidate = chosen->ranked.assessment.estimate.candidate;
    const catalog::EngineSpec* engine = catalog.find_engine(candidate.engine);
    const std::string price = target.price_usd_per_hour && pool.price_usd_per_hour
                                  ? fmt::format(" at ${:.2f} an hour instead of ${:.2f}", *target.price_usd_per_hour,
                                                *pool.price_usd_per_hour)
                                  : "";
    return alternative_of(Alternative::Kind::target, target.id, *chosen,
                          fmt::format("A smaller {} does the job: {} ({} of {}) meets every requirement with {} in {}{} "
                                      "(--target {})",
                                      pool.system->kind, target.system->name, target.device_count, pool.available,
                                      engine != nullptr ? engine->name : candidate.engine, candidate.quant, price,
                                      target.id));
  }
  return std::nullopt;
}

Suggestions suggestions(const std::vector<Scored>& ranked, const std::vector<Pool>& pools,
                        const model::ModelSpec& model, const workload::Workload& workload, const Inputs& inputs,
                        const catalog::Catalog& catalog, bool all_targets, rules::Verdict goal)
{
  Suggestions out;
  if (!ranked.empty() && has_finding(ranked.front().ranked.assessment, "CONTEXT_EXCEEDS_MODEL")) {
    // Advice on the workload, not another deployment: a sentence without an alternative.
    out.sentences.push_back(fmt::format("Lower --context to {} tokens or fewer: the model was trained for no more",
                                        model.arch.max_context));
    return out;
  }
  for (auto found : {smaller_precision(ranked, pools, model, workload, catalog, goal),
                     more_devices(ranked, pools, model, workload, catalog, goal)}) {
    if (found) {
      out.add(std::move(*found));
    }
  }
  if (!all_targets) {
    // On these devices, a smaller model; then, for this model, a bigger device.
    for (Alternative& found : smaller_model(pools, model, workload, inputs, catalog, goal)) {
      out.add(std::move(found));
    }
    if (auto found = catalog_target(pools, model, workload, inputs, catalog)) {
      out.add(std::move(*found));
    }
  }
  return out;
}

} // namespace llmhw::advice::detail
