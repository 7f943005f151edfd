// CPU prefill and memory as llama.cpp's kernels decide them: the unit each GGUF type multiplies on
// (data/calibration.json cpu_kernels), the weights it repacks beside the mapped file, attention in its own
// kernel, and the logits of the last prompt token only.

#include "support/builtin_catalog.hpp"

#include "estimate/detail.hpp"
#include "llmhw/util/units.hpp"

#include <algorithm>
#include <string>

using llmhw::estimate::run;
using llmhw::test::builtin_catalog;
using llmhw::test::candidate;
using llmhw::test::catalog_model;
using llmhw::test::d;
using llmhw::test::workload_of;

namespace {

const llmhw::estimate::Calibration& calibration()
{
  return llmhw::estimate::builtin_calibration();
}

} // namespace

TEST_CASE("CPU kernels: each GGUF type runs on the unit llama.cpp's kernels use", "[estimate][cpu]")
{
  // A Sapphire Rapids Xeon with AMX: Q8_0 and Q4_0 on AMX tiles, K-quants through AVX-512 VNNI, F16 widened
  // to fp32 FMAs, BF16 in AVX512-BF16 dot products.
  const auto* xeon = builtin_catalog().find_hardware("xeon-platinum-8480");
  REQUIRE(xeon != nullptr);
  const auto unit = [&](const std::string& quant, const std::vector<std::string>& isa) {
    const auto* kernel = calibration().find_cpu_kernel("llama.cpp", "matmul", quant, isa);
    return kernel != nullptr ? kernel->unit : std::string("none");
  };
  CHECK(unit("q8_0", xeon->cpu->isa) == "amx_int8");
  CHECK(unit("q4_0", xeon->cpu->isa) == "amx_int8");
  CHECK(unit("q4_k_m", xeon->cpu->isa) == "int8_vector");
  CHECK(unit("fp16", xeon->cpu->isa) == "fp32");
  CHECK(unit("bf16", xeon->cpu->isa) == "bf16_vector");
  // A Zen 4 desktop (no AMX): Q8_0 through int8 dot products, Q4_0 repacked for them.
  const auto* ryzen = builtin_catalog().find_hardware("ryzen-9-7950x");
  REQUIRE(ryzen != nullptr);
  CHECK(unit("q8_0", ryzen->cpu->isa) == "int8_vector");
  CHECK(unit("q4_0", ryzen->cpu->isa) == "int8_vector");
  CHECK(calibration().find_cpu_kernel("llama.cpp", "matmul", "q4_0", ryzen->cpu->isa)->repacked_share == 1.0);
  CHECK(calibration().find_cpu_kernel("llama.cpp", "matmul", "q8_0", ryzen->cpu->isa)->repacked_share == 0.0);
  // Attention has a kernel of its own.
  CHECK(calibration().find_cpu_kernel("llama.cpp", "attention", "fp16", ryzen->cpu->isa) != nullptr);
}

TEST_CASE("CPU prefill: the estimate follows the kernel's unit, not the format's nominal precision", "[estimate][cpu]")
{
  const auto model = catalog_model("llama-3.2-1b");
  const auto prefill = [&](const std::string& device, const std::string& quant) {
    return run(candidate(device, "llama.cpp", quant, 1, "fp16"), model, workload_of(512, 128, 1), builtin_catalog())
        .performance.prefill_tok_s;
  };
  // On AMX, Q8_0's tiles (2048 OP per cycle) outrun the K-quants' VNNI (256); without AMX they share a unit.
  CHECK(prefill("xeon-platinum-8480", "q8_0") > 2 * prefill("xeon-platinum-8480", "q4_k_m"));
  CHECK(prefill("ryzen-9-7950x", "q8_0") < 2 * prefill("ryzen-9-7950x", "q4_k_m"));
}

