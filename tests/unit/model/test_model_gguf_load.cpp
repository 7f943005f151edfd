// Models read from GGUF files: the architecture from the metadata, exact
// parameters and bytes from the tensor infos of every part, the precision
// from general.file_type. Files are written byte by byte (gguf_writer.hpp);
// expected sizes come from ggml-common.h's block layouts, worked out here.

#include "gguf_writer.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"
#include "support/temp_dir.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <map>

using llmhw::test::Bytes;
using llmhw::test::GgufWriter;

using llmhw::test::builtin_catalog;

namespace {

// ggml_type ids (ggml.h) and bytes per block (ggml-common.h).
constexpr std::uint32_t k_f32 = 0;
constexpr std::uint32_t k_f16 = 1;
constexpr std::uint32_t k_q4_k = 12;  // 144 bytes per 256 weights
constexpr std::uint32_t k_q6_k = 14;  // 210 bytes per 256 weights
constexpr std::uint32_t k_q8_0 = 8;   // 34 bytes per 32 weights
constexpr std::uint32_t k_mxfp4 = 39; // 17 bytes per 32 weights

/// A two-layer Llama-shaped model, hidden 256, 4 heads of 64, 2 KV heads,
/// FFN 512, vocabulary 1000, in a Q4_K_M-like mix (llama_ftype 15).
GgufWriter tiny_llama(bool with_output = true)
{
  GgufWriter file = llmhw::test::tiny_llama_gguf();
  if (with_output) {
    file.tensor("output.weight", {256, 1000}, k_q6_k, 1000 * 210);
  }
  return file;
}

// Per layer: q 65,536 + k 32,768 + v 32,768 + o 65,536 + 3 x 131,072 FFN + 2 x 256 norms = 590,336.
constexpr std::uint64_t k_layer_params = 65'536 + 32'768 + 32'768 + 65'536 + 3 * 131'072 + 2 * 256;
constexpr std::uint64_t k_layer_bytes = (256 + 128 + 256 + 512 + 512) * 144 + 128 * 210 + 512 * 210 + 2 * 1024;

llmhw::model::ModelSpec load(const std::string& path)
{
  auto model = llmhw::model::load(path, builtin_catalog());
  INFO(path);
  if (!model.ok()) {
    FAIL(model.error().message());
  }
  return model.value();
}

} // namespace

