// The engine an expert would pick: among plans the estimates cannot tell apart, the maintained engine most used on
// the device (vLLM or SGLang on NVIDIA GPUs, vLLM TPU on TPUs); archived and maintenance-mode engines marked and
// first only where nothing maintained runs the model as well. Also: MLX's own 4-bit format, JetStream's command as
// current MaxText takes it, and estimator behaviour that follows engines.json properties, not engine ids.

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/estimate/estimate.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/rules/rules.hpp"

#include "support/builtin_catalog.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>

using llmhw::test::builtin_catalog;
using llmhw::test::catalog_model;

namespace {

llmhw::advice::Advice advise(const std::string& model, const std::string& target,
                             std::optional<std::string> engine = {}, std::optional<std::string> quant = {},
                             const llmhw::catalog::Catalog& catalog = builtin_catalog())
{
  llmhw::advice::Inputs inputs;
  inputs.targets = {target};
  inputs.framework = std::move(engine);
  inputs.quant = std::move(quant);
  auto advice = llmhw::advice::recommend(catalog_model(model), llmhw::test::preset_workload("chat"), inputs, catalog);
  REQUIRE(advice.ok());
  return std::move(*advice);
}

bool has_code(const llmhw::advice::RankedCandidate& ranked, const std::string& code)
{
  const auto& findings = ranked.assessment.findings;
  return std::any_of(findings.begin(), findings.end(), [&](const auto& finding) { return finding.code == code; });
}

const std::string& engine_of(const llmhw::advice::RankedCandidate& ranked)
{
  return ranked.assessment.estimate.candidate.engine;
}

} // namespace

TEST_CASE("engines.json marks JetStream archived and TGI in maintenance mode, each with its source", "[engine-choice]")
{
  const auto& catalog = builtin_catalog();
  const auto* jetstream = catalog.find_engine("jetstream");
  const auto* tgi = catalog.find_engine("tgi");
  REQUIRE(jetstream != nullptr);
  REQUIRE(tgi != nullptr);
  CHECK(jetstream->status.state == llmhw::catalog::EngineState::archived);
  CHECK(jetstream->status.since == "2026-02-01");
  CHECK_THAT(jetstream->status.source, Catch::Contains("Notice of Archival"));
  CHECK(tgi->status.state == llmhw::catalog::EngineState::maintenance);
  CHECK_THAT(tgi->status.source, Catch::Contains("maintenance mode"));
  CHECK(catalog.find_engine("vllm")->status.state == llmhw::catalog::EngineState::active);
  CHECK(llmhw::catalog::preferred_on(*catalog.find_engine("vllm"), "cuda"));
  CHECK(llmhw::catalog::preferred_on(*catalog.find_engine("sglang"), "rocm"));
  CHECK(llmhw::catalog::preferred_on(*catalog.find_engine("vllm-tpu"), "tpu"));
  CHECK_FALSE(llmhw::catalog::preferred_on(*catalog.find_engine("lmdeploy"), "cuda"));
}

TEST_CASE("an engine status other than active, maintenance or archived is refused", "[engine-choice]")
{
  llmhw::test::TempDir dir;
  const std::string file = dir.write(
      "engine.json", R"({"engines": [{"id": "mine", "name": "Mine", "backends": ["cuda"], "quants": ["bf16"],
                         "status": {"state": "dormant", "source": "s"}, "source": "s"}]})");
  auto catalog = llmhw::catalog::load(llmhw::catalog::CatalogSources{{file}, std::nullopt});
  REQUIRE_FALSE(catalog.ok());
  CHECK_THAT(catalog.error().message(), Catch::Contains("engines[0].status.state"));
}

TEST_CASE("Llama 3.1 70B on 2x H100: vLLM or SGLang leads the two-GPU plans, and the reasons say why", "[engine-choice]")
{
  const auto advice = advise("llama-3.1-70b", "2xh100-sxm");
  REQUIRE(advice.recommendation);
  // Among plans of the same shape (both GPUs, the same precision) the maintained, most used engines lead. One H100
  // may still win with an engine that fits 70B in fp8 on one GPU (TensorRT-LLM sizes its KV cache from the memory
  // left after the weights; vLLM's 0.9 share does not hold them): a different plan, not a tie.
  const auto first_pair = std::find_if(advice.candidates.begin(), advice.candidates.end(), [](const auto& ranked) {
    return ranked.assessment.estimate.candidate.count == 2;
  });
  REQUIRE(first_pair != advice.candidates.end());
  CHECK((engine_of(*first_pair) == "vllm" || engine_of(*first_pair) == "sglang"));
  CHECK(has_code(*first_pair, "ENGINE_PREFERRED"));
  if (advice.recommendation->count == 2) {
    CHECK((advice.recommendation->framework == "vllm" || advice.recommendation->framework == "sglang"));
  }

  bool saw_less_used = false;
  for (const auto& ranked : advice.candidates) {
    const std::string& engine = engine_of(ranked);
    if (engine == "lmdeploy" || engine == "tensorrt-llm") {
      CHECK(has_code(ranked, "ENGINE_LESS_USED"));
      saw_less_used = true;
    }
    CHECK(has_code(ranked, "ENGINE_MAINTENANCE_MODE") == (engine == "tgi"));
  }
  CHECK(saw_less_used);
}

