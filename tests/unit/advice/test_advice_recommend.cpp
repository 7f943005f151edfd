// Recommendations over catalog targets and a local inventory: the estimator
// and the rules are real; the hardware is the catalog's (datasheet figures) or
// an inventory built as the probe would report it.

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/workload/workload.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

using llmhw::advice::Advice;
using llmhw::advice::Inputs;
using llmhw::advice::recommend;
using llmhw::rules::Verdict;

using llmhw::test::builtin_catalog;
using llmhw::test::catalog_model;
using llmhw::test::preset_workload;
namespace {

Advice advise(const llmhw::model::ModelSpec& spec, const std::vector<std::string>& targets,
              const llmhw::workload::Workload& load = preset_workload(), Inputs inputs = {})
{
  inputs.targets = targets;
  auto advice = recommend(spec, load, inputs, builtin_catalog());
  if (!advice.ok()) {
    FAIL(advice.error().message());
  }
  return advice.value();
}

bool has_code(const llmhw::rules::Assessment& assessment, const std::string& code)
{
  return std::any_of(assessment.findings.begin(), assessment.findings.end(),
                     [&](const auto& finding) { return finding.code == code; });
}

} // namespace

TEST_CASE("Llama 3.1 70B in bf16 does not fit one H100 but fits two, four and eight", "[advice]")
{
  // 70.6 B parameters x 2 bytes = 141 GB of weights against 80 GB per H100 SXM (NVIDIA H100 datasheet).
  const auto spec = catalog_model("llama-3.1-70b");
  Inputs bf16;
  bf16.quant = "bf16";
  const Advice eight = advise(spec, {"8xh100-sxm"}, preset_workload(), bf16);
  std::set<std::uint32_t> fitting;
  for (const auto& candidate : eight.candidates) {
    const auto& estimate = candidate.assessment.estimate;
    if (estimate.candidate.count == 1) {
      // Nothing fits one GPU; llama.cpp alone runs it by leaving layers on the host CPU.
      CHECK_FALSE(estimate.memory.fits);
      CHECK(candidate.assessment.verdict != Verdict::recommended);
      CHECK((has_code(candidate.assessment, "DOES_NOT_FIT") || has_code(candidate.assessment, "PARTIAL_OFFLOAD")));
    } else if (estimate.memory.fits) {
      fitting.insert(estimate.candidate.count);
    }
  }
  CHECK(fitting == std::set<std::uint32_t>{2, 4, 8});
  REQUIRE(eight.recommendation);
  const auto& best = eight.candidates.front().assessment.estimate.candidate;
  CHECK(best.count == 2); // the fewest devices that serve it
  CHECK_THAT(eight.candidates.front().command, Catch::Contains("--tensor-parallel-size 2") ||
                                                   Catch::Contains("--tp 2") || Catch::Contains("--tp_size 2"));

  const Advice one = advise(spec, {"h100-sxm"}, preset_workload(), bf16);
  CHECK(one.candidates.front().assessment.verdict != Verdict::recommended);
  REQUIRE_FALSE(one.suggestions.empty());
  const bool more_devices = std::any_of(one.suggestions.begin(), one.suggestions.end(), [](const std::string& s) {
    return s.find("--target 2xh100-sxm") != std::string::npos;
  });
  CHECK(more_devices);
}

TEST_CASE("tensor parallel over NVLink is preferred to PCIe", "[advice]")
{
  const Advice advice = advise(catalog_model("llama-3.1-70b"), {"2xl40s", "2xh100-sxm"});
  REQUIRE(advice.recommendation);
  CHECK(advice.candidates.front().assessment.estimate.candidate.hardware.id == "h100-sxm");
  const auto l40s = std::find_if(advice.candidates.begin(), advice.candidates.end(), [](const auto& c) {
    return c.assessment.estimate.candidate.hardware.id == "l40s" && c.assessment.estimate.candidate.count == 2;
  });
  REQUIRE(l40s != advice.candidates.end());
  CHECK(has_code(l40s->assessment, "TP_OVER_PCIE"));
}

TEST_CASE("a CPU is recommended for a small model with loose service levels", "[advice]")
{
  // Qwen2.5 0.5B: 1 GB of bf16 weights; an EPYC 9654 reads 460.8 GB/s (12 x DDR5-4800, AMD's datasheet).
  auto load = preset_workload("chat");
  load.concurrency = 1;
  load.slo.max_tpot_ms = 200;
  load.slo.max_ttft_ms = 5000;
  const Advice advice = advise(catalog_model("qwen2.5-0.5b"), {"h100-sxm", "epyc-9654"}, load);
  REQUIRE(advice.recommendation);
  const auto& best = advice.candidates.front();
  CHECK(best.assessment.estimate.candidate.hardware.kind == llmhw::catalog::DeviceKind::cpu);
  CHECK(has_code(best.assessment, "CPU_SUFFICES"));
  CHECK_THAT(advice.recommendation->summary, Catch::StartsWith("The CPU is enough"));
}

