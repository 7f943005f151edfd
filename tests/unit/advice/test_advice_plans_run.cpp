// Every printed command starts as planned (single-host plans): tensor-parallel sizes the engine accepts for the
// model's heads, llama.cpp's slots, context and GPU layers as the plan has them, file names and cache types its
// tools know, Ollama tags that exist, and partial offloads whose CPU layers fit in host memory.

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/estimate/estimate.hpp"
#include "llmhw/rules/rules.hpp"
#include "llmhw/util/units.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <string>
#include <vector>

using llmhw::test::builtin_catalog;
using llmhw::test::catalog_model;

namespace {

llmhw::workload::Workload workload_of(std::uint64_t concurrency, std::uint64_t context = 0)
{
  llmhw::workload::Overrides overrides;
  overrides.workload = "chat";
  overrides.concurrency = concurrency;
  if (context > 0) {
    overrides.context = context;
    overrides.prompt_tokens = context / 2;
    overrides.output_tokens = context / 4;
  }
  auto resolved = llmhw::workload::resolve(overrides, builtin_catalog());
  REQUIRE(resolved.ok());
  return *resolved;
}

llmhw::advice::Advice advise(const std::string& model, const std::string& target,
                             const llmhw::workload::Workload& workload, std::optional<std::string> engine = {},
                             std::optional<std::string> quant = {}, std::optional<std::string> kv_quant = {})
{
  llmhw::advice::Inputs inputs;
  inputs.targets = {target};
  inputs.framework = std::move(engine);
  inputs.quant = std::move(quant);
  inputs.kv_quant = std::move(kv_quant);
  auto advice = llmhw::advice::recommend(catalog_model(model), workload, inputs, builtin_catalog());
  REQUIRE(advice.ok());
  return std::move(*advice);
}

/// The integer after `flag ` in a command line, when the flag is there.
std::optional<std::uint64_t> flag_value(const std::string& command, const std::string& flag)
{
  const std::regex pattern("(^| )" + flag + " ([0-9]+)( |$)");
  std::smatch match;
  if (!std::regex_search(command, match, pattern)) {
    return std::nullopt;
  }
  return std::stoull(match[2].str());
}

/// The tensor-parallel size a command asks for, in whichever flag its engine names it.
std::optional<std::uint64_t> tensor_parallel_flag(const std::string& command)
{
  for (const char* flag : {"--tensor-parallel-size", "--tp", "--tp_size", "--num-shard"}) {
    if (auto value = flag_value(command, flag)) {
      return value;
    }
  }
  return std::nullopt;
}

/// Whether `tp` devices can share the model's heads, worked out here from the engine's rule in engines.json:
/// query heads divide, KV heads divide or (where the engine replicates them) tp is a multiple of them.
bool heads_shard(const llmhw::catalog::EngineSpec& engine, const llmhw::model::Architecture& arch, std::uint64_t tp)
{
  if (tp <= 1 || !engine.tensor_parallel) {
    return true;
  }
  if (arch.num_heads % tp != 0) {
    return false;
  }
  if (arch.mla || arch.num_kv_heads == 0 || arch.num_kv_heads % tp == 0) {
    return true;
  }
  return engine.tensor_parallel->kv_heads == llmhw::catalog::KvHeadSplit::divide_or_replicate &&
         tp % arch.num_kv_heads == 0;
}

bool has_finding(const llmhw::advice::RankedCandidate& candidate, const std::string& code)
{
  const auto& findings = candidate.assessment.findings;
  return std::any_of(findings.begin(), findings.end(), [&](const auto& finding) { return finding.code == code; });
}

/// Each catalog target once: its devices and its systems.
std::vector<std::string> all_targets()
{
  std::vector<std::string> targets;
  for (const auto& hardware : builtin_catalog().hardware) {
    targets.push_back(hardware.id);
  }
  for (const auto& system : builtin_catalog().systems) {
    targets.push_back(system.id);
  }
  return targets;
}

/// What a partial offload keeps in memory: weights, KV cache and buffers.
std::uint64_t plan_bytes(const llmhw::estimate::MemoryPlan& memory)
{
  return memory.weights_bytes + memory.kv_cache_bytes + memory.overhead_bytes + memory.activation_bytes;
}

/// What a sweep saw, so that each sweep can show it checked something.
struct SweepCounts {
  std::size_t commands = 0;
  std::size_t tensor_parallel = 0;
  std::size_t offloads = 0;
};

/// Every catalog target × `models` at 8 users: each candidate's command against the engines' rules.
SweepCounts sweep(const std::vector<std::string>& models)
{
  const auto& catalog = builtin_catalog();
  const auto workload = workload_of(8);
  std::size_t commands = 0;
  std::size_t tensor_parallel = 0;
  std::size_t offloads = 0;
  for (const std::string& model_name : models) {
    const auto model = catalog_model(model_name);
    for (const std::string& target : all_targets()) {
      const auto advice = advise(model_name, target, workload);
      for (const auto& ranked : advice.candidates) {
        const auto& estimate = ranked.assessment.estimate;
        const auto& candidate = estimate.candidate;
        if (llmhw::rules::hosts_spanned(candidate) > 1) {
          continue; // multi-node plans are another part of the issue
        }
        const std::string& line = ranked.command;
        INFO(model_name << " on " << target << " with " << candidate.engine << " " << candidate.quant << " x"
                        << candidate.count << ": " << line);
        const auto* engine = catalog.find_engine(candidate.engine);
        REQUIRE(engine != nullptr);
        // No candidate the engine would refuse is generated; its command, if any, has a TP the heads allow.
        CHECK_FALSE(has_finding(ranked, "TP_HEADS_INDIVISIBLE"));
        if (auto tp = tensor_parallel_flag(line)) {
          ++tensor_parallel;
          CHECK(heads_shard(*engine, model.arch, *tp));
        }
        CHECK(line.find("--cache-type-k fp8") == std::string::npos);
        CHECK(line.find("FP16.gguf") == std::string::npos);
        CHECK(line.find("FP32.gguf") == std::string::npos);
        if (candidate.engine == "ollama") {
          CHECK(line.find("bf16") == std::string::npos);
          CHECK(line.find("serve & ollama run") == std::string::npos);
        }
        if (!line.empty()) {
          ++commands;
        }
        if (line.starts_with("llama-server")) {
          const auto slots = flag_value(line, "-np");
          const auto context = flag_value(line, "-c");
          REQUIRE(slots);
          REQUIRE(context);
          CHECK(*context == *slots * workload.context);
          if (estimate.memory.gpu_layers) {
            CHECK(*slots == workload.concurrency); // every planned user has a slot
            CHECK(flag_value(line, "-ngl") == std::optional<std::uint64_t>(*estimate.memory.gpu_layers));
          }
        }
        if (estimate.memory.gpu_layers && !estimate.memory.fits) {
          ++offloads;
          if (candidate.hardware.unified_memory) {
            // One pool of memory: the GPU's layers and the CPU's together fit in it.
            CHECK(plan_bytes(estimate.memory) <= candidate.hardware.memory_bytes);
          }
          if (estimate.memory.host_available_bytes) {
            CHECK(estimate.memory.offload_host_bytes <= *estimate.memory.host_available_bytes);
          }
        }
      }
    }
  }
  return {commands, tensor_parallel, offloads};
}

} // namespace