TEST_CASE("a GGUF model: exact parameters and bytes from its tensor infos", "[model][gguf]")
{
  llmhw::test::TempDir dir;
  const auto model = load(tiny_llama().write(dir.path() / "tiny.gguf"));
  CHECK(model.source == llmhw::model::ModelSource::gguf);
  CHECK(model.name == "Tiny Llama");
  CHECK(model.native_quant == "q4_k_m"); // general.file_type 15 = LLAMA_FTYPE_MOSTLY_Q4_K_M
  CHECK(model.params == 256'000 + 2 * k_layer_params + 256 + 256'000);
  CHECK(model.active_params == model.params);
  CHECK(model.parameters.embedding == 256'000);
  CHECK(model.parameters.lm_head == 256'000);
  CHECK(*model.file_weight_bytes == 1000 * 144 + 2 * k_layer_bytes + 1024 + 1000 * 210);
  const auto* q4_k_m = builtin_catalog().find_quant("q4_k_m");
  CHECK(llmhw::model::weight_bytes(model, *q4_k_m) == *model.file_weight_bytes); // exact, from the file
  // 2 layers x 2 (K, V) x 2 KV heads x 64 dims x 2 bytes = 1,024 B per token.
  CHECK(llmhw::model::kv_bytes_per_token(model.arch, 2.0) == 1'024);
  CHECK(model.arch.max_context == 4096);
  CHECK_FALSE(model.arch.tied_embeddings);
}

TEST_CASE("a GGUF without output.weight ties the embeddings", "[model][gguf]")
{
  llmhw::test::TempDir dir;
  const auto model = load(tiny_llama(false).write(dir.path() / "tied.gguf"));
  CHECK(model.arch.tied_embeddings);
  CHECK(model.parameters.lm_head == 0);
}

TEST_CASE("version 2 and big-endian version 3 files read alike", "[model][gguf]")
{
  llmhw::test::TempDir dir;
  GgufWriter v2(2);
  v2.string("general.architecture", "llama")
      .u32("llama.embedding_length", 64)
      .u32("llama.block_count", 1)
      .u32("llama.attention.head_count", 2)
      .tensor("token_embd.weight", {64, 10}, k_f16, 640 * 2);
  GgufWriter big(3, true);
  big.string("general.architecture", "llama")
      .u32("llama.embedding_length", 64)
      .u32("llama.block_count", 1)
      .u32("llama.attention.head_count", 2)
      .tensor("token_embd.weight", {64, 10}, k_f16, 640 * 2);
  for (const auto& path : {v2.write(dir.path() / "v2.gguf"), big.write(dir.path() / "big.gguf")}) {
    const auto model = load(path);
    CHECK(model.params == 640);
    CHECK(model.arch.hidden_size == 64);
    CHECK(model.arch.vocab_size == 10);  // from token_embd's shape, the file having no vocab_size
    CHECK(model.native_quant == "fp16"); // no general.file_type: the dominant tensor type, F16
    CHECK(model.arch.head_dim == 32);    // no key_length: embedding_length / head_count, and said so
    CHECK_FALSE(model.assumptions.empty());
  }
}

TEST_CASE("a GGUF MoE: routed experts count toward total, experts_used of them toward active", "[model][gguf][moe]")
{
  llmhw::test::TempDir dir;
  GgufWriter file;
  file.string("general.architecture", "qwen3moe")
      .u32("general.file_type", 7)
      .u32("qwen3moe.embedding_length", 256)
      .u32("qwen3moe.block_count", 1)
      .u32("qwen3moe.attention.head_count", 4)
      .u32("qwen3moe.attention.head_count_kv", 4)
      .u32("qwen3moe.expert_count", 8)
      .u32("qwen3moe.expert_used_count", 2)
      .u32("qwen3moe.expert_feed_forward_length", 128);
  // Q8_0: 34 bytes per 32 weights.
  file.tensor("token_embd.weight", {256, 100}, k_q8_0, 25'600 / 32 * 34)
      .tensor("blk.0.attn_q.weight", {256, 256}, k_q8_0, 65'536 / 32 * 34)
      .tensor("blk.0.ffn_gate_inp.weight", {256, 8}, k_f32, 2'048 * 4)
      .tensor("blk.0.ffn_gate_exps.weight", {256, 128, 8}, k_q8_0, 262'144 / 32 * 34)
      .tensor("blk.0.ffn_up_exps.weight", {256, 128, 8}, k_q8_0, 262'144 / 32 * 34)
      .tensor("blk.0.ffn_down_exps.weight", {128, 256, 8}, k_q8_0, 262'144 / 32 * 34);
  const auto model = load(file.write(dir.path() / "moe.gguf"));
  CHECK(model.native_quant == "q8_0");
  CHECK(model.parameters.routed_experts == 3 * 262'144);
  CHECK(model.parameters.router == 2'048);
  CHECK(model.params == 25'600 + 65'536 + 2'048 + 3 * 262'144);
  CHECK(model.active_params == model.params - 3 * 262'144 + 3 * 262'144 * 2 / 8);
}

TEST_CASE("GGUF MLA metadata: DeepSeek's compressed KV cache", "[model][gguf][mla]")
{
  llmhw::test::TempDir dir;
  GgufWriter file;
  // deepseek2 keys as convert_hf_to_gguf.py writes them: key_length = qk_nope + qk_rope (32 + 16).
  file.string("general.architecture", "deepseek2")
      .u32("deepseek2.embedding_length", 128)
      .u32("deepseek2.block_count", 3)
      .u32("deepseek2.attention.head_count", 4)
      .u32("deepseek2.attention.head_count_kv", 4)
      .u32("deepseek2.attention.kv_lora_rank", 64)
      .u32("deepseek2.attention.q_lora_rank", 96)
      .u32("deepseek2.rope.dimension_count", 16)
      .u32("deepseek2.attention.key_length", 48)
      .u32("deepseek2.attention.value_length", 32)
      .tensor("token_embd.weight", {128, 10}, k_f32, 1280 * 4);
  const auto model = load(file.write(dir.path() / "mla.gguf"));
  REQUIRE(model.arch.mla.has_value());
  CHECK(model.arch.mla->qk_nope_head_dim == 32);
  CHECK(model.arch.mla->v_head_dim == 32);
  // 3 layers x (64 latent + 16 RoPE key) x 2 bytes = 480 B per token.
  CHECK(llmhw::model::kv_bytes_per_token(model.arch, 2.0) == 480);
}

TEST_CASE("GGUF sliding-window layouts", "[model][gguf][sliding]")
{
  llmhw::test::TempDir dir;
  const auto base = [](const std::string& arch) {
    GgufWriter file;
    file.string("general.architecture", arch)
        .u32(arch + ".embedding_length", 64)
        .u32(arch + ".block_count", 12)
        .u32(arch + ".attention.head_count", 2)
        .tensor("token_embd.weight", {64, 10}, k_f32, 2560);
    return file;
  };
  SECTION("Gemma 3: the file gives the window, llama.cpp's code the 5:1 pattern")
  {
    GgufWriter file = base("gemma3");
    file.u32("gemma3.attention.sliding_window", 512);
    const auto model = load(file.write(dir.path() / "gemma3.gguf"));
    REQUIRE(model.arch.sliding_window == 512U);
    for (std::uint32_t layer = 0; layer < 12; ++layer) {
      CHECK(model.arch.is_sliding(layer) == (layer % 6 != 5)); // llama-model.cpp: set_swa_pattern(6)
    }
  }
  SECTION("a per-layer pattern in the file wins")
  {
    GgufWriter file = base("gpt-oss");
    Bytes pattern = file.value();
    pattern.u32(llmhw::test::k_bool).u64(12);
    for (int layer = 0; layer < 12; ++layer) {
      pattern.u8(layer < 3 ? 1 : 0);
    }
    file.u32("gpt-oss.attention.sliding_window", 128)
        .metadata("gpt-oss.attention.sliding_window_pattern", llmhw::test::k_array, pattern);
    const auto model = load(file.write(dir.path() / "oss.gguf"));
    CHECK(model.arch.is_sliding(2));
    CHECK_FALSE(model.arch.is_sliding(3));
    // 3 layers capped at 128 tokens, 9 at the full 1000; one layer is 2 x 2 heads x 32 x 2 = 256 B a token.
    CHECK(llmhw::model::kv_cache_bytes(model.arch, 1000, 2.0) == (3 * 128 + 9 * 1000) * 256ULL);
  }
}

TEST_CASE("split GGUF files count every part", "[model][gguf][split]")
{
  llmhw::test::TempDir dir;
  GgufWriter first;
  first.string("general.architecture", "llama")
      .u32("llama.embedding_length", 256)
      .u32("llama.block_count", 1)
      .u32("llama.attention.head_count", 4)
      .metadata("split.no", llmhw::test::k_uint16, first.value().u16(0))
      .metadata("split.count", llmhw::test::k_uint16, first.value().u16(3))
      .tensor("token_embd.weight", {256, 1000}, k_f16, 256'000 * 2);
  GgufWriter second;
  second.metadata("split.no", llmhw::test::k_uint16, second.value().u16(1))
      .tensor("blk.0.ffn_up.weight", {256, 512}, k_q4_k, 512 * 144);
  GgufWriter third;
  third.metadata("split.no", llmhw::test::k_uint16, third.value().u16(2))
      .tensor("output.weight", {256, 1000}, k_q6_k, 1000 * 210);
  first.write(dir.path() / "big-00001-of-00003.gguf");
  const std::string middle = second.write(dir.path() / "big-00002-of-00003.gguf");
  third.write(dir.path() / "big-00003-of-00003.gguf");
  SECTION("from the first part, or any other")
  {
    for (const std::string name : {"big-00001-of-00003.gguf", "big-00003-of-00003.gguf"}) {
      const auto model = load((dir.path() / name).string());
      CHECK(model.params == 256'000 + 131'072 + 256'000);
      CHECK(*model.file_weight_bytes == 256'000 * 2 + 512 * 144 + 1000 * 210);
    }
  }
  SECTION("a missing part is named")
  {
    std::filesystem::remove(middle);
    auto model = llmhw::model::load((dir.path() / "big-00001-of-00003.gguf").string(), builtin_catalog());
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().input == middle);
    CHECK_THAT(model.error().problem, Catch::Contains("part 2 of the 3 parts"));
  }
}

TEST_CASE("an 8 GB GGUF opens by its header alone", "[model][gguf][large]")
{
  // 64 layers of 16384 x 4096 F16 matrices: 8 GiB of tensor data, a hole on disk.
  llmhw::test::TempDir dir;
  GgufWriter file;
  file.string("general.architecture", "llama")
      .u32("general.file_type", 1)
      .u32("llama.embedding_length", 4096)
      .u32("llama.block_count", 64)
      .u32("llama.attention.head_count", 32);
  for (int layer = 0; layer < 64; ++layer) {
    file.tensor("blk." + std::to_string(layer) + ".ffn_up.weight", {4096, 16384}, k_f16, 4096ULL * 16384 * 2);
  }
  const std::string path = file.write(dir.path() / "huge.gguf");
  REQUIRE(std::filesystem::file_size(path) > (8ULL << 30));
  const auto started = std::chrono::steady_clock::now();
  const auto model = load(path);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(*model.file_weight_bytes == 8ULL << 30);
  CHECK(model.params == 4ULL << 30);
  CHECK(elapsed < std::chrono::seconds(1)); // a few kilobytes read, not 8 GiB
}

TEST_CASE("GGUF models with missing or mistyped keys are refused with the key", "[model][gguf][malformed]")
{
  llmhw::test::TempDir dir;
  SECTION("no general.architecture")
  {
    GgufWriter file;
    file.tensor("token_embd.weight", {64, 10}, k_f32, 2560);
    auto model = llmhw::model::load(file.write(dir.path() / "noarch.gguf"), builtin_catalog());
    REQUIRE_FALSE(model.ok());
    CHECK_THAT(model.error().problem, Catch::Contains("general.architecture' missing"));
  }
  SECTION("a string where a count belongs")
  {
    GgufWriter file;
    file.string("general.architecture", "llama")
        .string("llama.block_count", "thirty-two")
        .u32("llama.embedding_length", 64)
        .u32("llama.attention.head_count", 2);
    auto model = llmhw::model::load(file.write(dir.path() / "typed.gguf"), builtin_catalog());
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().problem == "metadata 'llama.block_count': expected a non-negative integer, got string");
  }
  SECTION("an absurd layer count")
  {
    GgufWriter file;
    file.string("general.architecture", "llama")
        .u32("llama.block_count", 100000)
        .u32("llama.embedding_length", 64)
        .u32("llama.attention.head_count", 2);
    auto model = llmhw::model::load(file.write(dir.path() / "deep.gguf"), builtin_catalog());
    REQUIRE_FALSE(model.ok());
    CHECK_THAT(model.error().problem, Catch::Contains("100000 is larger than the limit 1024"));
  }
}

namespace {

constexpr std::uint32_t k_absent = UINT32_MAX;

/// tiny_llama's metadata with `changes` applied (k_absent drops a key) and `blocks` blocks of
/// tensors (0: no tensors at all); file type Q4_K_M. The problem llm-hw reports, or "".
std::string problem_of(const std::map<std::string, std::uint32_t>& changes, int blocks = 2)
{
  std::map<std::string, std::uint32_t> keys = {{"general.file_type", 15},
                                               {"llama.context_length", 4096},
                                               {"llama.embedding_length", 256},
                                               {"llama.block_count", 2},
                                               {"llama.feed_forward_length", 512},
                                               {"llama.attention.head_count", 4},
                                               {"llama.attention.head_count_kv", 2},
                                               {"llama.attention.key_length", 64},
                                               {"llama.vocab_size", 1000}};
  for (const auto& [key, value] : changes) {
    keys[key] = value;
  }
  GgufWriter file;
  file.string("general.architecture", "llama");
  for (const auto& [key, value] : keys) {
    if (value != k_absent) {
      file.u32(key, value);
    }
  }
  if (blocks > 0) {
    file.tensor("token_embd.weight", {256, 1000}, k_q4_k, 1000 * 144);
  }
  for (int layer = 0; layer < blocks; ++layer) {
    file.tensor("blk." + std::to_string(layer) + ".attn_q.weight", {256, 256}, k_q4_k, 256 * 144);
  }
  const llmhw::test::TempDir dir;
  const std::string path = file.write(dir.path() / "odd.gguf");
  auto model = llmhw::model::load(path, builtin_catalog());
  if (model.ok()) {
    return "";
  }
  CHECK(model.error().input == path); // the line names the file
  return model.error().problem;
}

} // namespace

TEST_CASE("GGUF metadata that contradicts itself or the tensors is refused", "[model][gguf][malformed]")
{
  CHECK(problem_of({}).empty()); // the base file is fine
  // A head of no width would make the KV cache 0 bytes.
  CHECK(problem_of({{"llama.attention.key_length", 0}}) == "metadata 'llama.attention.key_length': must be at least 1");
  CHECK(problem_of({{"llama.attention.value_length", 0}}) ==
        "metadata 'llama.attention.value_length': must be at least 1");
  // Without key_length the head width is hidden / heads, which must divide (as config.json's check says).
  CHECK(problem_of({{"llama.attention.key_length", k_absent}, {"llama.embedding_length", 250}}) ==
        "metadata 'llama.attention.key_length': missing, and embedding_length 250 is not a multiple of the 4 "
        "attention heads");
  CHECK(problem_of({{"llama.attention.head_count_kv", 3}}) ==
        "metadata 'llama.attention.head_count_kv': 3 does not divide the 4 attention heads into equal groups");
  CHECK(problem_of({{"llama.block_count", 1000}}) ==
        "metadata 'llama.block_count': 1000 does not match the tensors, which hold blk.0 to blk.1");
  CHECK(problem_of({{"llama.block_count", 1}}) ==
        "metadata 'llama.block_count': 1 does not match the tensors, which hold blk.0 to blk.1");
  CHECK(problem_of({{"llama.context_length", 0}}) == "metadata 'llama.context_length': must be positive");
  CHECK_THAT(problem_of({}, 0), Catch::StartsWith("no weight tensors"));
}
