#include "gguf_arch.hpp"
#include "shape_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace llmhw::model::detail {
namespace {

constexpr std::uint64_t k_max_hidden = 1 << 17;
constexpr std::uint64_t k_max_layers = 1 << 10;
constexpr std::uint64_t k_max_heads = 1 << 12;
constexpr std::uint64_t k_max_width = 1 << 21;
constexpr std::uint64_t k_max_vocab = 1 << 23;
constexpr std::uint64_t k_max_context = 1ULL << 34;

/// Sliding-window layouts llama.cpp sets in code rather than in the file
/// (llama-model.cpp load_hparams: hparams.set_swa_pattern(n) makes layer i
/// slide unless i % n == n - 1).
struct SlidingDefault {
  std::string_view arch;
  std::uint32_t period;
  std::uint32_t window; ///< 0: the file's {arch}.attention.sliding_window
};
constexpr std::array<SlidingDefault, 5> k_sliding_defaults = {{
    {"gemma2", 2, 0},
    {"gemma3", 6, 0},
    {"cohere2", 4, 0},
    {"gpt-oss", 2, 0},
    {"llama4", 4, 8192}, // chunked attention, n_attn_chunk = 8192
}};

class Metadata {
public:
  Metadata(const gguf::Header& header, std::string arch) : m_header(header), m_arch(std::move(arch)) {}

  [[nodiscard]] std::string key(std::string_view name) const { return fmt::format("{}.{}", m_arch, name); }

  [[noreturn]] void fail(std::string_view name, const std::string& problem) const
  {
    throw InputError{Error{m_header.path, fmt::format("metadata '{}': {}", key(name), problem)}};
  }

  /// An integer, or the largest of a per-layer array of integers.
  [[nodiscard]] std::optional<std::uint64_t> count(std::string_view name, std::uint64_t max) const
  {
    const gguf::Value* value = m_header.find(key(name));
    if (value == nullptr) {
      return std::nullopt;
    }
    std::optional<std::uint64_t> result = value->as_count();
    if (value->type == gguf::ValueType::array) {
      for (const gguf::Value& element : value->elements) {
        const auto item = element.as_count();
        if (!item) {
          fail(name, "expected non-negative integers in the array");
        }
        result = std::max(result.value_or(0), *item);
      }
    }
    if (!result) {
      fail(name, fmt::format("expected a non-negative integer, got {}", gguf::to_string(value->type)));
    }
    if (*result > max) {
      fail(name, fmt::format("{} is larger than the limit {}", *result, max));
    }
    return result;
  }

  [[nodiscard]] std::uint32_t positive(std::string_view name, std::uint64_t max) const
  {
    const auto value = count(name, max);
    if (!value) {
      fail(name, "missing");
    }
    if (*value == 0) {
      fail(name, "must be at least 1");
    }
    return static_cast<std::uint32_t>(*value);
  }