TEST_CASE("fp8 is not proposed on an A100, and refused when asked of an engine without a fallback", "[advice]")
{
  const Advice chosen = advise(catalog_model("llama-3.1-8b"), {"a100-sxm4-80gb"});
  for (const auto& candidate : chosen.candidates) {
    CHECK(candidate.assessment.estimate.candidate.quant != "fp8");
  }
  Inputs pinned;
  pinned.quant = "fp8";
  pinned.framework = "sglang";
  const Advice refused = advise(catalog_model("llama-3.1-8b"), {"a100-sxm4-80gb"}, preset_workload(), pinned);
  CHECK_FALSE(refused.recommendation);
  REQUIRE_FALSE(refused.candidates.empty());
  CHECK(has_code(refused.candidates.front().assessment, "PRECISION_NOT_NATIVE"));
}

TEST_CASE("a GGUF model is served by llama.cpp or Ollama", "[advice]")
{
  auto gguf = catalog_model("llama-3.1-8b");
  gguf.source = llmhw::model::ModelSource::gguf;
  gguf.path = "Llama-3.1-8B-Instruct-Q4_K_M.gguf";
  gguf.native_quant = "q4_k_m";
  const Advice advice = advise(gguf, {"rtx-4090"});
  REQUIRE(advice.recommendation);
  CHECK((advice.recommendation->framework == "llama.cpp" || advice.recommendation->framework == "ollama"));
  for (const auto& candidate : advice.candidates) {
    const auto& engine = candidate.assessment.estimate.candidate.engine;
    if (engine != "llama.cpp" && engine != "ollama") {
      CHECK(candidate.assessment.verdict == Verdict::not_viable);
    }
  }
  CHECK_THAT(advice.candidates.front().command, Catch::Contains("Q4_K_M.gguf"));
}

TEST_CASE("TPU engines refuse architectures they do not serve", "[advice]")
{
  const Advice cohere = advise(catalog_model("command-r"), {"tpu-v5e-8"});
  CHECK_FALSE(cohere.recommendation);
  REQUIRE_FALSE(cohere.candidates.empty());
  for (const auto& candidate : cohere.candidates) {
    CHECK(has_code(candidate.assessment, "ARCHITECTURE_UNSUPPORTED"));
  }
  const Advice llama = advise(catalog_model("llama-3.1-8b"), {"tpu-v5e-8"});
  REQUIRE(llama.recommendation);
  CHECK((llama.recommendation->framework == "jetstream" || llama.recommendation->framework == "vllm-tpu"));
}

TEST_CASE("target all ranks each catalog target once, priced ones with a cost per million tokens", "[advice]")
{
  const Advice advice = advise(catalog_model("llama-3.1-8b"), {"all"});
  std::set<std::string> devices;
  bool priced = false;
  for (const auto& candidate : advice.candidates) {
    CHECK(devices.insert(candidate.assessment.estimate.candidate.device).second);
    if (candidate.cost.usd_per_million_output_tokens) {
      priced = true;
      CHECK(*candidate.cost.usd_per_million_output_tokens > 0);
      REQUIRE(candidate.cost.usd_per_hour);
    }
  }
  CHECK(devices.size() >= 100);
  CHECK(priced);
  REQUIRE(advice.recommendation);
}

TEST_CASE("a local inventory's devices are candidates under their probe ids", "[advice]")
{
  llmhw::probe::Inventory inventory;
  inventory.host.hostname = "workstation";
  inventory.memory.total_bytes = 64ULL << 30;
  inventory.memory.available_bytes = 48ULL << 30;
  llmhw::probe::Device cpu;
  cpu.id = "cpu0";
  cpu.kind = llmhw::catalog::DeviceKind::cpu;
  cpu.vendor = "AMD";
  cpu.model = "AMD Ryzen 9 7950X 16-Core Processor";
  cpu.cores = 16;
  cpu.threads = 32;
  cpu.catalog_id = "ryzen-9-7950x";
  cpu.isa = {"avx2", "avx512f", "avx512_bf16"};
  inventory.devices.push_back(cpu);
  Inputs inputs;
  inputs.inventories.push_back(inventory);
  auto advice = recommend(catalog_model("qwen2.5-0.5b"), preset_workload(), inputs, builtin_catalog());
  REQUIRE(advice.ok());
  REQUIRE_FALSE(advice->candidates.empty());
  for (const auto& candidate : advice->candidates) {
    CHECK(candidate.assessment.estimate.candidate.device == "cpu0");
    CHECK(candidate.assessment.estimate.candidate.local);
    CHECK(candidate.assessment.estimate.candidate.host.empty());
  }
}

