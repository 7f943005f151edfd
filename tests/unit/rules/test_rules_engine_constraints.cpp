// Engine constraints as data (data/engines.json): weight-only kernels that need Ampere, what a backend of an engine
// lacks, formats only natively served architectures run, and weights nobody publishes. Each is a blocker with a
// stable code, and the engine refuses such a plan (no command).

#include "rules_fixture.hpp"

using llmhw::rules::assess;
using llmhw::rules::engine_refuses;
using llmhw::rules::Verdict;
using namespace rules_test;

namespace {

bool refused(const llmhw::rules::Assessment& assessment)
{
  return std::any_of(assessment.findings.begin(), assessment.findings.end(), engine_refuses);
}

} // namespace

TEST_CASE("weight-only FP8 and MXFP4 kernels need Ampere: not on a V100 or T4", "[rules][constraints]")
{
  for (const char* target : {"v100-sxm2-32gb", "t4"}) {
    INFO(target);
    const auto gpt_oss = assess(estimate(target, "vllm", "mxfp4", "fp16"), model("gpt-oss-20b"), chat(), catalog());
    const auto* blocker = find(gpt_oss, "WEIGHT_ONLY_NEEDS_NEWER_GPU");
    REQUIRE(blocker != nullptr);
    CHECK_THAT(blocker->message, Catch::Contains("8.0"));
    CHECK(gpt_oss.verdict == Verdict::not_viable);
    CHECK(refused(gpt_oss));
    CHECK(find(assess(estimate(target, "tgi", "fp8", "fp16"), model("llama-3.1-8b"), chat(), catalog()),
               "WEIGHT_ONLY_NEEDS_NEWER_GPU") != nullptr);
  }
  // On an A100 the same kernels run (weight-only, with a note).
  const auto a100 = assess(estimate("a100-sxm4-80gb", "vllm", "mxfp4"), model("gpt-oss-20b"), chat(), catalog());
  CHECK(find(a100, "WEIGHT_ONLY_NEEDS_NEWER_GPU") == nullptr);
  CHECK(find(a100, "PRECISION_WEIGHT_ONLY") != nullptr);
}

TEST_CASE("what one backend of an engine lacks: bitsandbytes on ROCm, vLLM's CPU backend", "[rules][constraints]")
{
  const auto rocm = assess(estimate("mi300x", "vllm", "bnb-nf4"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(find(rocm, "QUANT_UNSUPPORTED_ON_BACKEND") != nullptr);
  CHECK(find(assess(estimate("h100-sxm", "vllm", "bnb-nf4"), model("llama-3.1-8b"), chat(), catalog()),
             "QUANT_UNSUPPORTED_ON_BACKEND") == nullptr);
  const auto fp8_kv = assess(estimate("epyc-9654", "vllm", "bf16", "fp8"), model("llama-3.1-8b"), chat(), catalog());
  CHECK(find(fp8_kv, "KV_QUANT_UNSUPPORTED_ON_BACKEND") != nullptr);
  const auto mla = assess(estimate("epyc-9654", "vllm", "bf16", "bf16"), model("deepseek-coder-v2-lite"), chat(),
                          catalog());
  CHECK(find(mla, "MLA_UNSUPPORTED_ON_BACKEND") != nullptr);
  CHECK(refused(mla));
}

TEST_CASE("TGI runs AWQ only for architectures with its own model code", "[rules][constraints]")
{
  // Qwen3 has no flash model in TGI: its transformers fallback refuses AWQ/GPTQ; Llama has one.
  const auto qwen3 = assess(estimate("h100-sxm", "tgi", "int4", "fp16"), model("qwen3-8b"), chat(), catalog());
  const auto* blocker = find(qwen3, "QUANT_NEEDS_NATIVE_MODEL");
  REQUIRE(blocker != nullptr);
  CHECK_THAT(blocker->message, Catch::Contains("qwen3"));
  CHECK(find(assess(estimate("h100-sxm", "tgi", "bf16", "fp16"), model("qwen3-8b"), chat(), catalog()),
             "QUANT_NEEDS_NATIVE_MODEL") == nullptr);
  CHECK(find(assess(estimate("h100-sxm", "tgi", "int4", "fp16"), model("llama-3.1-8b"), chat(), catalog()),
             "QUANT_NEEDS_NATIVE_MODEL") == nullptr);
}

TEST_CASE("no published weights and no way to make them: ARTIFACT_MISSING names what is missing",
          "[rules][constraints]")
{
  const auto trt = assess(estimate("h100-sxm", "tensorrt-llm", "fp8", "fp16"), model("qwen3-8b"), chat(), catalog());
  const auto* blocker = find(trt, "ARTIFACT_MISSING");
  REQUIRE(blocker != nullptr);
  CHECK_THAT(blocker->message, Catch::Contains("fp8") && Catch::Contains("TensorRT-LLM"));
  CHECK(refused(trt));
  // NVIDIA publishes Llama 3.1 8B in FP8 for TensorRT-LLM; vLLM quantizes Qwen3 as it loads.
  CHECK(find(assess(estimate("h100-sxm", "tensorrt-llm", "fp8", "fp16"), model("llama-3.1-8b"), chat(), catalog()),
             "ARTIFACT_MISSING") == nullptr);
  CHECK(find(assess(estimate("h100-sxm", "vllm", "fp8", "fp16"), model("qwen3-8b"), chat(), catalog()),
             "ARTIFACT_MISSING") == nullptr);
  // gpt-oss-120b has no bf16 checkpoint here: a bf16 plan would load the MXFP4 one, so it is blocked.
  CHECK(find(assess(estimate("8xh100-sxm", "vllm", "bf16"), model("gpt-oss-120b"), chat(), catalog()),
             "ARTIFACT_MISSING") != nullptr);
  // JetStream names models by MaxText model_name (Mistral NeMo has none) and loads a converted MaxText checkpoint
  // (none is published for Llama 3.1 8B either).
  const auto jetstream_assessment = assess(estimate("tpu-v5e-8", "jetstream"), model("llama-3.1-8b"), chat(), catalog());
  const auto* jetstream = find(jetstream_assessment, "ARTIFACT_MISSING"); // points into the assessment kept above
  REQUIRE(jetstream != nullptr);
  CHECK_THAT(jetstream->message, Catch::Contains("model_name=llama3.1-8b"));
  CHECK(find(assess(estimate("tpu-v5e-8", "jetstream"), model("mistral-nemo"), chat(), catalog()), "ARTIFACT_MISSING") !=
        nullptr);
}