  [[nodiscard]] const gguf::Value* find(std::string_view name) const { return m_header.find(key(name)); }

private:
  const gguf::Header& m_header;
  std::string m_arch;
};

std::uint32_t narrow(std::uint64_t value)
{
  return static_cast<std::uint32_t>(value);
}

void read_mla(const Metadata& meta, Architecture& arch)
{
  MlaShape mla;
  mla.kv_lora_rank = narrow(*meta.count("attention.kv_lora_rank", k_max_hidden));
  mla.q_lora_rank = narrow(meta.count("attention.q_lora_rank", k_max_hidden).value_or(0));
  mla.qk_rope_head_dim = meta.positive("rope.dimension_count", k_max_width);
  // Newer conversions store the absorbed (MQA-like) shapes in key_length and
  // the per-head ones in key_length_mla.
  const std::uint64_t key_length = meta.count("attention.key_length_mla", k_max_width)
                                       .value_or(meta.count("attention.key_length", k_max_width).value_or(0));
  const std::uint64_t value_length = meta.count("attention.value_length_mla", k_max_width)
                                         .value_or(meta.count("attention.value_length", k_max_width).value_or(0));
  if (key_length <= mla.qk_rope_head_dim || value_length == 0) {
    meta.fail("attention.key_length", "MLA key and value lengths missing or smaller than the RoPE dimension");
  }
  mla.qk_nope_head_dim = narrow(key_length - mla.qk_rope_head_dim);
  mla.v_head_dim = narrow(value_length);
  arch.mla = mla;
}

void read_moe(const Metadata& meta, Architecture& arch)
{
  const auto experts = meta.count("expert_count", 1 << 14);
  if (!experts || *experts == 0) {
    return;
  }
  MoeShape moe;
  moe.num_experts = narrow(*experts);
  moe.experts_per_token = meta.positive("expert_used_count", *experts);
  moe.shared_experts = narrow(meta.count("expert_shared_count", 1 << 14).value_or(0));
  moe.expert_intermediate_size =
      narrow(meta.count("expert_feed_forward_length", k_max_width).value_or(arch.intermediate_size));
  moe.shared_expert_intermediate_size =
      narrow(meta.count("expert_shared_feed_forward_length", k_max_width).value_or(0));
  moe.first_dense_layers = narrow(meta.count("leading_dense_block_count", k_max_layers).value_or(0));
  if (auto step = meta.count("interleave_moe_layer_step", k_max_layers); step && *step > 0) {
    moe.layer_frequency = narrow(*step); // llama.cpp: (il + 1) % n_moe_layer_step == 0
    moe.layer_phase = moe.layer_frequency - 1;
  }
  arch.moe = moe;
}

void apply_period(std::uint32_t period, Architecture& arch)
{
  arch.sliding_layers.clear();
  for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer) {
    arch.sliding_layers.push_back(period == 0 || layer % period < period - 1);
  }
}

void read_sliding(const Metadata& meta, const std::string& family, Architecture& arch)
{
  const auto defaults = std::find_if(k_sliding_defaults.begin(), k_sliding_defaults.end(),
                                     [&](const SlidingDefault& entry) { return entry.arch == family; });
  auto window = meta.count("attention.sliding_window", 1ULL << 32);
  if (defaults != k_sliding_defaults.end() && defaults->window > 0 && !window) {
    window = defaults->window;
  }
  if (!window || *window == 0) {
    return;
  }
  arch.sliding_window = narrow(std::min<std::uint64_t>(*window, UINT32_MAX));
  const gguf::Value* pattern = meta.find("attention.sliding_window_pattern");
  if (pattern != nullptr && pattern->type == gguf::ValueType::array) {
    if (pattern->elements.size() != arch.num_layers || pattern->element_type != gguf::ValueType::boolean) {
      meta.fail("attention.sliding_window_pattern", fmt::format("expected {} booleans", arch.num_layers));
    }
    for (const gguf::Value& layer : pattern->elements) {
      arch.sliding_layers.push_back(layer.uint_value != 0);
    }
  } else if (pattern != nullptr) {
    apply_period(narrow(*meta.count("attention.sliding_window_pattern", k_max_layers)), arch);
  } else if (defaults != k_sliding_defaults.end()) {
    apply_period(defaults->period, arch);
  }
}

const gguf::TensorInfo* find_tensor(const std::vector<gguf::TensorInfo>& tensors, std::string_view name)
{
  const auto it =
      std::find_if(tensors.begin(), tensors.end(), [&](const gguf::TensorInfo& t) { return t.name == name; });
  return it == tensors.end() ? nullptr : &*it;
}

/// The N of a "blk.N." tensor name, or nothing for other tensors.
std::optional<std::uint64_t> block_index(const std::string& name)
{
  constexpr std::string_view prefix = "blk.";
  if (!name.starts_with(prefix)) {
    return std::nullopt;
  }
  std::uint64_t index = 0;
  const char* digits = name.data() + prefix.size();
  const auto [end, error] = std::from_chars(digits, name.data() + name.size(), index);
  if (error != std::errc{} || end == digits || *end != '.') {
    return std::nullopt;
  }
  return index;
}

