// Parser speed on the largest files users hand in: a GGUF header shaped like
// Llama 3.1 405B in Q4_K_M (1,138 tensors, a 128,256-token vocabulary and
// 280,147 BPE merges, as llama.cpp writes them), with its 230 GB of tensor
// data a sparse hole, so the benchmark measures the header reader alone.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/gguf.hpp"
#include "llmhw/model/model.hpp"
#include "unit/model/gguf_writer.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>
#include <string>

namespace {

constexpr std::uint32_t k_f32 = 0;
constexpr std::uint32_t k_q4_k = 12; // ggml-common.h block_q4_K: 144 bytes per 256 weights
constexpr std::uint32_t k_q6_k = 14; // block_q6_K: 210 bytes per 256 weights

std::uint64_t q4_k(std::uint64_t weights)
{
  return weights / 256 * 144;
}
std::uint64_t q6_k(std::uint64_t weights)
{
  return weights / 256 * 210;
}

/// Llama 3.1 405B's shape (huggingface.co/meta-llama/Llama-3.1-405B config.json):
/// 126 layers, hidden 16384, FFN 53248, 128 heads, 8 KV heads, vocab 128256.
std::string write_llama_405b_gguf()
{
  constexpr std::uint64_t hidden = 16384, ffn = 53248, kv = 8 * 128, vocab = 128256, layers = 126;
  llmhw::test::GgufWriter file;
  file.string("general.architecture", "llama")
      .string("general.name", "Llama 3.1 405B Instruct")
      .u32("general.file_type", 15) // MOSTLY_Q4_K_M
      .u32("llama.context_length", 131072)
      .u32("llama.embedding_length", hidden)
      .u32("llama.block_count", layers)
      .u32("llama.feed_forward_length", ffn)
      .u32("llama.attention.head_count", 128)
      .u32("llama.attention.head_count_kv", 8)
      .u32("llama.vocab_size", vocab)
      .string("tokenizer.ggml.model", "gpt2");
  std::vector<std::string> tokens;
  for (std::uint64_t i = 0; i < vocab; ++i) {
    tokens.push_back(fmt::format("token{}", i));
  }
  std::vector<std::string> merges;
  for (std::uint64_t i = 0; i < 280147; ++i) {
    merges.push_back(fmt::format("t{} k{}", i % 977, i));
  }
  file.string_array("tokenizer.ggml.tokens", tokens).string_array("tokenizer.ggml.merges", merges);
  file.tensor("token_embd.weight", {hidden, vocab}, k_q4_k, q4_k(hidden * vocab));
  for (std::uint64_t layer = 0; layer < layers; ++layer) {
    // fmt, not "a" + std::to_string(n): GCC 12 gives a -Wrestrict false positive on that.
    const std::string blk = fmt::format("blk.{}.", layer);
    file.tensor(blk + "attn_norm.weight", {hidden}, k_f32, hidden * 4)
        .tensor(blk + "attn_q.weight", {hidden, hidden}, k_q4_k, q4_k(hidden * hidden))
        .tensor(blk + "attn_k.weight", {hidden, kv}, k_q4_k, q4_k(hidden * kv))
        .tensor(blk + "attn_v.weight", {hidden, kv}, k_q6_k, q6_k(hidden * kv))
        .tensor(blk + "attn_output.weight", {hidden, hidden}, k_q4_k, q4_k(hidden * hidden))
        .tensor(blk + "ffn_norm.weight", {hidden}, k_f32, hidden * 4)
        .tensor(blk + "ffn_gate.weight", {hidden, ffn}, k_q4_k, q4_k(hidden * ffn))
        .tensor(blk + "ffn_up.weight", {hidden, ffn}, k_q4_k, q4_k(hidden * ffn))
        .tensor(blk + "ffn_down.weight", {ffn, hidden}, k_q6_k, q6_k(ffn * hidden));
  }
  file.tensor("output_norm.weight", {hidden}, k_f32, hidden * 4);
  file.tensor("output.weight", {hidden, vocab}, k_q6_k, q6_k(hidden * vocab));
  const auto path =
      std::filesystem::temp_directory_path() / ("llm-hw-bench-" + std::to_string(getpid())) / "llama-405b.gguf";
  return file.write(path);
}

/// The file, written once per run and removed at exit.
const std::string& llama_405b_gguf()
{
  struct File {
    std::string path = write_llama_405b_gguf();
    ~File() { std::filesystem::remove_all(std::filesystem::path(path).parent_path()); }
  };
  static const File file;
  return file.path;
}

void gguf_header_llama_405b(benchmark::State& state)
{
  const std::string& path = llama_405b_gguf();
  for (auto _ : state) {
    auto header = llmhw::model::gguf::read_header(path);
    if (!header) {
      state.SkipWithError(header.error().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(header);
  }
  state.counters["header_bytes"] = static_cast<double>(llmhw::model::gguf::read_header(path).value().data_offset);
}
BENCHMARK(gguf_header_llama_405b)->Unit(benchmark::kMillisecond);

void gguf_model_llama_405b(benchmark::State& state)
{
  const auto catalog = llmhw::catalog::load({}).value();
  const std::string& path = llama_405b_gguf();
  for (auto _ : state) {
    auto model = llmhw::model::load(path, catalog);
    if (!model) {
      state.SkipWithError(model.error().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(model);
  }
}
BENCHMARK(gguf_model_llama_405b)->Unit(benchmark::kMillisecond);

void catalog_model_by_name(benchmark::State& state)
{
  const auto catalog = llmhw::catalog::load({}).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(llmhw::model::load("llama-3.1-8b", catalog));
  }
}
BENCHMARK(catalog_model_by_name)->Unit(benchmark::kMicrosecond);

} // namespace
