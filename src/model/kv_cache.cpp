// KV-cache sizes. Per token and layer an attention layer caches its keys and
// values: 2 x num_kv_heads x head_dim elements (MHA: kv heads = heads; GQA,
// Ainslie et al. 2023: fewer; MQA, Shazeer 2019: one). MLA (DeepSeek-V2,
// arXiv:2405.04434 §2.1) caches one compressed latent of kv_lora_rank plus the
// shared RoPE key of qk_rope_head_dim, not per head: 576 elements for V3.
// A sliding-window layer (Mistral 7B, arXiv:2310.06825; Gemma 2/3; gpt-oss)
// keeps at most its window of tokens, which is how vLLM's hybrid allocator and
// llama.cpp's SWA cache size it.

#include "llmhw/model/model.hpp"

#include "llmhw/catalog/engines.hpp"
#include "llmhw/util/checked.hpp"

#include <algorithm>
#include <cmath>

namespace llmhw::model {
namespace {

std::uint64_t elements_per_layer(const Architecture& arch)
{
  if (arch.mla) {
    return static_cast<std::uint64_t>(arch.mla->kv_lora_rank) + arch.mla->qk_rope_head_dim;
  }
  return 2ULL * arch.num_kv_heads * arch.head_dim;
}

std::uint64_t to_bytes(double elements, double bytes_per_element)
{
  return util::saturating_ceil(elements * bytes_per_element);
}

} // namespace

std::uint64_t kv_bytes_per_token(const Architecture& arch, double bytes_per_element)
{
  return to_bytes(static_cast<double>(elements_per_layer(arch) * arch.num_layers), bytes_per_element);
}

std::uint64_t kv_cache_bytes(const Architecture& arch, std::uint64_t context_tokens, double bytes_per_element)
{
  // Layers that keep the whole context and layers that keep at most their window, counted rather than walked per
  // layer: the estimator asks this about twenty times per candidate (max concurrency, the longest context).
  const std::uint64_t sliding = arch.sliding_layer_count();
  const std::uint64_t full = arch.num_layers - sliding;
  const std::uint64_t window_tokens =
      arch.sliding_window ? std::min<std::uint64_t>(context_tokens, *arch.sliding_window) : context_tokens;
  // Each product and the sum are whole numbers, exact in a double below 2^53 elements, as the per-layer sum was.
  const double per_token = static_cast<double>(elements_per_layer(arch));
  const double elements = per_token * static_cast<double>(context_tokens) * static_cast<double>(full) +
                          per_token * static_cast<double>(window_tokens) * static_cast<double>(sliding);
  return to_bytes(elements, bytes_per_element);
}

double kv_bytes_per_element(const catalog::QuantFormat& quant)
{
  return quant.bits_per_weight / 8.0;
}

} // namespace llmhw::model
