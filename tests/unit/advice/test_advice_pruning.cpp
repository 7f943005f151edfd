// Ranking the whole catalog fast: recommend() skips the candidates that could not beat their target's best even if
// the rules judged them perfectly (Pruning::unbeatable). These tests rank the same targets both ways, with the real
// catalog, estimator and rules, and require the same candidates in the same order with the same judgements, over
// models of each attention kind and workloads under which different candidates win.

#include "advice/pools.hpp"
#include "support/builtin_catalog.hpp"

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/targets.hpp"

#include <catch2/catch.hpp>

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

} // namespace

TEST_CASE("pruning keeps every target's best candidate across the whole catalog", "[advice][ranking]")
{
  llmhw::workload::Overrides strict;
  strict.slo.max_ttft_ms = 50; // few candidates meet these: the best of most targets is a near miss
  strict.slo.min_throughput_tok_s = 100'000;
  llmhw::workload::Overrides batch;
  batch.workload = "batch";
  batch.max_concurrency = true;

  struct Case {
    const char* model;
    llmhw::workload::Workload workload;
  };
  // GQA (Llama 3.1 8B, 405B), MLA and MoE (DeepSeek-V3), sliding-window layers (Gemma 3, gpt-oss), a model small
  // enough that CPUs suffice (SmolLM2 135M), and a model that fits few targets whole (405B).
  const std::vector<Case> cases = {
      {"llama-3.1-8b", preset("chat")},         {"llama-3.1-8b", resolved(strict)}, {"llama-3.1-8b", resolved(batch)},
      {"llama-3.1-8b", preset("long-context")}, {"deepseek-v3", preset("chat")},    {"gemma-3-27b", preset("rag")},
      {"gpt-oss-120b", preset("agent")},        {"smollm2-135m", preset("chat")},   {"llama-3.1-405b", preset("chat")},
      {"mixtral-8x22b", resolved(strict)},
  };
  for (const Case& each : cases) {
    INFO(each.model << " with the " << each.workload.name << " workload");
    const Ranking pruned = ranking(each.model, each.workload, {"all"}, Pruning::unbeatable);
    const Ranking full = ranking(each.model, each.workload, {"all"}, Pruning::none);
    require_same_ranking(pruned, full);
    // One line per catalog target; everything judged without pruning. Where no target's best meets every
    // requirement with a full score, nothing can be skipped.
    CHECK(full.kept.size() == llmhw::catalog::all_targets(builtin_catalog()).size());
    CHECK(full.judged == full.candidates);
    CHECK(pruned.candidates == full.candidates);
    CHECK(pruned.judged <= pruned.estimated);
    CHECK(pruned.estimated <= full.estimated);
  }
  // The default question (Llama 3.1 8B, chat): most targets' best meets every requirement, so many candidates are
  // skipped, some before they are estimated (more devices than the best needs).
  const Ranking pruned = ranking("llama-3.1-8b", preset("chat"), {"all"}, Pruning::unbeatable);
  CHECK(pruned.estimated < pruned.candidates);
  CHECK(pruned.judged < pruned.estimated);
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
