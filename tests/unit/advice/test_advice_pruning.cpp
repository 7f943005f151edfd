// Ranking the whole catalog fast: recommend() skips the candidates that could not beat their target's best even if
// the rules judged them perfectly, or as they judge the candidate's analytic speed bounds (Pruning::unbeatable).
// These tests rank the same targets both ways, with the real catalog, estimator and rules, and require the same
// candidates in the same order with the same judgements, over models of each attention kind and workloads under
// which different candidates win.

#include "advice/pools.hpp"
#include "support/builtin_catalog.hpp"

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/targets.hpp"
#include "llmhw/estimate/estimate.hpp"
#include "llmhw/rules/rules.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using llmhw::advice::Inputs;
using llmhw::advice::detail::Pruning;
using llmhw::advice::detail::Ranking;
using llmhw::test::builtin_catalog;
using llmhw::test::catalog_model;

namespace {

llmhw::workload::Workload resolved(llmhw::workload::Overrides overrides)
{
  auto workload = llmhw::workload::resolve(overrides, builtin_catalog());
  REQUIRE(workload.ok());
  return workload.value();
}

llmhw::workload::Workload preset(const std::string& name)
{
  llmhw::workload::Overrides overrides;
  overrides.workload = name;
  return resolved(overrides);
}

Ranking ranking(const std::string& model, const llmhw::workload::Workload& workload,
                const std::vector<std::string>& targets, Pruning pruning, const Inputs& pinned = {})
{
  auto refs = llmhw::catalog::resolve_targets(builtin_catalog(), targets);
  REQUIRE(refs.ok());
  Inputs inputs = pinned;
  inputs.targets = targets;
  const bool all = targets == std::vector<std::string>{"all"};
  return llmhw::advice::detail::rank(llmhw::advice::detail::pools_from_targets(refs.value()), catalog_model(model),
                                     workload, inputs, builtin_catalog(), all, pruning);
}

/// Same candidates, same order, same figures and the same judgement, finding by finding.
/// Calls `check(model, workload, candidate)` for every candidate of every catalog target, under each model id and
/// workload of `cases`; returns how many candidates it checked.
template <typename Check>
std::size_t for_each_catalog_candidate(const std::vector<std::pair<std::string, llmhw::workload::Workload>>& cases,
                                       Check check)
{
  const auto& catalog = builtin_catalog();
  const std::vector<std::string> all = {"all"};
  auto refs = llmhw::catalog::resolve_targets(catalog, all);
  REQUIRE(refs.ok());
  const auto pools = llmhw::advice::detail::pools_from_targets(refs.value());
  std::size_t checked = 0;
  for (const auto& [model_id, workload] : cases) {
    const auto model = catalog_model(model_id);
    for (const auto& pool : pools) {
      for (const auto& candidate : llmhw::advice::detail::candidates_for(pool, model, Inputs{}, catalog)) {
        INFO(model_id << " on " << candidate.count << "x " << candidate.device << " " << candidate.engine << " "
                      << candidate.quant << "/" << candidate.kv_quant);
        check(model, workload, candidate);
        ++checked;
      }
    }
  }
  return checked;
}

void require_same_ranking(const Ranking& pruned, const Ranking& full)
{
  REQUIRE(pruned.kept.size() == full.kept.size());
  for (std::size_t i = 0; i < full.kept.size(); ++i) {
    const auto& a = pruned.kept[i].ranked;
    const auto& b = full.kept[i].ranked;
    const auto& x = a.assessment.estimate;
    const auto& y = b.assessment.estimate;
    INFO("line " << i + 1 << ": " << y.candidate.device << " " << y.candidate.count << "x " << y.candidate.engine << " "
                 << y.candidate.quant << "/" << y.candidate.kv_quant);
    CHECK(pruned.kept[i].pool == full.kept[i].pool);
    CHECK(x.candidate.device == y.candidate.device);
    CHECK(x.candidate.count == y.candidate.count);
    CHECK(x.candidate.engine == y.candidate.engine);
    CHECK(x.candidate.quant == y.candidate.quant);
    CHECK(x.candidate.kv_quant == y.candidate.kv_quant);
    CHECK(x.performance.tpot_ms == y.performance.tpot_ms);
    CHECK(x.memory.headroom_bytes == y.memory.headroom_bytes);
    CHECK(x.assumptions == y.assumptions);
    CHECK(a.assessment.score == b.assessment.score);
    CHECK(a.assessment.verdict == b.assessment.verdict);
    REQUIRE(a.assessment.findings.size() == b.assessment.findings.size());
    for (std::size_t f = 0; f < b.assessment.findings.size(); ++f) {
      CHECK(a.assessment.findings[f].code == b.assessment.findings[f].code);
      CHECK(a.assessment.findings[f].message == b.assessment.findings[f].message);
    }
    CHECK(a.cost.usd_per_million_output_tokens == b.cost.usd_per_million_output_tokens);
  }
}

void check_pruning_over_catalog(const std::string& model, const llmhw::workload::Workload& workload)
{
  INFO(model << " with the " << workload.name << " workload");
  const Ranking pruned = ranking(model, workload, {"all"}, Pruning::unbeatable);
  const Ranking full = ranking(model, workload, {"all"}, Pruning::none);
  require_same_ranking(pruned, full);
  // One line per catalog target; everything judged without pruning. Where no target's best meets every
  // requirement with a full score, nothing can be skipped.
  CHECK(full.kept.size() == llmhw::catalog::all_targets(builtin_catalog()).size());
  CHECK(full.judged == full.candidates);
  CHECK(pruned.candidates == full.candidates);
  CHECK(pruned.judged <= pruned.estimated);
  CHECK(pruned.estimated <= full.estimated);
}

llmhw::workload::Workload strict_slo()
{
  llmhw::workload::Overrides strict;
  strict.slo.max_ttft_ms = 50; // few candidates meet these: the best of most targets is a near miss
  strict.slo.min_throughput_tok_s = 100'000;
  return resolved(strict);
}

} // namespace