// Three test cases of two models each, so CTest runs them side by side (one sweep of six takes most of its time
// limit under the sanitizers).
TEST_CASE("Sweep: every target with a GQA model (Qwen2.5 7B) and one whose KV heads do not divide 8 (Phi-4)",
          "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"qwen2.5-7b", "phi-4"});
  CHECK(counts.commands > 150);
  CHECK(counts.tensor_parallel > 30);
}

TEST_CASE("Sweep: every target with a 70B and a sliding-window model (Mistral 7B v0.1)", "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"llama-3.1-70b", "mistral-7b-v0.1"});
  CHECK(counts.commands > 150);
  CHECK(counts.tensor_parallel > 30);
  CHECK(counts.offloads > 0); // a 70B is offloaded on the smaller GPUs
}

TEST_CASE("Sweep: every target with a MoE (Mixtral 8x7B) and Llama 3.1 8B", "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"mixtral-8x7b", "llama-3.1-8b"});
  CHECK(counts.commands > 150);
  CHECK(counts.tensor_parallel > 30);
}

TEST_CASE("Tensor parallelism: the engine's head rule from engines.json", "[advice][commands][tensor-parallel]")
{
  const auto& catalog = builtin_catalog();
  const auto* vllm = catalog.find_engine("vllm");
  const auto* tgi = catalog.find_engine("tgi");
  const auto* llama_cpp = catalog.find_engine("llama.cpp");
  REQUIRE(vllm != nullptr);
  REQUIRE(tgi != nullptr);
  REQUIRE(llama_cpp != nullptr);
  CHECK_FALSE(vllm->tensor_parallel->source.empty());
  const auto qwen = catalog_model("qwen2.5-7b").arch; // 28 heads, 4 KV heads
  const auto phi = catalog_model("phi-4").arch;       // 40 heads, 10 KV heads
  const auto llama = catalog_model("llama-3.1-8b").arch; // 32 heads, 8 KV heads
  CHECK(llmhw::estimate::tensor_parallel_problem(vllm, qwen, 8).has_value());
  CHECK_FALSE(llmhw::estimate::tensor_parallel_problem(vllm, qwen, 4).has_value());
  CHECK(llmhw::estimate::tensor_parallel_problem(vllm, phi, 4).has_value()); // 10 KV heads over 4
  CHECK_FALSE(llmhw::estimate::tensor_parallel_problem(vllm, phi, 2).has_value());
  // vLLM replicates 8 KV heads over 16 devices; TGI divides them and cannot.
  auto wide = llama;
  wide.num_heads = 64;
  CHECK_FALSE(llmhw::estimate::tensor_parallel_problem(vllm, wide, 16).has_value());
  CHECK(llmhw::estimate::tensor_parallel_problem(tgi, wide, 16).has_value());
  // llama.cpp splits whole layers: no head rule.
  CHECK_FALSE(llmhw::estimate::tensor_parallel_problem(llama_cpp, qwen, 8).has_value());
}

