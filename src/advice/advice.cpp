#include "llmhw/advice/advice.hpp"

#include "pools.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/catalog/targets.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace llmhw::advice {
namespace {

int verdict_rank(rules::Verdict verdict)
{
  switch (verdict) {
  case rules::Verdict::recommended: return 0;
  case rules::Verdict::viable: return 1;
  case rules::Verdict::not_viable: return 2;
  }
  return 3;
}

bool has_finding(const rules::Assessment& assessment, const std::string& code)
{
  return std::any_of(assessment.findings.begin(), assessment.findings.end(),
                     [&](const rules::Finding& finding) { return finding.code == code; });
}

/// The engine is archived or in maintenance mode (rules ENGINE_ARCHIVED, ENGINE_MAINTENANCE_MODE).
bool unmaintained(const rules::Assessment& assessment)
{
  return has_finding(assessment, "ENGINE_ARCHIVED") || has_finding(assessment, "ENGINE_MAINTENANCE_MODE");
}

/// The order of the report: best first.
bool better(const detail::Scored& a, const detail::Scored& b)
{
  const rules::Assessment& x = a.ranked.assessment;
  const rules::Assessment& y = b.ranked.assessment;
  if (verdict_rank(x.verdict) != verdict_rank(y.verdict)) {
    return verdict_rank(x.verdict) < verdict_rank(y.verdict);
  }
  // An archived or maintenance-mode engine comes first only where no maintained engine runs the model as well.
  if (const bool x_unmaintained = unmaintained(x); x_unmaintained != unmaintained(y)) {
    return !x_unmaintained;
  }
  const bool x_cpu = has_finding(x, "CPU_SUFFICES");
  if (x_cpu != has_finding(y, "CPU_SUFFICES")) {
    return x_cpu;
  }
  // The score includes the device count's cost (DEVICE_COUNT), so the table is in the order of the score it shows.
  if (x.score != y.score) {
    return x.score > y.score;
  }
  // Equal scores (often 0, where missed service levels have used up every point): the one that comes closest.
  if (const double x_miss = rules::shortfall(x.requirements), y_miss = rules::shortfall(y.requirements);
      x_miss != y_miss) {
    return x_miss < y_miss;
  }
  // A known cost before an unknown one (a priced instance is a deployment one can order), then the cheaper. Both
  // steps keep the order total: comparing costs only where both are known would not be transitive, and the sort
  // of the whole catalog would then depend on unrelated targets.
  const auto& x_cost = a.ranked.cost.usd_per_million_output_tokens;
  const auto& y_cost = b.ranked.cost.usd_per_million_output_tokens;
  if (x_cost.has_value() != y_cost.has_value()) {
    return x_cost.has_value();
  }
  if (x_cost && *x_cost != *y_cost) {
    return *x_cost < *y_cost;
  }
  const estimate::Estimate& ex = x.estimate;
  const estimate::Estimate& ey = y.estimate;
  if (ex.candidate.count != ey.candidate.count) {
    return ex.candidate.count < ey.candidate.count;
  }
  // Equal in every judged respect: the smaller deployment does the job. Bare catalog devices carry no price, and
  // the memory bought is a rough proxy for it (an L4 before an H100 for an 8B chat that both serve within the
  // limits, an H100 before a B200); the faster device's extra speed is headroom the workload did not ask for.
  const auto memory_in_all = [](const estimate::Candidate& candidate) {
    return static_cast<double>(candidate.hardware.memory_bytes) * candidate.count;
  };
  if (memory_in_all(ex.candidate) != memory_in_all(ey.candidate)) {
    return memory_in_all(ex.candidate) < memory_in_all(ey.candidate);
  }
  if (ex.performance.decode_tok_s_aggregate != ey.performance.decode_tok_s_aggregate) {
    return ex.performance.decode_tok_s_aggregate > ey.performance.decode_tok_s_aggregate;
  }
  return ex.performance.tpot_ms < ey.performance.tpot_ms;
}

/// The best judgement the rules could give a candidate, as far as better() can tell: recommended, a maintained
/// engine (no ENGINE_ARCHIVED finding), a full score, no requirement missed (none listed), CPU_SUFFICES where the
/// device is a CPU (the only devices that rule judges), and of the estimate what better() reads: the device count, its
/// memory and the speeds. Keep in step with better(): when the best candidate so far beats this, it beats any judgement
/// of the candidate, so the rules need not run.
detail::Scored ideal(const detail::Pool& pool, std::uint32_t count)
{
  detail::Scored scored;
  rules::Assessment& assessment = scored.ranked.assessment;
  assessment.verdict = rules::Verdict::recommended;
  assessment.score = 100;
  if (pool.hardware.kind == catalog::DeviceKind::cpu) {
    assessment.findings.push_back({"CPU_SUFFICES", rules::Severity::info, {}, 0});
  }
  estimate::Estimate& estimate = assessment.estimate;
  estimate.candidate.hardware.kind = pool.hardware.kind;
  estimate.candidate.hardware.memory_bytes = pool.hardware.memory_bytes; // every candidate of the pool has it
  estimate.candidate.count = count;
  // Before estimating: the fastest speeds and, where the pool's price could apply, a cost of nothing.
  estimate.concurrency = UINT64_MAX;
  estimate.memory.fits = true;
  constexpr double k_fastest = std::numeric_limits<double>::infinity();
  estimate.performance = {};
  estimate.performance.prefill_tok_s = k_fastest;
  estimate.performance.decode_tok_s_per_user = k_fastest;
  estimate.performance.decode_tok_s_aggregate = k_fastest;
  estimate.performance.throughput_tok_s = k_fastest;
  if (pool.price_usd_per_hour && (count == pool.available || pool.fixed_count)) {
    scored.ranked.cost = {pool.price_usd_per_hour, 0.0};
  }
  return scored;
}

/// The same once estimated: the estimate's speeds and the cost they give.
detail::Scored ideal(const detail::Pool& pool, const estimate::Estimate& estimated)
{
  detail::Scored scored = ideal(pool, estimated.candidate.count);
  estimate::Estimate& estimate = scored.ranked.assessment.estimate;
  estimate.concurrency = estimated.concurrency;
  estimate.memory = estimated.memory;
  estimate.performance = estimated.performance;
  scored.ranked.cost = detail::cost_of(pool, estimated);
  return scored;
}

} // namespace

