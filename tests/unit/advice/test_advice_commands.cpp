// Engine command lines: the flags each engine's documentation names, filled
// with the candidate's device count, context and precisions.

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <string>

using llmhw::advice::Inputs;

using llmhw::test::builtin_catalog;

namespace {

/// The command of the best candidate for `model` on `target` with `engine` (and `quant` when given).
std::string command(const std::string& model_name, const std::string& target, const std::string& engine,
                    const std::string& quant = "")
{
  auto model = llmhw::model::load(model_name, builtin_catalog());
  REQUIRE(model.ok());
  llmhw::workload::Overrides overrides;
  overrides.workload = "chat"; // 1000 + 300 tokens: a context of 1300
  auto workload = llmhw::workload::resolve(overrides, builtin_catalog());
  REQUIRE(workload.ok());
  Inputs inputs;
  inputs.targets = {target};
  inputs.framework = engine;
  if (!quant.empty()) {
    inputs.quant = quant;
  }
  auto advice = llmhw::advice::recommend(*model, *workload, inputs, builtin_catalog());
  REQUIRE(advice.ok());
  REQUIRE_FALSE(advice->candidates.empty());
  return advice->candidates.front().command;
}

} // namespace

TEST_CASE("vLLM: tensor parallel size, context and memory share", "[advice][commands]")
{
  const std::string line = command("llama-3.1-70b", "2xh100-sxm", "vllm", "bf16");
  CHECK_THAT(line, Catch::StartsWith("vllm serve meta-llama/Llama-3.1-70B-Instruct"));
  CHECK_THAT(line, Catch::Contains("--tensor-parallel-size 2"));
  CHECK_THAT(line, Catch::Contains("--max-model-len 1300"));
  CHECK_THAT(line, Catch::Contains("--gpu-memory-utilization 0.90"));
  // bf16 weights on a V100 run as fp16.
  CHECK_THAT(command("llama-3.1-8b", "v100-sxm2-32gb", "vllm"), Catch::Contains("--dtype half"));
}

TEST_CASE("SGLang, TensorRT-LLM, LMDeploy and TGI name their own flags", "[advice][commands]")
{
  CHECK_THAT(command("llama-3.1-8b", "h100-sxm", "sglang"),
             Catch::StartsWith("python -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct --tp 1") &&
                 Catch::Contains("--context-length 1300"));
  CHECK_THAT(command("llama-3.1-8b", "h100-sxm", "tensorrt-llm"),
             Catch::StartsWith("trtllm-serve meta-llama/Llama-3.1-8B-Instruct --tp_size 1") &&
                 Catch::Contains("--max_seq_len 1300"));
  CHECK_THAT(command("llama-3.1-8b", "h100-sxm", "lmdeploy"),
             Catch::StartsWith("lmdeploy serve api_server") && Catch::Contains("--session-len 1300"));
  CHECK_THAT(command("llama-3.1-8b", "h100-sxm", "tgi"),
             Catch::StartsWith("text-generation-launcher --model-id meta-llama/Llama-3.1-8B-Instruct --num-shard 1") &&
                 Catch::Contains("--max-total-tokens 1300"));
}

TEST_CASE("llama.cpp and Ollama run GGUF files with GPU layers and slots", "[advice][commands]")
{
  const std::string server = command("llama-3.1-8b", "rtx-4090", "llama.cpp", "q4_k_m");
  // The published GGUF file (data/artifacts.json), which llama-server downloads itself.
  CHECK_THAT(server, Catch::StartsWith("llama-server --hf-repo bartowski/Meta-Llama-3.1-8B-Instruct-GGUF --hf-file "
                                       "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ngl "));
  CHECK_THAT(server, Catch::Contains(" -np "));
  CHECK_THAT(command("llama-3.1-8b", "epyc-9654", "llama.cpp", "q4_k_m"), Catch::Contains("-ngl 0"));
  CHECK_THAT(command("llama-3.1-8b", "rtx-4090", "ollama", "q4_k_m"),
             Catch::Contains("ollama run llama3.1:8b-instruct-q4_K_M") &&
                 Catch::Contains("OLLAMA_CONTEXT_LENGTH=1300"));
}

TEST_CASE("TPU engines: JetStream with ICI tensor parallelism, vLLM TPU", "[advice][commands]")
{
  // JetStream loads a converted MaxText checkpoint, and none is published: no command (ARTIFACT_MISSING).
  CHECK(command("llama-3.1-8b", "tpu-v5e-8", "jetstream").empty());
  CHECK_THAT(command("llama-3.1-8b", "tpu-v6e-4", "vllm-tpu"),
             Catch::StartsWith("vllm serve meta-llama/Llama-3.1-8B-Instruct --tensor-parallel-size 4"));
}

TEST_CASE("a precision the engine cannot make on load loads a published checkpoint", "[advice][commands]")
{
  // vLLM loads a published FP8 checkpoint, or quantizes bf16 weights to FP8 as it loads them when none is known;
  // TensorRT-LLM and LMDeploy load a published checkpoint.
  const std::string published = command("llama-3.1-8b", "h100-sxm", "vllm", "fp8");
  CHECK_THAT(published, Catch::StartsWith("vllm serve neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8 "));
  CHECK(published.find("--quantization") == std::string::npos);
  CHECK_THAT(command("qwen3-8b", "h100-sxm", "vllm", "fp8"),
             Catch::StartsWith("vllm serve Qwen/Qwen3-8B ") && Catch::Contains("--quantization fp8"));
  CHECK_THAT(command("llama-3.1-8b", "h100-sxm", "tensorrt-llm", "fp8"),
             Catch::StartsWith("trtllm-serve nvidia/Llama-3.1-8B-Instruct-FP8 "));
  CHECK_THAT(command("llama-3.1-8b", "h100-sxm", "lmdeploy", "int4"),
             Catch::Contains("api_server hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4 ") &&
                 Catch::Contains("--model-format awq"));
  CHECK_THAT(command("llama-3.1-8b", "h100-sxm", "tgi", "int4"),
             Catch::Contains("--model-id hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4 ") &&
                 Catch::Contains("--quantize awq"));
}

TEST_CASE("CPU backends: SGLang's environment and --device cpu, vLLM's KV space in GiB", "[advice][commands][cpu]")
{
  const std::string sglang = command("llama-3.1-8b", "xeon-platinum-8480", "sglang", "bf16");
  CHECK_THAT(sglang, Catch::StartsWith("SGLANG_USE_CPU_ENGINE=1 python -m sglang.launch_server") &&
                         Catch::Contains("--device cpu"));
  const std::string vllm = command("llama-3.1-8b", "epyc-9654", "vllm", "bf16");
  CHECK_THAT(vllm, Catch::StartsWith("VLLM_CPU_KVCACHE_SPACE=") && Catch::Contains(" vllm serve ") &&
                       !Catch::Contains("--gpu-memory-utilization"));
  // On a GPU neither appears.
  CHECK_THAT(command("llama-3.1-8b", "h100-sxm", "sglang"), !Catch::Contains("--device cpu"));
}
