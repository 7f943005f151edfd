// Compatibility rules: engine × device backend, compute capability, precision
// support on the device (A100 compute capability 8.0, H100 9.0, V100 7.0 from
// NVIDIA's CUDA GPUs table), architectures the TPU engines serve, GGUF files.

#include "rules_fixture.hpp"

using llmhw::rules::assess;
using llmhw::rules::Severity;
using llmhw::rules::Verdict;
using namespace rules_test;

TEST_CASE("a supported candidate inside every limit is recommended with a full score", "[rules]")
{
  const auto assessment = assess(estimate("h100-sxm", "vllm"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(assessment.verdict == Verdict::recommended);
  CHECK(assessment.score == 100);
  for (const auto& finding : assessment.findings) {
    CHECK(finding.severity == Severity::info);
  }
}

TEST_CASE("fp8 weights need Ada or Hopper: rejected on A100, weight-only where the engine dequantizes", "[rules]")
{
  const auto on_a100 = assess(estimate("a100-sxm4-80gb", "sglang", "fp8"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(on_a100.verdict == Verdict::not_viable);
  const auto* blocker = find(on_a100, "PRECISION_NOT_NATIVE");
  REQUIRE(blocker != nullptr);
  CHECK(blocker->severity == Severity::blocker);
  CHECK_THAT(blocker->message, Catch::Contains("8.9") && Catch::Contains("8.0"));

  // vLLM runs FP8 checkpoints on Ampere through Marlin weight-only kernels: allowed, with a note.
  const auto vllm = assess(estimate("a100-sxm4-80gb", "vllm", "fp8"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(vllm.verdict != Verdict::not_viable);
  REQUIRE(find(vllm, "PRECISION_WEIGHT_ONLY") != nullptr);
  CHECK(vllm.score < 100);

  const auto on_h100 = assess(estimate("h100-sxm", "sglang", "fp8"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(find(on_h100, "PRECISION_NOT_NATIVE") == nullptr);
  CHECK(on_h100.verdict == Verdict::recommended);
}

TEST_CASE("bf16 needs Ampere: V100 and T4 are told to run fp16", "[rules]")
{
  for (const char* target : {"v100-sxm2-32gb", "t4"}) {
    INFO(target);
    const auto bf16 = assess(estimate(target, "vllm", "bf16", "fp16"), model("llama-3.1-8b"), chat(), catalog());
    const auto* blocker = find(bf16, "PRECISION_NOT_NATIVE");
    REQUIRE(blocker != nullptr);
    CHECK_THAT(blocker->message, Catch::Contains("fp16"));
    const auto fp16 = assess(estimate(target, "vllm", "fp16", "fp16"), model("llama-3.1-8b"), chat(), catalog());
    CHECK(fp16.verdict == Verdict::recommended);
  }
}

TEST_CASE("a bf16 KV cache on a GPU without bf16 is refused", "[rules]")
{
  const auto assessment = assess(estimate("t4", "vllm", "fp16", "bf16"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(assessment.verdict == Verdict::not_viable);
  CHECK(find(assessment, "PRECISION_NOT_NATIVE") != nullptr);
}

TEST_CASE("int4 kernels per engine: AWQ in vLLM, not in llama.cpp, which has its own formats", "[rules]")
{
  const auto vllm = assess(estimate("l4", "vllm", "int4"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(vllm.verdict == Verdict::recommended);
  CHECK(find(vllm, "QUANTIZED_WEIGHTS") != nullptr);
  const auto llama_cpp = assess(estimate("l4", "llama.cpp", "int4"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(find(llama_cpp, "QUANT_UNSUPPORTED_BY_ENGINE") != nullptr);
  CHECK(llama_cpp.verdict == Verdict::not_viable);
  const auto gguf = assess(estimate("l4", "llama.cpp", "q4_k_m", "fp16"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(gguf.verdict == Verdict::recommended);
}

TEST_CASE("engines run only on their backends and compute capabilities", "[rules]")
{
  const auto on_tpu = assess(estimate("tpu-v5e-8", "vllm"), model("llama-3.1-8b"), chat(), catalog());
  const auto* backend = find(on_tpu, "ENGINE_BACKEND_UNSUPPORTED");
  REQUIRE(backend != nullptr);
  CHECK_THAT(backend->message, Catch::Contains("tpu"));

  const auto mlx_on_nvidia = assess(estimate("rtx-4090", "mlx"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(find(mlx_on_nvidia, "ENGINE_BACKEND_UNSUPPORTED") != nullptr);

  // TensorRT-LLM supports Ampere (8.0) and newer; a V100 is 7.0.
  const auto trt =
      assess(estimate("v100-sxm2-32gb", "tensorrt-llm", "fp16", "fp16"), model("llama-3.1-8b"), chat(), catalog());
  const auto* capability = find(trt, "ENGINE_NEEDS_NEWER_GPU");
  REQUIRE(capability != nullptr);
  CHECK_THAT(capability->message, Catch::Contains("7.0"));
  CHECK(trt.verdict == Verdict::not_viable);
}

TEST_CASE("TPU engines serve only the architectures they implement", "[rules]")
{
  // Command R (model_type "cohere") is in neither JetStream/MaxText's nor vLLM TPU's model list.
  for (const char* engine : {"jetstream", "vllm-tpu"}) {
    INFO(engine);
    const auto cohere = assess(estimate("tpu-v5e-8", engine), model("command-r"), chat(), catalog());
    const auto* blocker = find(cohere, "ARCHITECTURE_UNSUPPORTED");
    REQUIRE(blocker != nullptr);
    CHECK_THAT(blocker->message, Catch::Contains("cohere"));
    const auto llama = assess(estimate("tpu-v5e-8", engine), model("llama-3.1-8b"), chat(), catalog());
    CHECK(find(llama, "ARCHITECTURE_UNSUPPORTED") == nullptr);
    // JetStream also needs a converted MaxText checkpoint, which nobody publishes (ARTIFACT_MISSING).
    CHECK(llama.verdict == (std::string(engine) == "jetstream" ? Verdict::not_viable : Verdict::recommended));
  }
  // Gemma 3's config says "gemma3_text" for the text-only sizes; it is the same family.
  const auto gemma = assess(estimate("tpu-v6e-4", "vllm-tpu"), model("gemma-3-1b"), chat(), catalog());
  CHECK(find(gemma, "ARCHITECTURE_UNSUPPORTED") == nullptr);
  // vLLM's TPU table (docs v0.10.0, v0.11.2) marks Llama-4-* as failing its accuracy test.
  const auto scout = assess(estimate("tpu-v6e-8", "vllm-tpu"), model("llama-4-scout"), chat(), catalog());
  CHECK(find(scout, "ARCHITECTURE_UNSUPPORTED") != nullptr);
}

TEST_CASE("a GGUF file is served by llama.cpp or Ollama only", "[rules]")
{
  auto gguf = model("llama-3.1-8b");
  gguf.source = llmhw::model::ModelSource::gguf;
  gguf.path = "Llama-3.1-8B-Instruct-Q4_K_M.gguf";
  gguf.native_quant = "q4_k_m";
  const auto vllm = assess(estimate("l40s", "vllm", "q4_k_m", "fp16"), gguf, chat(), catalog());
  const auto* blocker = find(vllm, "GGUF_NEEDS_LLAMA_CPP");
  REQUIRE(blocker != nullptr);
  CHECK_THAT(blocker->message, Catch::Contains("Q4_K_M.gguf"));
  for (const char* engine : {"llama.cpp", "ollama"}) {
    const auto served = assess(estimate("l40s", engine, "q4_k_m", "fp16"), gguf, chat(), catalog());
    CHECK(served.verdict == Verdict::recommended);
  }
}

TEST_CASE("precisions and engines the catalog does not know are blockers, not crashes", "[rules]")
{
  const auto assessment = assess(estimate("h100-sxm", "no-such-engine", "no-such-quant", "no-such-kv"),
                                 model("llama-3.1-8b"), chat(), catalog());
  CHECK(assessment.verdict == Verdict::not_viable);
  CHECK(find(assessment, "ENGINE_UNKNOWN") != nullptr);
  CHECK(find(assessment, "QUANT_UNKNOWN") != nullptr);
  CHECK(find(assessment, "KV_QUANT_UNKNOWN") != nullptr);
  CHECK(assessment.findings.front().severity == Severity::blocker);
}

TEST_CASE("CPU backends as engines.json states them: vLLM needs AVX-512, SGLang AMX; no fp8 KV or MLA on vLLM's",
          "[rules][cpu]")
{
  // A Core i9-14900K has AVX2 and AVX-VNNI but no AVX-512.
  const auto no_avx512 = assess(estimate("core-i9-14900k", "vllm"), model("llama-3.1-8b"), chat(), catalog());
  const auto* blocker = find(no_avx512, "ENGINE_CPU_UNSUPPORTED");
  REQUIRE(blocker != nullptr);
  CHECK(blocker->severity == Severity::blocker);
  CHECK_THAT(blocker->message, Catch::Contains("avx512f"));
  // An EPYC 9654 has AVX-512: vLLM runs there, SGLang (AMX only) does not.
  CHECK(find(assess(estimate("epyc-9654", "vllm"), model("llama-3.1-8b"), chat(), catalog()),
             "ENGINE_CPU_UNSUPPORTED") == nullptr);
  const auto sglang_epyc = assess(estimate("epyc-9654", "sglang"), model("llama-3.1-8b"), chat(), catalog());
  REQUIRE(find(sglang_epyc, "ENGINE_CPU_UNSUPPORTED") != nullptr);
  CHECK_THAT(find(sglang_epyc, "ENGINE_CPU_UNSUPPORTED")->message, Catch::Contains("amx_bf16"));
  CHECK(find(assess(estimate("xeon-platinum-8480", "sglang"), model("llama-3.1-8b"), chat(), catalog()),
             "ENGINE_CPU_UNSUPPORTED") == nullptr);
  // vLLM's CPU attention keeps a 16-bit KV cache and has no MLA.
  const auto fp8_kv = assess(estimate("epyc-9654", "vllm", "bf16", "fp8"), model("llama-3.1-8b"), chat(), catalog());
  REQUIRE(find(fp8_kv, "ENGINE_CPU_UNSUPPORTED") != nullptr);
  CHECK_THAT(find(fp8_kv, "ENGINE_CPU_UNSUPPORTED")->message, Catch::Contains("fp8"));
  const auto mla = assess(estimate("epyc-9654", "vllm"), model("deepseek-coder-v2-lite"), chat(), catalog());
  REQUIRE(find(mla, "ENGINE_CPU_UNSUPPORTED") != nullptr);
  CHECK_THAT(find(mla, "ENGINE_CPU_UNSUPPORTED")->message, Catch::Contains("MLA"));
  // llama.cpp has no such limits.
  CHECK(find(assess(estimate("core-i9-14900k", "llama.cpp", "q4_k_m", "fp16"), model("llama-3.1-8b"), chat(),
                    catalog()),
             "ENGINE_CPU_UNSUPPORTED") == nullptr);
}