namespace detail {

Status check_names(const Inputs& inputs, const catalog::Catalog& catalog)
{
  if (inputs.framework && catalog.find_engine(*inputs.framework) == nullptr) {
    return Error{"--framework " + *inputs.framework, "unknown engine"};
  }
  if (inputs.quant && catalog.find_quant(*inputs.quant) == nullptr) {
    return Error{"--quant " + *inputs.quant, "unknown precision"};
  }
  if (inputs.kv_quant) {
    const catalog::QuantFormat* kv = catalog.find_quant(*inputs.kv_quant);
    if (kv == nullptr || !kv->kv_cache) {
      return Error{"--kv-quant " + *inputs.kv_quant, "not a KV-cache precision"};
    }
  }
  return Ok{};
}

Result<std::vector<detail::Pool>> pools_of(const Inputs& inputs, const catalog::Catalog& catalog, bool& all)
{
  if (auto names = check_names(inputs, catalog); !names) {
    return names.error();
  }
  all = std::find(inputs.targets.begin(), inputs.targets.end(), "all") != inputs.targets.end();
  if (!inputs.targets.empty()) {
    auto targets = catalog::resolve_targets(catalog, inputs.targets);
    if (!targets) {
      return targets.error();
    }
    return detail::pools_from_targets(*targets);
  }
  std::vector<detail::Pool> pools;
  const bool name_hosts = inputs.inventories.size() > 1 || !inputs.local;
  for (const probe::Inventory& inventory : inputs.inventories) {
    auto found = detail::pools_from_inventory(inventory, catalog, inputs.local,
                                              name_hosts ? inventory.host.hostname : std::string());
    pools.insert(pools.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  }
  if (pools.empty()) {
    return Error{"advise", "no devices to consider: the inventory lists none"};
  }
  if (name_hosts) {
    std::vector<detail::Pool> fleets = detail::fleet_pools(pools, inputs.inventories);
    pools.insert(pools.end(), std::make_move_iterator(fleets.begin()), std::make_move_iterator(fleets.end()));
  }
  return pools;
}

} // namespace detail

namespace {

/// What --sort cost and --sort speed compare; nullopt when unknown, which ranks last.
std::optional<double> sort_key(const RankedCandidate& ranked, Sort sort)
{
  if (sort == Sort::cost) {
    return ranked.cost.usd_per_million_output_tokens;
  }
  const double tpot = ranked.assessment.estimate.performance.tpot_ms;
  return std::isfinite(tpot) && tpot > 0 ? std::optional<double>(tpot) : std::nullopt;
}

} // namespace

Result<bool> has_datacenter_accelerator(const Inputs& inputs, const catalog::Catalog& catalog)
{
  const auto datacenter = [](const catalog::HardwareSpec& hardware) {
    const detail::Segment segment = detail::segment_of(hardware);
    return hardware.kind != catalog::DeviceKind::cpu &&
           (segment == detail::Segment::datacenter || segment == detail::Segment::tpu);
  };
  if (!inputs.targets.empty()) {
    auto targets = catalog::resolve_targets(catalog, inputs.targets);
    if (!targets) {
      return targets.error();
    }
    return std::any_of(targets->begin(), targets->end(), [&](const catalog::TargetRef& target) {
      return (target.system && target.system->kind != "system") || datacenter(target.device);
    });
  }
  for (const probe::Inventory& inventory : inputs.inventories) {
    for (const probe::Device& device : inventory.devices) {
      const catalog::HardwareSpec* known = device.catalog_id ? catalog.find_hardware(*device.catalog_id) : nullptr;
      if (known != nullptr && datacenter(*known)) {
        return true;
      }
    }
  }
  return false;
}

std::string to_string(Alternative::Kind kind)
{
  switch (kind) {
  case Alternative::Kind::target: return "target";
  case Alternative::Kind::count: return "count";
  case Alternative::Kind::quant: return "quant";
  case Alternative::Kind::engine: return "engine";
  case Alternative::Kind::model: return "model";
  }
  return "unknown";
}

namespace detail {

void sort_candidates(std::vector<Scored>& ranked, Sort sort)
{
  if (sort == Sort::score) {
    return; // rank() left them in the judgement's order
  }
  // Lowest cost, or lowest time per output token (the fastest decode each user sees), within each verdict: a
  // cheaper plan that misses the service levels must not displace one that meets them. Known before unknown; the
  // judgement's order among equals (a stable sort).
  std::stable_sort(ranked.begin(), ranked.end(), [sort](const Scored& a, const Scored& b) {
    const int a_verdict = verdict_rank(a.ranked.assessment.verdict);
    const int b_verdict = verdict_rank(b.ranked.assessment.verdict);
    if (a_verdict != b_verdict) {
      return a_verdict < b_verdict;
    }
    const std::optional<double> x = sort_key(a.ranked, sort);
    const std::optional<double> y = sort_key(b.ranked, sort);
    if (x.has_value() != y.has_value()) {
      return x.has_value();
    }
    return x && *x < *y;
  });
}

void cap_scores_by_rank(std::vector<Scored>& ranked)
{
  // Within a verdict the order follows the score, so this binds only where the ranking puts a lower score first for
  // a reason the points do not weigh: a verdict (meeting every requirement outranks points lost to warnings) or a
  // CPU that suffices. A script that sorts by score then gets the advice's order.
  for (std::size_t i = 1; i < ranked.size(); ++i) {
    int& score = ranked[i].ranked.assessment.score;
    score = std::min(score, ranked[i - 1].ranked.assessment.score);
  }
}

Cost cost_of(const Pool& pool, const estimate::Estimate& estimate)
{
  Cost cost;
  if (!pool.price_usd_per_hour || (estimate.candidate.count != pool.available && !pool.fixed_count)) {
    return cost; // a price is known only for the whole instance or slice, which is paid for whole
  }
  cost.usd_per_hour = pool.price_usd_per_hour;
  // Output tokens the deployment delivers while it also prefills each request's prompt (throughput_tok_s), not
  // the decode-only rate: the hour is paid for both, so pricing by decode alone would understate the cost per
  // million output tokens, most for long prompts and short answers.
  const double tokens_per_hour = estimate.performance.throughput_tok_s * 3600.0;
  if (estimate.memory.fits && tokens_per_hour > 0) {
    cost.usd_per_million_output_tokens = *pool.price_usd_per_hour / tokens_per_hour * 1e6;
  }
  return cost;
}

Scored score(const Pool& pool, std::size_t pool_index, estimate::Candidate candidate, const model::ModelSpec& model,
             const workload::Workload& workload, const catalog::Catalog& catalog)
{
  Scored scored;
  scored.ranked.assessment =
      rules::assess(estimate::run(std::move(candidate), model, workload, catalog), model, workload, catalog);
  scored.ranked.cost = cost_of(pool, scored.ranked.assessment.estimate);
  scored.pool = pool_index;
  return scored;
}

Ranking rank(const std::vector<Pool>& pools, const model::ModelSpec& model, const workload::Workload& workload,
             const Inputs& inputs, const catalog::Catalog& catalog, bool all_targets, Pruning pruning, bool one_best)
{
  // Each line of the report is the best candidate of its group: a pool with --target all, else a pool's device
  // count and engine. better() is a strict weak order, so a group's best is found by keeping the best so far,
  // replaced only by a strictly better one: among equals the earliest stays, as a stable sort of every candidate
  // would leave it first. A candidate is skipped only when the group's best so far beats the best judgement it could
  // get, so skipping never changes a group's best.
  struct Best {
    Scored scored;
    std::size_t ordinal = 0; ///< the candidate's position among all of them, pruned or not
  };
  std::vector<Best> bests;
  Ranking ranking;
  for (std::size_t index = 0; index < pools.size(); ++index) {
    const Pool& pool = pools[index];
    // This pool's groups; with one_best, the one group of every pool.
    const auto pool_first = one_best ? std::ptrdiff_t{0} : static_cast<std::ptrdiff_t>(bests.size());
    for (estimate::Candidate& candidate : candidates_for(pool, model, inputs, catalog)) {
      const std::size_t ordinal = ranking.candidates++;
      const auto group = std::find_if(bests.begin() + pool_first, bests.end(), [&](const Best& best) {
        const estimate::Candidate& other = best.scored.ranked.assessment.estimate.candidate;
        return one_best || all_targets || (other.count == candidate.count && other.engine == candidate.engine);
      });
      const bool contested = pruning == Pruning::unbeatable && group != bests.end();
      // First by the device count alone (more devices than the best needed), then by the estimate's speeds.
      if (contested && better(group->scored, ideal(pool, candidate.count))) {
        continue;
      }
      // First the analytic bounds, which no load can beat: a candidate that loses even with them is skipped
      // before the serving simulation, which costs ten times as much (docs/performance.md).
      estimate::Estimate estimate =
          estimate::run(std::move(candidate), model, workload, catalog, estimate::Speeds::analytic);
      ++ranking.estimated;
      if (contested) {
        if (better(group->scored, ideal(pool, estimate))) {
          continue;
        }
        // Then the rules' judgement of those bounds: every rule judges a faster plan no worse (a requirement is
        // met sooner, missed by less, a cost per token is lower), so no simulated load can earn a better one.
        Scored bound;
        bound.ranked.cost = cost_of(pool, estimate);
        bound.ranked.assessment = rules::assess(std::move(estimate), model, workload, catalog, rules::Words::skip);
        if (better(group->scored, bound)) {
          continue;
        }
        estimate = std::move(bound.ranked.assessment.estimate);
      }
      estimate = estimate::run(std::move(estimate.candidate), model, workload, catalog);
      Scored entry;
      entry.ranked.cost = cost_of(pool, estimate);
      entry.ranked.assessment = rules::assess(std::move(estimate), model, workload, catalog, rules::Words::skip);
      entry.pool = index;
      ++ranking.judged;
      if (group == bests.end()) {
        bests.push_back({std::move(entry), ordinal});
      } else if (better(entry, group->scored)) {
        *group = {std::move(entry), ordinal};
      }
    }
  }
  // Best first; equals in the order of the candidates, as a stable sort of every candidate would leave them. (A
  // merge sort also stays within bounds should better() ever fail to be a strict weak order; std::sort may not.)
  std::sort(bests.begin(), bests.end(), [](const Best& a, const Best& b) { return a.ordinal < b.ordinal; });
  std::stable_sort(bests.begin(), bests.end(), [](const Best& a, const Best& b) { return better(a.scored, b.scored); });
  ranking.kept.reserve(bests.size());
  for (Best& best : bests) {
    // Judged again with words: the same findings and scores, their messages written now that they will be read.
    rules::Assessment& judged = best.scored.ranked.assessment;
    judged = rules::assess(std::move(judged.estimate), model, workload, catalog);
    ranking.kept.push_back(std::move(best.scored));
  }
  return ranking;
}

} // namespace detail

Result<Advice> recommend(const model::ModelSpec& model, const workload::Workload& workload, const Inputs& inputs,
                         const catalog::Catalog& catalog)
{
  bool all = false;
  auto pools = detail::pools_of(inputs, catalog, all);
  if (!pools) {
    return pools.error();
  }

  std::vector<detail::Scored> kept =
      detail::rank(*pools, model, workload, inputs, catalog, all, detail::Pruning::unbeatable).kept;
  detail::cap_scores_by_rank(kept);
  detail::sort_candidates(kept, inputs.sort);

  Advice advice;
  advice.model = model;
  advice.workload = workload;
  advice.warnings = model.warnings;
  for (detail::Scored& entry : kept) {
    entry.ranked.node_commands = detail::node_commands(entry.ranked.assessment, model, workload, catalog);
    entry.ranked.command = entry.ranked.node_commands.empty() ? "" : entry.ranked.node_commands.front();
  }
  const rules::Verdict top = kept.empty() ? rules::Verdict::not_viable : kept.front().ranked.assessment.verdict;
  if (top != rules::Verdict::not_viable) {
    const RankedCandidate& best = kept.front().ranked;
    const estimate::Candidate& candidate = best.assessment.estimate.candidate;
    advice.recommendation = Recommendation{candidate.device,   candidate.engine,
                                           candidate.quant,    detail::summary_sentence(best, model, workload, catalog),
                                           candidate.count,    rules::hosts_spanned(candidate),
                                           candidate.kv_quant, best.command,
                                           best.cost,          top == rules::Verdict::recommended};
  }
  detail::Suggestions suggested;
  if (top != rules::Verdict::recommended) {
    // What would meet every requirement; failing that, when nothing runs, what would at least run.
    suggested = detail::suggestions(kept, *pools, model, workload, inputs, catalog, all, rules::Verdict::recommended);
    if (suggested.empty() && top == rules::Verdict::not_viable) {
      suggested = detail::suggestions(kept, *pools, model, workload, inputs, catalog, all, rules::Verdict::viable);
    }
    if (suggested.empty()) {
      suggested.sentences.emplace_back("No narrower precision, larger device count or single catalog device would "
                                       "do better; each candidate's reasons say what limits it");
    }
  }
  if (top == rules::Verdict::recommended && !all) {
    // A slice or instance is paid for whole: say so when a smaller one would serve as well.
    if (auto smaller = detail::smaller_system(kept.front(), *pools, model, workload, inputs, catalog)) {
      suggested.add(std::move(*smaller));
    }
  }
  advice.suggestions = std::move(suggested.sentences);
  advice.alternatives = std::move(suggested.alternatives);
  advice.quant = model.native_quant;
  advice.kv_quant = "bf16";
  if (!kept.empty()) {
    advice.quant = kept.front().ranked.assessment.estimate.candidate.quant;
    advice.kv_quant = kept.front().ranked.assessment.estimate.candidate.kv_quant;
  }
  const catalog::EngineSpec* top_engine =
      kept.empty() ? nullptr : catalog.find_engine(kept.front().ranked.assessment.estimate.candidate.engine);
  if (const catalog::QuantFormat* weights = catalog.find_quant(catalog::format_for(top_engine, advice.quant))) {
    advice.weight_bytes = model::weight_bytes(model, *weights);
  }
  if (const catalog::QuantFormat* kv = catalog.find_quant(advice.kv_quant)) {
    advice.kv_bytes_per_token = model::kv_bytes_per_token(model.arch, model::kv_bytes_per_element(*kv));
  }
  for (detail::Scored& entry : kept) {
    advice.candidates.push_back(std::move(entry.ranked));
  }
  return advice;
}

} // namespace llmhw::advice
