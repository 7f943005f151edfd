// Ranking when nothing meets the service levels, and the order of the table:
// the estimator, rules and probe are real; the machine is a captured fixture.

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/probe/probe.hpp"
#include "llmhw/workload/workload.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

using llmhw::advice::Advice;
using llmhw::advice::Inputs;
using llmhw::advice::recommend;
using llmhw::rules::Verdict;

using llmhw::test::builtin_catalog;
using llmhw::test::preset_workload;
namespace {

Advice advise(const std::string& model, const Inputs& inputs,
              const llmhw::workload::Workload& load = preset_workload("chat"))
{
  auto spec = llmhw::model::load(model, builtin_catalog());
  REQUIRE(spec.ok());
  auto advice = recommend(spec.value(), load, inputs, builtin_catalog());
  if (!advice.ok()) {
    FAIL(advice.error().message());
  }
  return advice.value();
}

/// The development VM (tests/fixtures/machines/this-vm: 2 vCPUs of an AMD EPYC, 24 GB, no GPU), probed.
Inputs this_vm()
{
  llmhw::probe::Environment environment;
  environment.root = std::string(LLM_HW_TEST_FIXTURES) + "/machines/this-vm";
  environment.skip_nvml = true;
  auto inventory = llmhw::probe::detect(environment, builtin_catalog());
  REQUIRE(inventory.ok());
  Inputs inputs;
  inputs.inventories.push_back(inventory.value());
  inputs.local = false;
  return inputs;
}

double total_miss(const llmhw::rules::Assessment& assessment)
{
  double sum = 0;
  for (const auto& requirement : assessment.requirements) {
    sum += std::log(llmhw::rules::miss_ratio(requirement));
  }
  return sum;
}

int verdict_rank(Verdict verdict)
{
  return verdict == Verdict::recommended ? 0 : verdict == Verdict::viable ? 1 : 2;
}

/// The table's order agrees with what it shows: verdict, then score, then (on equal scores) the smaller miss.
void check_order(const Advice& advice)
{
  for (std::size_t i = 1; i < advice.candidates.size(); ++i) {
    const auto& before = advice.candidates[i - 1].assessment;
    const auto& after = advice.candidates[i].assessment;
    INFO("rows " << i << " and " << i + 1);
    REQUIRE(verdict_rank(before.verdict) <= verdict_rank(after.verdict));
    if (before.verdict != after.verdict) {
      continue;
    }
    const auto cpu_first = [](const auto& a) {
      return std::any_of(a.findings.begin(), a.findings.end(), [](const auto& f) { return f.code == "CPU_SUFFICES"; });
    };
    if (cpu_first(before) != cpu_first(after)) {
      continue;
    }
    CHECK(before.score >= after.score);
    if (before.score == after.score) {
      CHECK(total_miss(before) <= total_miss(after));
    }
  }
}

} // namespace

TEST_CASE("on a 2-vCPU VM where nothing meets chat, the fastest candidate ranks first", "[advice][ranking]")
{
  // Llama 3.1 8B in bf16 reads 16 GB per decode step; two vCPUs are nowhere near chat's 100 ms per token.
  // An 8-bit or 4-bit GGUF in llama.cpp reads half or less, so it comes closest; bf16 in vLLM must not lead
  // because both miss by more than 100% (the old penalty saturated there and the quantization cost decided).
  for (const char* name : {"llama-3.1-8b", "qwen2.5-7b"}) {
    INFO(name);
    const Advice advice = advise(name, this_vm());
    REQUIRE(advice.candidates.size() >= 2);
    const auto& best = advice.candidates.front().assessment;
    CHECK(best.verdict == Verdict::viable);
    CHECK(best.estimate.candidate.quant != "bf16");
    for (const auto& other : advice.candidates) {
      if (other.assessment.verdict == Verdict::viable) {
        CHECK(best.estimate.performance.tpot_ms <= other.assessment.estimate.performance.tpot_ms);
      }
    }
    check_order(advice);
  }
}

