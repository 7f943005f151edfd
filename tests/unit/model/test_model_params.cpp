// Parameter counts derived from real models' config.json (the catalog keeps
// them verbatim) against the counts their publishers state. Each expected
// figure names where it comes from; none comes from this code.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using llmhw::model::ModelSpec;

using llmhw::test::builtin_catalog;
using llmhw::test::catalog_model;

namespace {

/// Within `tolerance` (a fraction) of `published`.
bool near(std::uint64_t derived, double published, double tolerance)
{
  return std::abs(static_cast<double>(derived) - published) <= published * tolerance;
}

/// Active parameters without the input embedding table, as OpenAI and
/// DeepSeek count them (a token reads one row of it).
std::uint64_t active_without_embedding(const ModelSpec& spec)
{
  return spec.active_params - spec.parameters.embedding;
}

} // namespace

TEST_CASE("dense Llama models count exactly what their checkpoints hold", "[model][params]")
{
  // huggingface.co/meta-llama/Llama-3.1-8B-Instruct: "8,030,261,248 params" (safetensors metadata).
  CHECK(catalog_model("llama-3.1-8b").params == 8'030'261'248ULL);
  // huggingface.co/meta-llama/Llama-3.1-70B-Instruct: 70,553,706,496 params (safetensors metadata).
  CHECK(catalog_model("llama-3.1-70b").params == 70'553'706'496ULL);
  // huggingface.co/meta-llama/Llama-2-7b-hf: 6,738,415,616 params (safetensors metadata).
  CHECK(catalog_model("llama-2-7b").params == 6'738'415'616ULL);
  // huggingface.co/meta-llama/Llama-3.2-1B: 1,235,814,400 params, embeddings tied (safetensors metadata).
  CHECK(catalog_model("llama-3.2-1b").params == 1'235'814'400ULL);
  // Llama 3 paper (arXiv:2407.21783), Table 3: the flagship has 405B parameters.
  CHECK(near(catalog_model("llama-3.1-405b").params, 405e9, 0.01));
}

TEST_CASE("GQA and tied-embedding models match their model cards", "[model][params]")
{
  // Qwen2.5-7B-Instruct model card: 7.61B parameters, 6.53B non-embedding.
  const ModelSpec qwen = catalog_model("qwen2.5-7b");
  CHECK(near(qwen.params, 7.61e9, 0.005));
  CHECK(near(qwen.params - qwen.parameters.embedding - qwen.parameters.lm_head, 6.53e9, 0.005));
  // Qwen3-0.6B model card: 0.6B parameters, 0.44B non-embedding; embeddings tied.
  const ModelSpec small = catalog_model("qwen3-0.6b");
  CHECK(small.parameters.lm_head == 0);
  CHECK(near(small.params - small.parameters.embedding, 0.44e9, 0.01));
  // Phi-4 technical report (arXiv:2412.08905): 14B; huggingface.co/microsoft/phi-4: 14.7B.
  CHECK(near(catalog_model("phi-4").params, 14.7e9, 0.005));
}

TEST_CASE("mixture-of-experts models: total and active parameters", "[model][params][moe]")
{
  // mistral.ai/news/mixtral-of-experts: "46.7B total parameters but only uses 12.9B parameters per token".
  const ModelSpec mixtral = catalog_model("mixtral-8x7b");
  CHECK(near(mixtral.params, 46.7e9, 0.005));
  CHECK(near(mixtral.active_params, 12.9e9, 0.005));
  // Qwen3-30B-A3B model card: 30.5B total, 3.3B activated.
  const ModelSpec qwen = catalog_model("qwen3-30b-a3b");
  CHECK(near(qwen.params, 30.5e9, 0.005));
  CHECK(near(qwen.active_params, 3.3e9, 0.02));
  // Phi-3.5-MoE-instruct model card: 41.9B total, 6.6B active.
  const ModelSpec phi = catalog_model("phi-3.5-moe");
  CHECK(near(phi.params, 41.9e9, 0.005));
  CHECK(near(phi.active_params, 6.6e9, 0.01));
  // Llama 4 model card: Scout 109B total, 17B active (vision encoder included in the total).
  const ModelSpec scout = catalog_model("llama-4-scout");
  CHECK(near(scout.params, 109e9, 0.01));
  CHECK(near(scout.active_params, 17e9, 0.015));
  // Maverick routes in every other layer: 400B total, 17B active.
  const ModelSpec maverick = catalog_model("llama-4-maverick");
  CHECK(maverick.arch.moe_layer_count() == 24);
  CHECK(near(maverick.params, 400e9, 0.01));
  CHECK(near(maverick.active_params, 17e9, 0.015));
}

TEST_CASE("gpt-oss: experts with biases, attention sinks, counted as OpenAI counts them", "[model][params][moe]")
{
  // gpt-oss model card (arXiv:2508.10925), Table 1: 116.83B total / 5.13B active; 20.91B / 3.61B.
  const ModelSpec big = catalog_model("gpt-oss-120b");
  CHECK(near(big.params, 116.83e9, 0.001));
  CHECK(near(active_without_embedding(big), 5.13e9, 0.002));
  const ModelSpec small = catalog_model("gpt-oss-20b");
  CHECK(near(small.params, 20.91e9, 0.001));
  CHECK(near(active_without_embedding(small), 3.61e9, 0.002));
}

TEST_CASE("MLA models: DeepSeek-V3 and V2-Lite", "[model][params][mla]")
{
  // DeepSeek-V3 technical report (arXiv:2412.19437), abstract: 671B total, 37B activated per token.
  const ModelSpec v3 = catalog_model("deepseek-v3");
  CHECK(near(v3.params, 671e9, 0.002));
  CHECK(near(active_without_embedding(v3), 37e9, 0.015));
  // §4.2: the first three layers are dense, the other 58 route over 256 experts.
  CHECK(v3.arch.moe_layer_count() == 58);
  // DeepSeek-V2 paper (arXiv:2405.04434), Appendix B: V2-Lite has 15.7B total, 2.4B activated;
  // queries are not low-rank (q_lora_rank null).
  const ModelSpec lite = catalog_model("deepseek-coder-v2-lite");
  REQUIRE(lite.arch.mla.has_value());
  CHECK(lite.arch.mla->q_lora_rank == 0);
  CHECK(near(lite.params, 15.7e9, 0.005));
  CHECK(near(active_without_embedding(lite), 2.4e9, 0.025));
}

TEST_CASE("multimodal checkpoints count their vision tower", "[model][params][vision]")
{
  // huggingface.co/google/gemma-3-12b-it: 12,187,325,040 params, SigLIP encoder included.
  const ModelSpec gemma = catalog_model("gemma-3-12b");
  CHECK(gemma.parameters.vision > 0);
  CHECK(near(gemma.params, 12'187'325'040.0, 0.005));
  CHECK(gemma.active_params == gemma.params - gemma.parameters.vision); // a text token skips the encoder
  // google/gemma-3-4b-it's config names 5 text keys; Gemma3TextConfig's defaults supply the rest (and say so).
  const ModelSpec sparse = catalog_model("gemma-3-4b");
  CHECK(sparse.arch.num_heads == 8);
  CHECK(sparse.arch.num_kv_heads == 4);
  CHECK(near(sparse.params, 4.3e9, 0.01)); // model card: 4.3B
  CHECK_FALSE(sparse.assumptions.empty());
}

TEST_CASE("which layers route: first_k_dense_replace, moe_layer_freq, decoder_sparse_step", "[model][params][moe]")
{
  llmhw::model::Architecture arch;
  arch.num_layers = 8;
  arch.moe = llmhw::model::MoeShape{};
  arch.moe->num_experts = 4;
  arch.moe->first_dense_layers = 2; // DeepSeek: layers 0 and 1 dense
  CHECK_FALSE(arch.is_moe_layer(1));
  CHECK(arch.is_moe_layer(2));
  CHECK(arch.moe_layer_count() == 6);
  arch.moe->first_dense_layers = 0;
  arch.moe->layer_frequency = 2; // Llama 4 interleave_moe_layer_step 2: (i + 1) % 2 == 0
  arch.moe->layer_phase = 1;
  CHECK_FALSE(arch.is_moe_layer(0));
  CHECK(arch.is_moe_layer(1));
  CHECK(arch.moe_layer_count() == 4);
  arch.moe->dense_layers = {3}; // Qwen mlp_only_layers
  CHECK_FALSE(arch.is_moe_layer(3));
  CHECK(arch.moe_layer_count() == 3);
}

TEST_CASE("shapes whose counts pass 64 bits are refused rather than wrapped around", "[model][params]")
{
  // The config parser's limits keep real inputs far below this; the arithmetic is checked regardless.
  llmhw::model::Architecture arch;
  arch.hidden_size = UINT32_MAX;
  arch.num_layers = 2;
  arch.num_heads = 1;
  arch.num_kv_heads = 1;
  arch.head_dim = 128;
  arch.intermediate_size = UINT32_MAX;
  arch.vocab_size = 1000;
  arch.moe = llmhw::model::MoeShape{};
  arch.moe->num_experts = 1 << 20;
  arch.moe->experts_per_token = 1;
  arch.moe->expert_intermediate_size = UINT32_MAX;
  auto counts = llmhw::model::count_parameters(arch);
  REQUIRE_FALSE(counts.ok());
  CHECK_THAT(counts.error().problem, Catch::Contains("overflows 64 bits"));
}