// Each case ranks the whole catalog twice (pruned and not), with the serving simulation: one test case each, so
// that each stays within CTest's time limit. GQA (Llama 3.1 8B, 405B), MLA and MoE (DeepSeek-V3), sliding-window
// layers (Gemma 3, gpt-oss), a model small enough that CPUs suffice (SmolLM2 135M), and one that fits few targets
// whole (405B).
TEST_CASE("pruning keeps every target's best candidate: Llama 3.1 8B with chat", "[advice][ranking]")
{
  check_pruning_over_catalog("llama-3.1-8b", preset("chat"));
  // The default question: most targets' best meets every requirement, so many candidates are skipped, some before
  // they are estimated (more devices than the best needs).
  const Ranking pruned = ranking("llama-3.1-8b", preset("chat"), {"all"}, Pruning::unbeatable);
  CHECK(pruned.estimated < pruned.candidates);
  // Most candidates lose on points the rules take whatever the load (a quantized KV cache, more devices): judged
  // on their analytic bounds, they are skipped before the serving simulation.
  CHECK(pruned.judged * 3 < pruned.estimated);
}

TEST_CASE("pruning keeps every target's best candidate: Llama 3.1 8B with strict requirements", "[advice][ranking]")
{
  check_pruning_over_catalog("llama-3.1-8b", strict_slo());
}

