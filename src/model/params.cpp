// Parameter counts derived from the architecture, tensor by tensor as the
// transformers implementations create them (modeling_llama.py,
// modeling_deepseek_v3.py, modeling_qwen2_moe.py, modeling_gpt_oss.py, …).

#include "llmhw/model/params.hpp"

#include "llmhw/util/checked.hpp"

#include <algorithm>
#include <cmath>

namespace llmhw::model {
namespace {

/// Checked products and sums: shapes come from outside files.
std::uint64_t mul(std::uint64_t a, std::uint64_t b)
{
  auto product = util::checked_mul(a, b);
  if (!product) {
    throw InputError{Error{"model architecture", "parameter count overflows 64 bits"}};
  }
  return *product;
}

std::uint64_t add(std::uint64_t a, std::uint64_t b)
{
  auto sum = util::checked_add(a, b);
  if (!sum) {
    throw InputError{Error{"model architecture", "parameter count overflows 64 bits"}};
  }
  return *sum;
}

std::uint64_t mul(std::uint64_t a, std::uint64_t b, std::uint64_t c)
{
  return mul(mul(a, b), c);
}

/// One MLP of `width`: gate, up and down (or up and down), with their biases.
std::uint64_t mlp(const Architecture& arch, std::uint64_t width, bool bias)
{
  const std::uint64_t matrices = arch.gated_mlp ? 3 : 2;
  std::uint64_t count = mul(matrices, arch.hidden_size, width);
  if (bias) {
    count = add(count, add(mul(matrices - 1, width), arch.hidden_size));
  }
  return count;
}

std::uint64_t mla_attention(const Architecture& arch, const MlaShape& mla)
{
  const std::uint64_t heads = arch.num_heads;
  const std::uint64_t qk_head_dim = add(mla.qk_nope_head_dim, mla.qk_rope_head_dim);
  std::uint64_t count = 0;
  if (mla.q_lora_rank > 0) {
    count = add(count, mul(arch.hidden_size, mla.q_lora_rank));   // q_a_proj
    count = add(count, mla.q_lora_rank);                          // q_a_layernorm
    count = add(count, mul(mla.q_lora_rank, heads, qk_head_dim)); // q_b_proj
  } else {
    count = add(count, mul(arch.hidden_size, heads, qk_head_dim)); // q_proj
  }
  count = add(count, mul(arch.hidden_size, add(mla.kv_lora_rank, mla.qk_rope_head_dim)));      // kv_a_proj_with_mqa
  count = add(count, mla.kv_lora_rank);                                                        // kv_a_layernorm
  count = add(count, mul(mla.kv_lora_rank, heads, add(mla.qk_nope_head_dim, mla.v_head_dim))); // kv_b_proj
  count = add(count, mul(heads, mla.v_head_dim, arch.hidden_size));                            // o_proj
  return count;
}

std::uint64_t attention(const Architecture& arch)
{
  if (arch.mla) {
    return mla_attention(arch, *arch.mla);
  }
  const std::uint64_t q_width = mul(arch.num_heads, arch.head_dim);
  const std::uint64_t kv_width = mul(arch.num_kv_heads, arch.head_dim);
  std::uint64_t count = add(mul(2, arch.hidden_size, q_width), mul(2, arch.hidden_size, kv_width));
  if (arch.attention_bias || arch.qkv_bias) {
    count = add(count, add(q_width, mul(2, kv_width)));
  }
  if (arch.attention_bias) {
    count = add(count, arch.hidden_size); // o_proj bias
  }
  if (arch.qk_norm) {
    count = add(count, mul(2, arch.head_dim));
  }
  if (arch.attention_sinks) {
    count = add(count, arch.num_heads);
  }
  return count;
}

void add_moe_layer(const Architecture& arch, const MoeShape& moe, ParameterCounts& counts)
{
  const std::uint64_t expert = mlp(arch, moe.expert_intermediate_size, moe.expert_bias);
  counts.routed_experts = add(counts.routed_experts, mul(moe.num_experts, expert));
  const std::uint64_t shared_width =
      moe.shared_expert_intermediate_size > 0 ? moe.shared_expert_intermediate_size : moe.expert_intermediate_size;
  counts.shared_experts = add(counts.shared_experts, mul(moe.shared_experts, mlp(arch, shared_width, moe.expert_bias)));
  if (moe.shared_expert_gate) {
    counts.shared_experts = add(counts.shared_experts, arch.hidden_size);
  }
  counts.router = add(counts.router, mul(arch.hidden_size, moe.num_experts));
  if (moe.router_bias) {
    counts.router = add(counts.router, moe.num_experts);
  }
}

} // namespace

std::uint64_t ParameterCounts::total() const
{
  return embedding + lm_head + attention + dense_mlp + routed_experts + shared_experts + router + norms + vision +
         other;
}

Result<ParameterCounts> count_parameters(const Architecture& arch)
{
  try {
    ParameterCounts counts;
    counts.embedding = mul(arch.vocab_size, arch.hidden_size);
    counts.lm_head = arch.tied_embeddings ? 0 : counts.embedding;
    const std::uint64_t norm_size = arch.layer_norm_bias ? mul(2, arch.hidden_size) : arch.hidden_size;
    const std::uint64_t per_layer_attention = attention(arch);
    const std::uint64_t dense = mlp(arch, arch.intermediate_size, arch.mlp_bias);
    for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer) {
      counts.attention = add(counts.attention, per_layer_attention);
      counts.norms = add(counts.norms, mul(arch.norms_per_layer, norm_size));
      if (arch.is_moe_layer(layer)) {
        add_moe_layer(arch, *arch.moe, counts);
      } else {
        counts.dense_mlp = add(counts.dense_mlp, dense);
      }
    }
    counts.norms = add(counts.norms, norm_size); // the final norm
    std::uint64_t total = 0;                     // so that total() cannot wrap later
    for (const std::uint64_t part : {counts.embedding, counts.lm_head, counts.attention, counts.dense_mlp,
                                     counts.routed_experts, counts.shared_experts, counts.router, counts.norms}) {
      total = add(total, part);
    }
    return counts;
  } catch (const InputError& error) {
    return error.error;
  }
}

std::uint64_t active_parameters(const ParameterCounts& counts, const Architecture& arch)
{
  const std::uint64_t text = counts.total() - counts.vision;
  if (!arch.moe || arch.moe->num_experts == 0 || counts.routed_experts == 0) {
    return text;
  }
  const double share = static_cast<double>(arch.moe->experts_per_token) / arch.moe->num_experts;
  // Counts pass 2^53 only for absurd files, where the double rounds; the
  // experts used can never be more than the experts there are.
  const std::uint64_t routed_used = std::min(
      counts.routed_experts, util::saturating_ceil(std::round(static_cast<double>(counts.routed_experts) * share)));
  return text - counts.routed_experts + routed_used;
}

} // namespace llmhw::model