TEST_CASE("CPU prefill: logits for the last prompt token only; attention slows long prompts", "[estimate][cpu]")
{
  auto model = catalog_model("llama-3.2-1b");
  const auto estimate = [&](const llmhw::model::ModelSpec& spec, std::uint64_t prompt) {
    return run(candidate("ryzen-9-7950x", "llama.cpp", "fp16", 1, "fp16"), spec, workload_of(prompt, 128, 1),
               builtin_catalog());
  };
  const double base = estimate(model, 512).performance.prefill_tok_s;
  // Doubling the vocabulary adds 262M parameters (a fifth of the model) to the output projection, which a
  // 512-token prompt runs once: prefill barely moves. (Charged per token it would lose a sixth.)
  auto wide = model;
  wide.arch.vocab_size *= 2;
  wide.active_params += static_cast<std::uint64_t>(model.arch.vocab_size) * model.arch.hidden_size;
  CHECK(estimate(wide, 512).performance.prefill_tok_s > 0.97 * base);
  // ggml's flash-attention kernel runs one query row at a time at a fraction of the matmuls' rate: pp2048 is
  // clearly slower per token than pp512 (llama.cpp measures 26% on a 2-vCPU Zen 5 VM, issue 13).
  const double long_prompt = estimate(model, 2048).performance.prefill_tok_s;
  CHECK(long_prompt < 0.9 * base);
  CHECK(long_prompt > 0.5 * base);
}

TEST_CASE("CPU memory: llama.cpp's repacked weights and its compute buffer", "[estimate][cpu][memory]")
{
  const auto model = catalog_model("llama-3.2-1b");
  const auto estimate = [&](const std::string& device, const std::string& quant) {
    return run(candidate(device, "llama.cpp", quant, 1, "fp16"), model, workload_of(512, 128, 1), builtin_catalog());
  };
  // Q4_K_M on an AVX2/AVX-512 CPU without AMX: its Q4_K matrices (80% of the layers' bytes) are repacked into
  // a buffer of their own, 446 MiB beside 754 MiB mapped for Llama-3.2-1B (issue 13, llama.cpp's load log);
  // the file's pages of them are not read again, so the plan needs no more than the file.
  const auto q4 = estimate("ryzen-9-7950x", "q4_k_m");
  const auto f16 = estimate("ryzen-9-7950x", "fp16");
  const auto said = std::find_if(q4.assumptions.begin(), q4.assumptions.end(),
                                 [](const std::string& line) { return line.find("repacks") != std::string::npos; });
  REQUIRE(said != q4.assumptions.end());
  const double repacked_mib = std::stod(said->substr(said->find("repacks ") + 8));
  CHECK(repacked_mib == Approx(446).epsilon(0.05));
  CHECK(d(q4.memory.overhead_bytes) == Approx(d(f16.memory.overhead_bytes)));
  // F16 is not repacked without AMX: its overhead is the compute buffer alone, 258.5 MiB in llama.cpp's log
  // for Llama-3.2-1B (512 fp32 logits rows of its 128256-token vocabulary and two 2048-wide rows).
  CHECK(d(f16.memory.overhead_bytes) / llmhw::units::MiB == Approx(258.5).epsilon(0.01));
  // With AMX, llama.cpp takes F16 into its AMX buffer, 2357 MiB for 1855 MiB of F16 layers: 502 MiB more.
  const auto amx_f16 = estimate("xeon-platinum-8480", "fp16");
  CHECK((d(amx_f16.memory.overhead_bytes) - d(f16.memory.overhead_bytes)) / llmhw::units::MiB ==
        Approx(502).epsilon(0.1));
}

TEST_CASE("Flash attention follows the engine's default and the run's setting, not its name", "[estimate][speed]")
{
  const auto model = catalog_model("llama-3.1-8b");
  const auto prefill = [&](const std::string& engine, const std::string& kv, std::optional<bool> fa = std::nullopt) {
    auto choice = candidate("rtx-4090", engine, "q4_k_m", 1, kv);
    choice.flash_attention = fa;
    return run(choice, model, workload_of(8192, 128, 1), builtin_catalog()).performance.prefill_tok_s;
  };
  // llama.cpp's -fa auto: no score matrices; Ollama without OLLAMA_FLASH_ATTENTION writes them, for 8192 tokens
  // in causal batches about half of 8 × 32 heads × 8192² × 32 layers = 550 GB of traffic.
  CHECK(prefill("ollama", "fp16") < 0.8 * prefill("llama.cpp", "fp16"));
  // A quantized KV cache needs flash attention, so Ollama turns it on. The engines still cut the prompt into
  // batches of their own size (Ollama's num_batch 512, llama-server's -b 2048), each reading the weights once:
  // the same speed within 5%.
  CHECK(prefill("ollama", "q8_0") == Approx(prefill("llama.cpp", "q8_0")).epsilon(0.05));
  // A measurement that ran -fa off says so.
  CHECK(prefill("llama.cpp", "fp16", false) == Approx(prefill("ollama", "fp16")).epsilon(0.05));
}