TEST_CASE("pruning keeps every target's best candidate: Llama 3.1 8B with batch at max concurrency",
          "[advice][ranking]")
{
  llmhw::workload::Overrides batch;
  batch.workload = "batch";
  batch.max_concurrency = true;
  // At --concurrency max every candidate simulates thousands of sequences: a cross-section of the catalog (one
  // GPU, a node, an instance, a TPU slice, a CPU, unified memory) instead of every target.
  const std::vector<std::string> targets = {"l4",        "h100-sxm",  "8xh100-sxm",      "aws-g5.xlarge",
                                            "tpu-v5e-8", "epyc-9654", "apple-m4-max-40c"};
  const Ranking pruned = ranking("llama-3.1-8b", resolved(batch), targets, Pruning::unbeatable);
  const Ranking full = ranking("llama-3.1-8b", resolved(batch), targets, Pruning::none);
  require_same_ranking(pruned, full);
  CHECK(full.judged == full.candidates);
  CHECK(pruned.candidates == full.candidates);
  CHECK(pruned.estimated <= full.estimated);
}

TEST_CASE("pruning keeps every target's best candidate: Llama 3.1 8B with long context", "[advice][ranking]")
{
  check_pruning_over_catalog("llama-3.1-8b", preset("long-context"));
}

TEST_CASE("pruning keeps every target's best candidate: DeepSeek-V3 with chat", "[advice][ranking]")
{
  check_pruning_over_catalog("deepseek-v3", preset("chat"));
}

TEST_CASE("pruning keeps every target's best candidate: Gemma 3 27B with rag", "[advice][ranking]")
{
  check_pruning_over_catalog("gemma-3-27b", preset("rag"));
}

TEST_CASE("pruning keeps every target's best candidate: gpt-oss-120b with agent", "[advice][ranking]")
{
  check_pruning_over_catalog("gpt-oss-120b", preset("agent"));
}

TEST_CASE("pruning keeps every target's best candidate: SmolLM2 135M with chat", "[advice][ranking]")
{
  check_pruning_over_catalog("smollm2-135m", preset("chat"));
}

TEST_CASE("pruning keeps every target's best candidate: Llama 3.1 405B with chat", "[advice][ranking]")
{
  check_pruning_over_catalog("llama-3.1-405b", preset("chat"));
}

TEST_CASE("pruning keeps every target's best candidate: Mixtral 8x22B with strict requirements", "[advice][ranking]")
{
  check_pruning_over_catalog("mixtral-8x22b", strict_slo());
}

TEST_CASE("the rules judge a candidate's analytic bounds no worse than its simulated figures", "[advice][ranking]")
{
  // What the pruning rests on, candidate by candidate over the whole catalog: each key the ranking compares
  // (verdict, score, how far the requirements are missed, cost) is at least as good for the bounds.
  const auto& catalog = builtin_catalog();
  const std::size_t compared = for_each_catalog_candidate(
      {{"llama-3.1-8b", strict_slo()}, {"qwen3-30b-a3b", preset("rag")}},
      [&](const auto& model, const auto& workload, const auto& candidate) {
        const auto bound = llmhw::rules::assess(
            llmhw::estimate::run(candidate, model, workload, catalog, llmhw::estimate::Speeds::analytic), model,
            workload, catalog);
        const auto actual =
            llmhw::rules::assess(llmhw::estimate::run(candidate, model, workload, catalog), model, workload, catalog);
        CHECK(static_cast<int>(bound.verdict) <= static_cast<int>(actual.verdict));
        CHECK(bound.score >= actual.score);
        CHECK(llmhw::rules::shortfall(bound.requirements) <= llmhw::rules::shortfall(actual.requirements) + 1e-12);
        CHECK(bound.estimate.performance.throughput_tok_s >= actual.estimate.performance.throughput_tok_s);
        const auto cpu_suffices = [](const llmhw::rules::Assessment& assessment) {
          return std::any_of(assessment.findings.begin(), assessment.findings.end(),
                             [](const auto& finding) { return finding.code == "CPU_SUFFICES"; });
        };
        CHECK((cpu_suffices(bound) || !cpu_suffices(actual)));
      });
  CHECK(compared > 1000);
}