TEST_CASE("Qwen2.5-7B on 8x H100 is never planned with tensor parallel size 8", "[advice][commands][tensor-parallel]")
{
  const auto advice = advise("qwen2.5-7b", "8xh100-sxm", workload_of(64));
  REQUIRE_FALSE(advice.candidates.empty());
  for (const auto& ranked : advice.candidates) {
    INFO(ranked.command);
    CHECK(ranked.command.find("--tensor-parallel-size 8") == std::string::npos);
    CHECK(ranked.command.find("--tp 8") == std::string::npos);
    CHECK(ranked.command.find("--num-shard 8") == std::string::npos);
  }
  // An instance is paid for whole: vLLM runs on the 4 of its 8 GPUs that 28 heads and 4 KV heads allow, and says so.
  const auto instance = advise("qwen2.5-7b", "aws-p5.48xlarge", workload_of(64), "vllm", "bf16");
  REQUIRE_FALSE(instance.candidates.empty());
  const auto& best = instance.candidates.front();
  CHECK(best.assessment.estimate.candidate.count == 4);
  CHECK_THAT(best.command, Catch::Contains("--tensor-parallel-size 4"));
  CHECK(has_finding(best, "TP_FEWER_DEVICES"));
  CHECK(best.cost.usd_per_hour.has_value()); // the whole instance's price
}

TEST_CASE("Phi-4 gets no tensor parallel size 4 from engines that split its 10 KV heads", "[advice][commands][tensor-parallel]")
{
  for (const char* engine : {"vllm", "sglang", "tgi", "lmdeploy", "tensorrt-llm"}) {
    const auto advice = advise("phi-4", "4xh100-sxm", workload_of(16), engine);
    for (const auto& ranked : advice.candidates) {
      INFO(engine << ": " << ranked.command);
      CHECK(ranked.assessment.estimate.candidate.count != 4);
      CHECK(tensor_parallel_flag(ranked.command) != std::optional<std::uint64_t>(4));
    }
  }
}

