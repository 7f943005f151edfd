#include "tensor_roles.hpp"

#include "llmhw/util/checked.hpp"

#include <array>

namespace llmhw::model::detail {
namespace {

bool contains(std::string_view name, std::string_view part)
{
  return name.find(part) != std::string_view::npos;
}

template <std::size_t N> bool contains_any(std::string_view name, const std::array<std::string_view, N>& parts)
{
  for (const std::string_view part : parts) {
    if (contains(name, part)) {
      return true;
    }
  }
  return false;
}

/// Norms inside attention that the derivation counts with attention (MLA's
/// low-rank norms, Qwen3/Gemma 3 query and key norms).
constexpr std::array<std::string_view, 6> k_attention_norms = {"attn_q_a_norm", "attn_kv_a_norm", "attn_q_norm",
                                                               "attn_k_norm",   "q_a_layernorm",  "kv_a_layernorm"};

} // namespace

TensorRole gguf_tensor_role(std::string_view name)
{
  if (name.substr(0, 2) == "v." || name.substr(0, 3) == "mm.") {
    return TensorRole::vision; // a multimodal projector file
  }
  if (name == "output.weight" || name == "output.bias") {
    return TensorRole::lm_head;
  }
  if (name.substr(0, 11) == "token_embd." || name.substr(0, 21) == "per_layer_token_embd.") {
    return TensorRole::embedding;
  }
  if (name.substr(0, 10) == "rope_freqs") {
    return TensorRole::not_a_parameter; // precomputed RoPE factors (Llama 3.1), not weights
  }
  if (contains(name, "_exps")) {
    return TensorRole::routed_experts;
  }
  if (contains(name, "_shexp")) {
    return TensorRole::shared_experts;
  }
  if (contains(name, "ffn_gate_inp") || contains(name, "exp_probs_b")) {
    return TensorRole::router;
  }
  if (contains_any(name, k_attention_norms) || contains(name, "attn_sinks")) {
    return TensorRole::attention;
  }
  if (contains(name, "norm")) {
    return TensorRole::norms;
  }
  if (contains(name, "attn_")) {
    return TensorRole::attention;
  }
  if (contains(name, "ffn_")) {
    return TensorRole::dense_mlp;
  }
  return TensorRole::other;
}

TensorRole hf_tensor_role(std::string_view name)
{
  constexpr std::array<std::string_view, 9> quantization = {
      "_scale", ".scales", ".qzeros", ".g_idx", "_zero_point", "scale_inv", ".absmax", ".quant_map", "inv_freq"};
  constexpr std::array<std::string_view, 6> vision = {"vision_tower",          "vision_model", "visual.",
                                                      "multi_modal_projector", "mm_projector", "vision_encoder"};
  if (contains_any(name, quantization)) {
    return TensorRole::not_a_parameter;
  }
  if (contains_any(name, vision)) {
    return TensorRole::vision;
  }
  if (contains(name, "lm_head") || contains(name, "output_layer")) {
    return TensorRole::lm_head;
  }
  if (contains(name, "embed_tokens") || contains(name, ".wte.") || contains(name, "word_embeddings")) {
    return TensorRole::embedding;
  }
  if (contains(name, "shared_expert")) {
    return TensorRole::shared_experts;
  }
  if (contains(name, ".experts.")) {
    return TensorRole::routed_experts;
  }
  if (contains(name, "router") || contains(name, ".gate.weight") || contains(name, ".gate.bias") ||
      contains(name, "e_score_correction_bias")) {
    return TensorRole::router;
  }
  if (contains_any(name, k_attention_norms) || contains(name, ".q_norm.") || contains(name, ".k_norm.") ||
      contains(name, "self_attn.sinks")) {
    return TensorRole::attention;
  }
  if (contains(name, "norm") || contains(name, ".ln_")) {
    return TensorRole::norms;
  }
  if (contains(name, "self_attn.") || contains(name, ".attn.") || contains(name, ".attention.")) {
    return TensorRole::attention;
  }
  if (contains(name, ".mlp.") || contains(name, "feed_forward.") || contains(name, ".ffn.")) {
    return TensorRole::dense_mlp;
  }
  return TensorRole::other;
}

void count_tensor(ParameterCounts& counts, TensorRole role, std::uint64_t elements, const std::string& input)
{
  std::uint64_t* bucket = nullptr;
  switch (role) {
  case TensorRole::embedding: bucket = &counts.embedding; break;
  case TensorRole::lm_head: bucket = &counts.lm_head; break;
  case TensorRole::attention: bucket = &counts.attention; break;
  case TensorRole::dense_mlp: bucket = &counts.dense_mlp; break;
  case TensorRole::routed_experts: bucket = &counts.routed_experts; break;
  case TensorRole::shared_experts: bucket = &counts.shared_experts; break;
  case TensorRole::router: bucket = &counts.router; break;
  case TensorRole::norms: bucket = &counts.norms; break;
  case TensorRole::vision: bucket = &counts.vision; break;
  case TensorRole::other: bucket = &counts.other; break;
  case TensorRole::not_a_parameter: return;
  }
  const auto sum = util::checked_add(*bucket, elements);
  const auto total = util::checked_add(counts.total(), elements); // every bucket is below the total
  if (!sum || !total) {
    throw InputError{Error{input, "parameter count overflows 64 bits"}};
  }
  *bucket = *sum;
}

} // namespace llmhw::model::detail