TEST_CASE("a model that fits nowhere ranks the candidate closest to fitting first", "[advice][ranking]")
{
  // Llama 3.1 70B: 141 GB in bf16, about 42 GB in Q4_K_M, against the VM's 24 GB.
  const Advice advice = advise("llama-3.1-70b", this_vm());
  REQUIRE_FALSE(advice.candidates.empty());
  CHECK_FALSE(advice.recommendation);
  const auto& best = advice.candidates.front().assessment;
  CHECK(best.estimate.candidate.quant == "q4_k_m");
  for (const auto& other : advice.candidates) {
    CHECK(best.estimate.memory.weights_bytes <= other.assessment.estimate.memory.weights_bytes);
  }
  check_order(advice);
}

TEST_CASE("the table is in the order of the scores it shows, device counts included", "[advice][ranking]")
{
  // 8x H100 SXM offers 1, 2, 4 and 8 GPUs: without the device count in the score, a 2-GPU row could show a
  // higher score than the 1-GPU row above it.
  Inputs inputs;
  inputs.targets = {"8xh100-sxm"};
  for (const char* name : {"llama-3.1-8b", "llama-3.1-70b", "mixtral-8x7b"}) {
    INFO(name);
    const Advice advice = advise(name, inputs);
    check_order(advice);
    for (const auto& candidate : advice.candidates) {
      const auto count = candidate.assessment.estimate.candidate.count;
      const bool counted = std::any_of(candidate.assessment.findings.begin(), candidate.assessment.findings.end(),
                                       [](const auto& f) { return f.code == "DEVICE_COUNT"; });
      CHECK(counted == (count > 1));
    }
  }
}

TEST_CASE("among devices that all meet the limits, the smallest that does the job ranks first", "[advice][ranking]")
{
  // Llama 3.1 8B in bf16 (16 GB) for chat's 8 users: an L4 (24 GB, 300 GB/s) keeps under 100 ms per token, as do
  // an H100 and a B200; the extra speed of the larger parts is headroom chat did not ask for, at several times
  // the price. The L4 leads; before, the highest throughput broke the tie and the B200 led.
  Inputs inputs;
  inputs.targets = {"b200", "h100-sxm", "l4"};
  const Advice advice = advise("llama-3.1-8b", inputs);
  for (const char* device : {"b200", "h100-sxm", "l4"}) {
    const auto row = std::find_if(advice.candidates.begin(), advice.candidates.end(),
                                  [&](const auto& c) { return c.assessment.estimate.candidate.hardware.id == device; });
    REQUIRE(row != advice.candidates.end());
    CHECK(row->assessment.verdict == Verdict::recommended);
  }
  CHECK(advice.candidates.front().assessment.estimate.candidate.hardware.id == "l4");
  check_order(advice);
}

TEST_CASE("a CPU that suffices keeps the differences between its candidates in the score", "[advice][ranking]")
{
  // Qwen2.5 0.5B's KV cache for chat's 8 users is about 130 MB in bf16 (24 layers x 2 KV heads x 64 dims x 1,300 tokens
  // x 8): nothing to save by quantizing it. A +10 bonus clamped at 100 once made a q8_0 KV cache (-1) tie with bf16 and
  // win on speed; the 16-bit cache must lead.
  Inputs inputs;
  inputs.targets = {"graviton3"};
  const Advice advice = advise("qwen2.5-0.5b", inputs);
  REQUIRE(advice.recommendation);
  const auto& best = advice.candidates.front().assessment;
  CHECK(
      std::any_of(best.findings.begin(), best.findings.end(), [](const auto& f) { return f.code == "CPU_SUFFICES"; }));
  CHECK((best.estimate.candidate.kv_quant == "bf16" || best.estimate.candidate.kv_quant == "fp16"));
  check_order(advice);
}