TEST_CASE("llama.cpp partial offload: slots for every user, their context, the GPU's layers", "[advice][commands][offload]")
{
  const auto workload = workload_of(8);
  const auto advice = advise("llama-3.1-70b", "rtx-4090", workload, "llama.cpp", "q4_k_m", "fp16");
  REQUIRE_FALSE(advice.candidates.empty());
  const auto& best = advice.candidates.front();
  const auto& memory = best.assessment.estimate.memory;
  REQUIRE(memory.gpu_layers.has_value());
  CHECK(*memory.gpu_layers > 0);
  CHECK(*memory.gpu_layers < memory.total_layers);
  CHECK_THAT(best.command, Catch::Contains(fmt::format("-ngl {} ", *memory.gpu_layers)));
  CHECK_THAT(best.command, Catch::Contains(fmt::format("-c {} -np 8", 8 * workload.context)));
  // The KV cache of all eight sequences is in the plan, not one's: 80 layers × 8 KV heads × 128 × K and V × 2 bytes.
  CHECK(memory.kv_cache_bytes == 8 * workload.context * 80 * 8 * 128 * 2 * 2);
}

TEST_CASE("Partial offload needs host memory for the CPU's layers", "[advice][offload]")
{
  const auto& catalog = builtin_catalog();
  const auto model = catalog_model("llama-3.1-70b");
  const auto workload = workload_of(1);
  llmhw::estimate::Candidate candidate;
  candidate.device = "rtx-4090";
  candidate.hardware = *catalog.find_hardware("rtx-4090");
  candidate.engine = "llama.cpp";
  candidate.quant = "q4_k_m";
  candidate.kv_quant = "fp16";

  SECTION("a 16 GiB host cannot hold the ~20 GiB the GPU leaves")
  {
    candidate.host_memory_bytes = 16ULL << 30;
    const auto estimate = llmhw::estimate::run(candidate, model, workload, catalog);
    CHECK_FALSE(estimate.memory.gpu_layers.has_value());
    CHECK(estimate.memory.offload_host_bytes > (16ULL << 30));
    const auto assessment = llmhw::rules::assess(estimate, model, workload, catalog);
    CHECK(assessment.verdict == llmhw::rules::Verdict::not_viable);
    CHECK(std::any_of(assessment.findings.begin(), assessment.findings.end(),
                      [](const auto& finding) { return finding.code == "OFFLOAD_EXCEEDS_HOST_MEMORY"; }));
  }
  SECTION("a 128 GiB host can")
  {
    candidate.host_memory_bytes = 128ULL << 30;
    const auto estimate = llmhw::estimate::run(candidate, model, workload, catalog);
    REQUIRE(estimate.memory.gpu_layers.has_value());
    CHECK(estimate.memory.offload_host_bytes > 0);
    CHECK(estimate.memory.offload_host_bytes <= (128ULL << 30));
    // Weights and KV split between the two: what the host holds and what the GPU holds add up to the model.
    CHECK(estimate.memory.offload_host_bytes < estimate.memory.weights_bytes + estimate.memory.kv_cache_bytes);
  }
}

TEST_CASE("Unified memory is counted once: Llama-3.1-405B does not offload on a 128 GB M4 Max", "[advice][offload]")
{
  const auto advice = advise("llama-3.1-405b", "apple-m4-max-40c", workload_of(1), "llama.cpp", "q4_k_m");
  REQUIRE_FALSE(advice.candidates.empty());
  for (const auto& ranked : advice.candidates) {
    CHECK_FALSE(ranked.assessment.estimate.memory.gpu_layers.has_value());
    CHECK(ranked.assessment.verdict == llmhw::rules::Verdict::not_viable);
    CHECK(has_finding(ranked, "OFFLOAD_EXCEEDS_HOST_MEMORY"));
  }
  // A 16 GB laptop gets no 32B model split between its GPU and "CPU" share of the same 16 GB.
  const auto laptop = advise("qwen2.5-32b", "apple-m1-8c", workload_of(1), "llama.cpp", "q4_k_m");
  for (const auto& ranked : laptop.candidates) {
    CHECK_FALSE(ranked.assessment.estimate.memory.gpu_layers.has_value());
  }
}