/// block_count must match the blocks the tensors hold (blk.0 … blk.N-1), when the file lists
/// any: 1000 layers declared over two blocks of tensors would price 500 times the KV cache.
void check_block_count(const Metadata& meta, const std::vector<gguf::TensorInfo>& tensors, std::uint32_t layers)
{
  std::optional<std::uint64_t> highest;
  for (const gguf::TensorInfo& tensor : tensors) {
    if (const auto index = block_index(tensor.name)) {
      highest = std::max(highest.value_or(0), *index);
    }
  }
  if (highest && *highest + 1 != layers) {
    meta.fail("block_count", fmt::format("{} does not match the tensors, which hold blk.0 to blk.{}", layers, *highest));
  }
}

} // namespace

Architecture gguf_architecture(const gguf::Header& header, const std::vector<gguf::TensorInfo>& tensors,
                               std::vector<std::string>& assumptions)
{
  const gguf::Value* general = header.find("general.architecture");
  if (general == nullptr || general->type != gguf::ValueType::string || general->string_value.empty()) {
    throw InputError{Error{header.path, "metadata 'general.architecture' missing: not a model file"}};
  }
  const Metadata meta(header, general->string_value);
  Architecture arch;
  arch.family = general->string_value;
  arch.hidden_size = meta.positive("embedding_length", k_max_hidden);
  arch.num_layers = meta.positive("block_count", k_max_layers);
  arch.num_heads = meta.positive("attention.head_count", k_max_heads);
  arch.num_kv_heads = narrow(meta.count("attention.head_count_kv", k_max_heads).value_or(arch.num_heads));
  if (const auto problem = kv_group_problem(arch.num_kv_heads, arch.num_heads)) {
    meta.fail("attention.head_count_kv", *problem);
  }
  for (const char* length : {"attention.key_length", "attention.value_length"}) {
    if (meta.count(length, k_max_width) == 0u) {
      meta.fail(length, "must be at least 1"); // a head of no width would make the KV cache 0 bytes
    }
  }
  if (auto key_length = meta.count("attention.key_length", k_max_width);
      key_length && !meta.find("attention.kv_lora_rank")) {
    arch.head_dim = narrow(*key_length);
  } else {
    if (const auto problem = head_split_problem(arch.hidden_size, arch.num_heads);
        problem && !meta.find("attention.kv_lora_rank")) {
      meta.fail("attention.key_length", "missing, and embedding_length " + *problem);
    }
    arch.head_dim = arch.hidden_size / arch.num_heads;
    if (!meta.find("attention.kv_lora_rank")) {
      assumptions.push_back(fmt::format("head_dim = embedding_length / head_count = {} ({} absent)", arch.head_dim,
                                        meta.key("attention.key_length")));
    }
  }
  arch.intermediate_size = narrow(meta.count("feed_forward_length", k_max_width).value_or(0));
  arch.max_context = meta.count("context_length", k_max_context).value_or(0);
  if (meta.find("context_length") != nullptr && arch.max_context == 0) {
    meta.fail("context_length", "must be positive"); // 0 would turn the context check off
  }
  check_block_count(meta, tensors, arch.num_layers);
  arch.vocab_size = narrow(meta.count("vocab_size", k_max_vocab).value_or(0));
  const gguf::TensorInfo* embedding = find_tensor(tensors, "token_embd.weight");
  if (arch.vocab_size == 0 && embedding != nullptr && embedding->shape.size() == 2) {
    arch.vocab_size = narrow(std::min<std::uint64_t>(embedding->shape[1], k_max_vocab));
  }
  if (arch.vocab_size == 0) {
    if (const gguf::Value* tokens = header.find("tokenizer.ggml.tokens")) {
      arch.vocab_size = narrow(std::min<std::uint64_t>(tokens->array_length, k_max_vocab));
    }
  }
  arch.tied_embeddings = find_tensor(tensors, "output.weight") == nullptr;
  if (meta.find("attention.kv_lora_rank") != nullptr) {
    read_mla(meta, arch);
    assumptions.emplace_back("MLA cache holds the compressed latent (kv_lora_rank + qk_rope_head_dim per layer)");
  }
  read_moe(meta, arch);
  read_sliding(meta, arch.family, arch);
  return arch;
}

} // namespace llmhw::model::detail