TEST_CASE("unknown targets and engines are errors naming the input", "[advice]")
{
  Inputs inputs;
  inputs.targets = {"h100-sxmm"};
  auto unknown_target = recommend(catalog_model("llama-3.1-8b"), preset_workload(), inputs, builtin_catalog());
  REQUIRE_FALSE(unknown_target.ok());
  CHECK_THAT(unknown_target.error().message(), Catch::Contains("h100-sxmm"));
  inputs.targets = {"h100-sxm"};
  inputs.framework = "vllmm";
  auto unknown_engine = recommend(catalog_model("llama-3.1-8b"), preset_workload(), inputs, builtin_catalog());
  REQUIRE_FALSE(unknown_engine.ok());
  CHECK_THAT(unknown_engine.error().message(), Catch::Contains("--framework vllmm"));
}

TEST_CASE("an instance's hourly price becomes a cost per million output tokens", "[advice]")
{
  // aws-g6.xlarge: one L4 at $0.805 an hour on demand (data/hardware.json, AWS price list).
  const Advice advice = advise(catalog_model("llama-3.1-8b"), {"aws-g6.xlarge"});
  REQUIRE(advice.recommendation);
  const auto& best = advice.candidates.front();
  REQUIRE(best.cost.usd_per_hour);
  CHECK(*best.cost.usd_per_hour == Approx(0.805));
  REQUIRE(best.cost.usd_per_million_output_tokens);
  // Priced by the output tokens delivered while the prompts are prefilled too (1,000 prompt tokens per 300
  // output in chat), which is fewer per hour than decode alone would make.
  const auto& speed = best.assessment.estimate.performance;
  REQUIRE(speed.throughput_tok_s > 0);
  CHECK(*best.cost.usd_per_million_output_tokens == Approx(0.805 / (speed.throughput_tok_s * 3600) * 1e6));
  CHECK(*best.cost.usd_per_million_output_tokens > 0.805 / (speed.decode_tok_s_aggregate * 3600) * 1e6);
  CHECK_THAT(advice.recommendation->summary, Catch::Contains("per million output tokens"));

  // aws-g5.xlarge's A10G has no published tensor peak: its throughput, and so its cost per token, is unknown
  // rather than a bandwidth-only guess that made it look cheap. The hourly price stays.
  const Advice a10g = advise(catalog_model("llama-3.1-8b"), {"aws-g5.xlarge"});
  REQUIRE_FALSE(a10g.candidates.empty());
  CHECK(a10g.candidates.front().cost.usd_per_hour);
  CHECK_FALSE(a10g.candidates.front().cost.usd_per_million_output_tokens);
}

TEST_CASE("the summary writes a miss by less than the rounding in figures that differ", "[advice]")
{
  // Set the TTFT limit just under the recommendation's own estimate, so that both round to the same seconds. The
  // precision is pinned so that the limit cannot hand the recommendation to a plan of another precision.
  auto load = preset_workload("rag");
  Inputs q4;
  q4.quant = "q4_k_m";
  const Advice first = advise(catalog_model("qwen3-30b-a3b"), {"l4"}, load, q4);
  REQUIRE_FALSE(first.candidates.empty());
  const auto& speed = first.candidates.front().assessment.estimate.performance;
  const double ttft_ms = speed.ttft.p50 > 0 ? speed.ttft.p50 : speed.ttft_ms; // the figure the median limit reads
  REQUIRE(ttft_ms > 1000);
  load.slo = {};
  load.slo.max_ttft_ms = ttft_ms * 0.999;
  const Advice advice = advise(catalog_model("qwen3-30b-a3b"), {"l4"}, load, q4);
  REQUIRE(advice.recommendation.has_value());
  const std::string& summary = advice.recommendation->summary;
  REQUIRE_THAT(summary, Catch::Contains("it misses time to first token ("));
  const std::size_t at = summary.find("it misses time to first token (");
  const std::string missed = summary.substr(at, summary.find(')', at) - at);
  CHECK_THAT(missed, Catch::Matches(R"(it misses time to first token \([0-9,]+ ms against a limit of [0-9,]+ ms)"));
}