TEST_CASE("a maintenance-mode engine ranks below every maintained engine of its verdict", "[engine-choice]")
{
  const auto advice = advise("llama-3.1-8b", "2xh100-sxm");
  for (std::size_t i = 0; i < advice.candidates.size(); ++i) {
    if (!has_code(advice.candidates[i], "ENGINE_MAINTENANCE_MODE")) {
      continue;
    }
    for (std::size_t j = i + 1; j < advice.candidates.size(); ++j) {
      // Nothing maintained with the same verdict comes after it.
      if (advice.candidates[j].assessment.verdict == advice.candidates[i].assessment.verdict) {
        CHECK(has_code(advice.candidates[j], "ENGINE_MAINTENANCE_MODE"));
      }
    }
  }
}

TEST_CASE("a model only JetStream serves on a TPU: its rows are marked archived, and blocked without a checkpoint",
          "[engine-choice]")
{
  // vLLM TPU does not list Gemma 2; JetStream (MaxText gemma2-9b) does, but serves only checkpoints converted to
  // MaxText's format, and nobody publishes one (data/artifacts.json): no command to print, so no recommendation.
  const auto advice = advise("gemma-2-9b", "tpu-v5e-8");
  REQUIRE_FALSE(advice.candidates.empty());
  bool saw_jetstream = false;
  for (const auto& ranked : advice.candidates) {
    if (engine_of(ranked) != "jetstream") {
      continue;
    }
    saw_jetstream = true;
    CHECK(has_code(ranked, "ENGINE_ARCHIVED"));
    CHECK(has_code(ranked, "ARTIFACT_MISSING"));
    CHECK(ranked.command.empty());
  }
  CHECK(saw_jetstream);
  CHECK_FALSE(advice.recommendation);
}

TEST_CASE("TGI asked for by name is recommended, marked as in maintenance mode", "[engine-choice]")
{
  const auto advice = advise("llama-3.1-8b", "h100-sxm", "tgi");
  REQUIRE(advice.recommendation);
  CHECK(advice.recommendation->framework == "tgi");
  CHECK(has_code(advice.candidates.front(), "ENGINE_MAINTENANCE_MODE"));
  CHECK_THAT(advice.recommendation->summary, Catch::Contains("in maintenance mode since 2025-12-11"));
}

TEST_CASE("on a TPU, vLLM TPU comes before JetStream for a model both serve", "[engine-choice]")
{
  const auto advice = advise("llama-3.1-8b", "tpu-v5e-8");
  REQUIRE(advice.recommendation);
  CHECK(advice.recommendation->framework == "vllm-tpu");
}

TEST_CASE("JetStream prints no command without a converted MaxText checkpoint", "[engine-choice][commands]")
{
  for (const char* quant : {"bf16", "int8", "int4"}) {
    const auto advice = advise("llama-3.1-8b", "tpu-v5e-8", "jetstream", std::string(quant));
    REQUIRE_FALSE(advice.candidates.empty());
    INFO(quant);
    CHECK(advice.candidates.front().command.empty());
    CHECK(has_code(advice.candidates.front(), "ARTIFACT_MISSING"));
  }
}

TEST_CASE("MLX runs 4-bit as its own 4.5-bit affine format on Apple silicon", "[engine-choice]")
{
  const auto advice = advise("llama-3.1-8b", "apple-m4-max-40c", "mlx", std::string("int4"));
  REQUIRE_FALSE(advice.candidates.empty());
  const auto& best = advice.candidates.front();
  CHECK(best.assessment.estimate.candidate.quant == "int4");
  CHECK_FALSE(has_code(best, "QUANT_NO_KERNELS"));
  CHECK(best.assessment.verdict != llmhw::rules::Verdict::not_viable);
  // Every matrix, the embedding and the output too, at 4 bits plus an fp16 scale and bias per 64 weights.
  const auto model = catalog_model("llama-3.1-8b");
  const double expected = static_cast<double>(model.params) * 4.5 / 8.0;
  const double weights = static_cast<double>(best.assessment.estimate.memory.weights_bytes);
  CHECK(weights > 0.99 * expected);
  CHECK(weights < 1.01 * expected);
  CHECK_THAT(best.command, Catch::Contains("--q-bits 4"));
}

TEST_CASE("the estimator follows engines.json properties, not engine ids", "[engine-choice][estimate]")
{
  // Two engines from a user's catalog: one with llama.cpp's ggml runtime properties under another id, one without.
  llmhw::catalog::Catalog catalog = builtin_catalog();
  llmhw::catalog::EngineSpec ggml_like = *catalog.find_engine("llama.cpp");
  ggml_like.id = "my-ggml";
  ggml_like.name = "My ggml";
  llmhw::catalog::EngineSpec plain = ggml_like;
  plain.id = "plain";
  plain.name = "Plain";
  plain.ggml = {};
  catalog.engines.push_back(ggml_like);
  catalog.engines.push_back(plain);

  const auto model = catalog_model("llama-3.1-8b");
  const auto workload = llmhw::test::preset_workload("chat");
  const auto layered = llmhw::estimate::run(llmhw::test::candidate("rtx-4090", "my-ggml", "q4_k_m", 2), model,
                                            workload, catalog);
  const auto flat =
      llmhw::estimate::run(llmhw::test::candidate("rtx-4090", "plain", "q4_k_m", 2), model, workload, catalog);
  const auto says = [](const llmhw::estimate::Estimate& estimate, const std::string& text) {
    return std::any_of(estimate.assumptions.begin(), estimate.assumptions.end(),
                       [&](const std::string& line) { return line.find(text) != std::string::npos; });
  };
  CHECK(says(layered, "splits whole layers over the 2 devices"));
  CHECK_FALSE(says(flat, "splits whole layers"));
  // Activations live in the fixed compute buffer (counted as overhead) only for the ggml runtime.
  CHECK(layered.memory.activation_bytes == 0);
  CHECK(flat.memory.activation_bytes > 0);
}