TEST_CASE("llama.cpp file names and cache types as its tools spell them", "[advice][commands]")
{
  const auto workload = workload_of(1);
  const auto f16 = advise("llama-3.1-8b", "rtx-4090", workload, "llama.cpp", "fp16");
  CHECK_THAT(f16.candidates.front().command, Catch::Contains("Llama-3.1-8B-Instruct-F16.gguf"));
  const auto q8_kv = advise("llama-3.1-8b", "rtx-4090", workload, "llama.cpp", "q4_k_m", "q8_0");
  CHECK_THAT(q8_kv.candidates.front().command, Catch::Contains("-fa on --cache-type-k q8_0 --cache-type-v q8_0"));
  // fp8 has no llama.cpp cache type: the blocked row prints no command rather than one llama-server rejects.
  const auto fp8_kv = advise("llama-3.1-8b", "h100-sxm", workload, "llama.cpp", "q4_k_m", "fp8");
  for (const auto& ranked : fp8_kv.candidates) {
    CHECK(ranked.command.find("fp8") == std::string::npos);
  }
}

TEST_CASE("Ollama: fp16 tags, all GPUs spread, run once the server listens", "[advice][commands][ollama]")
{
  const auto workload = workload_of(4);
  const auto bf16 = advise("llama-3.1-8b", "rtx-4090", workload, "ollama", "bf16");
  const std::string& line = bf16.candidates.front().command;
  CHECK_THAT(line, Catch::Contains("ollama run llama3.1:8b-instruct-fp16"));
  CHECK(line.find("bf16") == std::string::npos);
  CHECK_THAT(line, Catch::Contains("ollama serve & until ollama list >/dev/null 2>&1; do sleep 1; done; ollama run"));
  CHECK(line.find("OLLAMA_SCHED_SPREAD") == std::string::npos);
  const auto two = advise("llama-3.1-70b", "2xrtx-4090", workload, "ollama", "q4_k_m");
  bool spread = false;
  for (const auto& ranked : two.candidates) {
    if (ranked.assessment.estimate.candidate.count == 2) {
      spread = ranked.command.find("OLLAMA_SCHED_SPREAD=1 ") != std::string::npos;
    }
  }
  CHECK(spread);
}

TEST_CASE("Sliding windows follow the engine: llama.cpp caches Mistral 7B v0.1's full context", "[estimate][kv]")
{
  const auto& catalog = builtin_catalog();
  const auto model = catalog_model("mistral-7b-v0.1");
  const auto workload = workload_of(1, 32768);
  llmhw::estimate::Candidate candidate;
  candidate.device = "h100-sxm";
  candidate.hardware = *catalog.find_hardware("h100-sxm");
  candidate.quant = "bf16";
  candidate.kv_quant = "fp16";
  candidate.engine = "vllm";
  const auto windowed = llmhw::estimate::run(candidate, model, workload, catalog);
  candidate.engine = "llama.cpp";
  candidate.quant = "fp16";
  const auto full = llmhw::estimate::run(candidate, model, workload, catalog);
  // 32 layers × 8 KV heads × 128 × K and V × 2 bytes = 128 KiB a token: 4,096 tokens vs all 32,768.
  CHECK(windowed.memory.kv_cache_bytes == 512ULL << 20);
  CHECK(full.memory.kv_cache_bytes == 4096ULL << 20);
  // Gemma 2's window is one llama.cpp implements.
  CHECK(llmhw::catalog::honours_sliding_window(*catalog.find_engine("llama.cpp"), "gemma2"));
  CHECK_FALSE(llmhw::catalog::honours_sliding_window(*catalog.find_engine("ollama"), "mistral"));
  CHECK(llmhw::catalog::honours_sliding_window(*catalog.find_engine("vllm"), "mistral"));
}
