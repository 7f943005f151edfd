// data/artifacts.json: published checkpoints, GGUF files, Ollama tags and MaxText names, each with its source, and
// the weights an engine loads for a model in a precision.

#include "llmhw/catalog/artifacts.hpp"
#include "llmhw/catalog/catalog.hpp"

#include "support/builtin_catalog.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <string>

using llmhw::catalog::CatalogSources;
using llmhw::catalog::WeightsSource;
using llmhw::test::builtin_catalog;
using llmhw::test::TempDir;

namespace {

std::optional<WeightsSource> source_for(const std::string& model, const std::string& engine, const std::string& quant)
{
  const auto& catalog = builtin_catalog();
  const auto* entry = catalog.find_model(model);
  REQUIRE(entry != nullptr);
  return llmhw::catalog::weights_source(catalog, *catalog.find_engine(engine), entry->id, *entry->hf_repo,
                                        entry->native_quant, quant);
}

std::string load_error(const std::string& artifact)
{
  TempDir dir;
  const std::string file = dir.write("artifacts.json", R"({"artifacts": [)" + artifact + "]}");
  auto catalog = llmhw::catalog::load(CatalogSources{{file}, std::nullopt});
  REQUIRE_FALSE(catalog.ok());
  return catalog.error().message();
}

} // namespace

TEST_CASE("every built-in artifact names its source, a catalog model and one kind", "[catalog][artifacts]")
{
  const auto& catalog = builtin_catalog();
  REQUIRE(catalog.artifacts.size() > 50);
  for (const auto& artifact : catalog.artifacts) {
    INFO(artifact.id);
    CHECK_FALSE(artifact.source.empty());
    CHECK(catalog.find_model(artifact.model) != nullptr);
    CHECK(int(artifact.repo.has_value()) + int(artifact.ollama.has_value()) + int(artifact.maxtext.has_value()) == 1);
    if (artifact.file) {
      CHECK(artifact.file->ends_with(".gguf"));
    }
  }
}

TEST_CASE("a bad artifact entry is an error naming the field", "[catalog][artifacts]")
{
  CHECK_THAT(load_error(R"({"id": "x", "model": "no-such-model", "quant": "fp8", "repo": "a/b", "source": "s"})"),
             Catch::Contains("artifacts[0].model: no model entry 'no-such-model'"));
  CHECK_THAT(load_error(R"({"id": "x", "model": "llama-3.1-8b", "quant": "fp8", "repo": "a/b", "ollama": "c:d",
                           "source": "s"})"),
             Catch::Contains("exactly one of repo, ollama and maxtext"));
  CHECK_THAT(load_error(R"({"id": "x", "model": "llama-3.1-8b", "quant": "fp8", "repo": "<FP8 of a/b>",
                           "source": "s"})"),
             Catch::Contains("artifacts[0].repo: must be a plain name"));
  CHECK_THAT(load_error(R"({"id": "x", "model": "llama-3.1-8b", "quant": "fp8", "repo": "a/b", "engines": ["nope"],
                           "source": "s"})"),
             Catch::Contains("no engine entry 'nope'"));
}

TEST_CASE("the weights an engine loads: published, an artifact, quantized on load, converted, or none",
          "[catalog][artifacts]")
{
  using Kind = WeightsSource::Kind;
  // bf16 as published; fp16 is the same bytes cast on load.
  CHECK(source_for("llama-3.1-8b", "vllm", "fp16")->kind == Kind::published);
  // A published FP8 checkpoint first (calibrated); without one vLLM quantizes bf16 to FP8 as it loads.
  CHECK(source_for("llama-3.1-8b", "vllm", "fp8")->repo == "neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8");
  CHECK(source_for("qwen3-8b", "vllm", "fp8")->kind == Kind::quantize_on_load);
  // TensorRT-LLM loads NVIDIA's ModelOpt checkpoint.
  const auto trt = source_for("llama-3.1-8b", "tensorrt-llm", "fp8");
  REQUIRE(trt);
  CHECK(trt->artifact->repo == "nvidia/Llama-3.1-8B-Instruct-FP8");
  // An AWQ checkpoint for LMDeploy; none is known for Qwen3 8B, and LMDeploy cannot make one as it loads.
  CHECK(source_for("llama-3.1-8b", "lmdeploy", "int4")->artifact->format == "awq");
  CHECK_FALSE(source_for("qwen3-8b", "lmdeploy", "int4"));
  // DeepSeek-V3 and gpt-oss are published in fp8 and mxfp4: a 16-bit plan loads a bf16 checkpoint, never theirs.
  CHECK(source_for("deepseek-v3", "vllm", "bf16")->repo == "unsloth/DeepSeek-V3-bf16");
  CHECK(source_for("gpt-oss-20b", "sglang", "bf16")->repo == "unsloth/gpt-oss-20b-BF16");
  CHECK_FALSE(source_for("gpt-oss-120b", "vllm", "bf16"));
  // llama.cpp: a published GGUF file, else its converter and llama-quantize; not a type that needs an imatrix.
  CHECK(source_for("llama-3.1-8b", "llama.cpp", "q4_k_m")->artifact->file ==
        "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf");
  CHECK(source_for("qwen3-8b", "llama.cpp", "q4_k_m")->kind == Kind::convert_locally);
  CHECK(source_for("deepseek-v3", "llama.cpp", "q8_0")->repo == "unsloth/DeepSeek-V3-bf16");
  CHECK_FALSE(source_for("qwen3-8b", "llama.cpp", "iq2_xxs"));
  // Ollama: the library's tag, or nothing (it quantizes nothing on load).
  CHECK(source_for("llama-3.1-8b", "ollama", "fp16")->artifact->ollama == "llama3.1:8b-instruct-fp16");
  // The library's 16-bit tags are fp16: a bf16 plan runs the same bytes from it.
  CHECK(source_for("llama-3.1-8b", "ollama", "bf16")->artifact->ollama == "llama3.1:8b-instruct-fp16");
  CHECK(source_for("gpt-oss-20b", "ollama", "mxfp4")->artifact->ollama == "gpt-oss:20b");
  CHECK_FALSE(source_for("qwen3-8b", "ollama", "q8_0"));
}