TEST_CASE("the ranking's judgements without words score as the ones with words", "[advice][ranking]")
{
  // rank() judges every candidate with Words::skip and writes the messages of those it keeps: the findings' codes,
  // severities and scores, the requirements and the verdict must not depend on the words.
  const auto& catalog = builtin_catalog();
  std::size_t findings = 0;
  const std::size_t compared = for_each_catalog_candidate(
      {{"llama-3.1-70b", strict_slo()}, {"deepseek-v3", preset("rag")}},
      [&](const auto& model, const auto& workload, const auto& candidate) {
        const auto estimate =
            llmhw::estimate::run(candidate, model, workload, catalog, llmhw::estimate::Speeds::analytic);
        const auto written = llmhw::rules::assess(estimate, model, workload, catalog);
        const auto quiet = llmhw::rules::assess(estimate, model, workload, catalog, llmhw::rules::Words::skip);
        CHECK(quiet.verdict == written.verdict);
        CHECK(quiet.score == written.score);
        REQUIRE(quiet.findings.size() == written.findings.size());
        for (std::size_t i = 0; i < quiet.findings.size(); ++i) {
          CHECK(quiet.findings[i].code == written.findings[i].code);
          CHECK(quiet.findings[i].severity == written.findings[i].severity);
          CHECK(quiet.findings[i].score_delta == written.findings[i].score_delta);
          CHECK(quiet.findings[i].message.empty());
          CHECK_FALSE(written.findings[i].message.empty());
        }
        CHECK(llmhw::rules::shortfall(quiet.requirements) == llmhw::rules::shortfall(written.requirements));
        findings += written.findings.size();
      });
  CHECK(compared > 1000);
  CHECK(findings > 3 * compared); // the rules said several things of each candidate
}

TEST_CASE("pruning keeps the best of each device count and engine for named targets", "[advice][ranking]")
{
  // Without --target all each count and engine of a target keeps a line: pruning may only skip within one.
  const std::vector<std::string> targets = {"8xh100-sxm", "4xl40s", "tpu-v5e-8", "2xa100-sxm4-40gb", "mi300x"};
  for (const char* model : {"llama-3.1-70b", "qwen3-30b-a3b"}) {
    INFO(model);
    const Ranking pruned = ranking(model, preset("chat"), targets, Pruning::unbeatable);
    const Ranking full = ranking(model, preset("chat"), targets, Pruning::none);
    require_same_ranking(pruned, full);
    CHECK(pruned.judged <= full.judged);
  }
  Inputs pinned;
  pinned.framework = "llama.cpp"; // one engine, GGUF precisions
  require_same_ranking(ranking("llama-3.1-8b", preset("code"), targets, Pruning::unbeatable, pinned),
                       ranking("llama-3.1-8b", preset("code"), targets, Pruning::none, pinned));
}

TEST_CASE("a target's line under --target all is the best that target gets alone", "[advice][ranking]")
{
  // An instance without a price, whose vLLM, SGLang, LMDeploy and TGI candidates tie on every figure: the first
  // engine in the catalog's order stays first, whatever other targets are ranked with it.
  const auto load = preset("chat");
  const Ranking all = ranking("llama-3.1-8b", load, {"all"}, Pruning::unbeatable);
  for (const char* target : {"gcp-a3-ultragpu-8g", "dgx-h100", "aws-p5.48xlarge", "h100-sxm", "tpu-v5e-8"}) {
    INFO(target);
    const Ranking alone = ranking("llama-3.1-8b", load, {target}, Pruning::none);
    REQUIRE_FALSE(alone.kept.empty());
    const auto& best = alone.kept.front().ranked.assessment.estimate.candidate;
    bool found = false;
    for (const auto& line : all.kept) {
      const auto& candidate = line.ranked.assessment.estimate.candidate;
      if (candidate.device == best.device) {
        found = true;
        CHECK(candidate.count == best.count);
        CHECK(candidate.engine == best.engine);
        CHECK(candidate.quant == best.quant);
        CHECK(candidate.kv_quant == best.kv_quant);
      }
    }
    CHECK(found);
  }
}
