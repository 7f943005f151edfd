// KV-cache bytes per token and per sequence. Expected figures are worked out
// by hand in each comment from the published shapes (layers x 2 x kv heads x
// head_dim x bytes) or quoted from the papers that introduced the layout.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>

using llmhw::model::kv_bytes_per_token;
using llmhw::model::kv_cache_bytes;

using llmhw::test::builtin_catalog;

namespace {

llmhw::model::Architecture arch(const std::string& name)
{
  auto loaded = llmhw::model::load(name, builtin_catalog());
  REQUIRE(loaded.ok());
  return loaded->arch;
}

double bytes_per_element(const std::string& quant)
{
  const auto* format = builtin_catalog().find_quant(quant);
  REQUIRE(format != nullptr);
  return llmhw::model::kv_bytes_per_element(*format);
}

} // namespace

TEST_CASE("GQA: Llama 3.1 caches 8 KV heads per layer", "[model][kv]")
{
  // 32 layers x 2 (K, V) x 8 heads x 128 dims x 2 bytes = 131,072 B (128 KiB) per token in bf16.
  CHECK(kv_bytes_per_token(arch("llama-3.1-8b"), 2.0) == 131'072);
  // 70B: 80 layers x 2 x 8 x 128 x 2 = 327,680 B.
  CHECK(kv_bytes_per_token(arch("llama-3.1-70b"), 2.0) == 327'680);
  CHECK(arch("llama-3.1-70b").attention_kind() == llmhw::model::AttentionKind::gqa);
}

TEST_CASE("MHA: Llama 2 7B caches every head", "[model][kv]")
{
  // 32 layers x 2 x 32 heads x 128 x 2 bytes = 524,288 B (512 KiB) per token.
  CHECK(kv_bytes_per_token(arch("llama-2-7b"), 2.0) == 524'288);
  CHECK(arch("llama-2-7b").attention_kind() == llmhw::model::AttentionKind::mha);
}

TEST_CASE("MQA: Gemma 3 1B has a single KV head", "[model][kv]")
{
  // Gemma 3 report (arXiv:2503.19786) Table 1: 1B has 4 query heads and 1 KV head of 256 dims, 26 layers:
  // 26 x 2 x 1 x 256 x 2 bytes = 26,624 B per token.
  CHECK(arch("gemma-3-1b").attention_kind() == llmhw::model::AttentionKind::mqa);
  CHECK(kv_bytes_per_token(arch("gemma-3-1b"), 2.0) == 26'624);
}

TEST_CASE("MLA: DeepSeek-V3 caches one latent per layer, not per head", "[model][kv][mla]")
{
  // DeepSeek-V2 paper (arXiv:2405.04434) §2.1.2 / Table 1: MLA caches (d_c + d_h^R) = 512 + 64 = 576 elements per
  // layer and token; V3 has 61 layers: 61 x 576 x 2 bytes = 70,272 B, against 61 x 2 x 128 heads x 128 x 2 =
  // 3,997,696 B had it cached per-head keys and values (57x more).
  const auto v3 = arch("deepseek-v3");
  CHECK(v3.attention_kind() == llmhw::model::AttentionKind::mla);
  CHECK(kv_bytes_per_token(v3, 2.0) == 70'272);
}

TEST_CASE("sliding-window layers stop growing at their window", "[model][kv][sliding]")
{
  SECTION("Mistral 7B v0.1: every layer slides over 4096 tokens")
  {
    // arXiv:2310.06825 §2: "a fixed attention span ... limits the cache to a size of W = 4096 tokens".
    const auto mistral = arch("mistral-7b-v0.1");
    const std::uint64_t per_token = 32ULL * 2 * 8 * 128 * 2; // 131,072 B
    CHECK(kv_cache_bytes(mistral, 2'000, 2.0) == 2'000 * per_token);
    CHECK(kv_cache_bytes(mistral, 32'768, 2.0) == 4'096 * per_token);
    // v0.3 dropped the window: the cache grows with the context.
    CHECK(kv_cache_bytes(arch("mistral-7b"), 32'768, 2.0) == 32'768 * per_token);
  }
  SECTION("Gemma 3 27B: five local layers (1024 tokens) per global one")
  {
    // Gemma 3 report §2: 5:1 local:global, local span 1024. 62 layers: 10 global ((i+1) % 6 == 0), 52 local.
    // One layer's K+V per token: 2 x 16 heads x 128 x 2 bytes = 8,192 B.
    const auto gemma = arch("gemma-3-27b");
    CHECK(kv_bytes_per_token(gemma, 2.0) == 62ULL * 8'192);
    const std::uint64_t context = 131'072;
    CHECK(kv_cache_bytes(gemma, context, 2.0) == 10 * context * 8'192 + 52ULL * 1'024 * 8'192);
  }
  SECTION("gpt-oss-120b: alternating 128-token and full layers")
  {
    // gpt-oss model card §2.1: layers alternate banded-window (128 tokens) and dense attention; 36 layers,
    // 8 KV heads of 64 dims: one layer is 2 x 8 x 64 x 2 = 2,048 B per token.
    const auto oss = arch("gpt-oss-120b");
    CHECK(kv_cache_bytes(oss, 100, 2.0) == 36ULL * 100 * 2'048);
    CHECK(kv_cache_bytes(oss, 131'072, 2.0) == 18ULL * 131'072 * 2'048 + 18ULL * 128 * 2'048);
  }
  SECTION("Llama 4 Scout: chunked attention in three of every four layers")
  {
    // Llama 4 config: attention_chunk_size 8192, no_rope_layers marks every 4th layer global. 48 layers:
    // 12 global, 36 chunked; one layer is 2 x 8 x 128 x 2 = 4,096 B per token.
    const auto scout = arch("llama-4-scout");
    CHECK(kv_cache_bytes(scout, 1'000'000, 2.0) == 12ULL * 1'000'000 * 4'096 + 36ULL * 8'192 * 4'096);
  }
}

TEST_CASE("KV precisions from quants.json", "[model][kv]")
{
  const auto llama = arch("llama-3.1-8b");
  CHECK(kv_bytes_per_token(llama, bytes_per_element("bf16")) == 131'072);
  CHECK(kv_bytes_per_token(llama, bytes_per_element("fp16")) == 131'072);
  CHECK(kv_bytes_per_token(llama, bytes_per_element("fp8")) == 65'536);
  // ggml block_q8_0: 34 bytes per 32 values; block_q4_0: 18 bytes per 32 (ggml-common.h).
  CHECK(kv_bytes_per_token(llama, bytes_per_element("q8_0")) == 65'536 / 32 * 34);
  CHECK(kv_bytes_per_token(llama, bytes_per_element("q4_0")) == 65'536 / 32 * 18);
  for (const char* quant : {"bf16", "fp16", "fp8", "q8_0", "q4_0"}) {
    CHECK(builtin_catalog().find_quant(quant)->kv_cache);
  }
}

TEST_CASE("KV bytes per token across the catalog's attention layouts", "[model][kv]")
{
  // Layers x 2 (K, V) x KV heads x head_dim x 2 bytes (bf16), shapes from each model card / config.json.
  const std::vector<std::pair<const char*, std::uint64_t>> expected = {
      {"mixtral-8x7b", 32ULL * 2 * 8 * 128 * 2},          // 131,072: Mixtral keeps Mistral 7B's GQA (8 KV heads)
      {"qwen2.5-7b", 28ULL * 2 * 4 * 128 * 2},            // 57,344: Qwen2.5 report Table 1, 28 Q / 4 KV heads
      {"qwen3-30b-a3b", 48ULL * 2 * 4 * 128 * 2},         // 98,304: Qwen3-30B-A3B card, 32 Q / 4 KV heads
      {"phi-3.5-mini", 32ULL * 2 * 32 * 96 * 2},          // 393,216: MHA, 32 heads of 3072 / 32 = 96
      {"llama-3.1-405b", 126ULL * 2 * 8 * 128 * 2},       // 516,096: Llama 3 paper Table 3, 126 layers, 8 KV heads
      {"gemma-2-27b", 46ULL * 2 * 16 * 128 * 2},          // 376,832: Gemma 2 report Table 1, 16 KV heads of 128
      {"deepseek-coder-v2-lite", 27ULL * (512 + 64) * 2}, // 31,104: MLA latent 512 + RoPE key 64, 27 layers
      {"command-r", 40ULL * 2 * 64 * 128 * 2},            // 1,310,720: Command R v01 caches all 64 heads
  };
  for (const auto& [name, bytes] : expected) {
    INFO(name);
    CHECK(kv_bytes_per_token(arch(name), 2.0) == bytes);
  }
}

TEST_CASE("a sequence's KV bytes are the sum over its layers, for every catalog model", "[model][kv][sliding]")
{
  // kv_cache_bytes counts full and sliding-window layers instead of walking them; the definition is the per-layer
  // sum: each layer keeps the whole context, or at most its window.
  for (const auto& entry : builtin_catalog().models) {
    const llmhw::model::Architecture shape = arch(entry.id);
    const std::uint64_t per_token_layer = kv_bytes_per_token(shape, 1.0) / std::max<std::uint32_t>(1, shape.num_layers);
    const std::uint64_t window = shape.sliding_window.value_or(4'096);
    for (const std::uint64_t context : {std::uint64_t{1}, window - 1, window, window + 1, std::uint64_t{131'072}}) {
      std::uint64_t expected = 0;
      for (std::uint32_t layer = 0; layer < shape.num_layers; ++layer) {
        expected += per_token_layer * (shape.is_sliding(layer) ? std::min(context, window) : context);
      }
      INFO(entry.id << " at " << context << " tokens");
      CHECK(kv_cache_bytes(shape, context, 1.0) == expected);
    }
  }
}
