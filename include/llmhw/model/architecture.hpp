#pragma once
// The shape of a transformer, as its HF config.json (or GGUF metadata) states
// it. Everything that changes memory or speed is here; parameter counts and
// KV-cache sizes are derived from it (model/params.hpp, model/model.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::model {

enum class AttentionKind { mha, gqa, mqa, mla };

std::string to_string(AttentionKind kind);

/// Multi-head latent attention (DeepSeek-V2/V3): the KV cache holds one
/// compressed latent of kv_lora_rank plus the decoupled RoPE key per token.
struct MlaShape {
  std::uint32_t kv_lora_rank = 0;
  std::uint32_t q_lora_rank = 0; ///< 0: queries are not low-rank (DeepSeek-V2-Lite)
  std::uint32_t qk_rope_head_dim = 0;
  std::uint32_t qk_nope_head_dim = 0;
  std::uint32_t v_head_dim = 0;
};

/// Mixture of experts: which layers route, over how many experts, how wide.
/// Layer i routes when i >= first_dense_layers, i % layer_frequency ==
/// layer_phase and i is not in dense_layers.
struct MoeShape {
  std::uint32_t num_experts = 0;                     ///< routed experts per MoE layer
  std::uint32_t experts_per_token = 0;               ///< routed experts each token activates
  std::uint32_t shared_experts = 0;                  ///< always-active experts (DeepSeek, Qwen2-MoE, Llama 4)
  std::uint32_t expert_intermediate_size = 0;        ///< moe_intermediate_size
  std::uint32_t shared_expert_intermediate_size = 0; ///< width of each shared expert
  std::uint32_t first_dense_layers = 0;              ///< first_k_dense_replace: leading layers with a dense MLP
  std::uint32_t layer_frequency = 1;       ///< every n-th layer is MoE (moe_layer_freq, interleave_moe_layer_step)
  std::uint32_t layer_phase = 0;           ///< which layer of each period routes (DeepSeek 0, Llama 4 step-1)
  std::vector<std::uint32_t> dense_layers; ///< layers kept dense explicitly (Qwen mlp_only_layers)
  bool expert_bias = false;                ///< experts' projections carry biases (gpt-oss)
  bool router_bias = false;        ///< the router has a bias (gpt-oss), or a score-correction bias (DeepSeek-V3)
  bool shared_expert_gate = false; ///< a sigmoid gate hidden -> 1 on the shared expert (Qwen2-MoE)
};

struct Architecture {
  std::string family; ///< HF model_type: "llama", "qwen3_moe", "deepseek_v3", "gemma3_text", …
  std::uint32_t hidden_size = 0;
  std::uint32_t num_layers = 0;
  std::uint32_t num_heads = 0;
  std::uint32_t num_kv_heads = 0;
  std::uint32_t head_dim = 0;          ///< hidden_size / num_heads unless the config says otherwise
  std::uint32_t intermediate_size = 0; ///< dense MLP width
  std::uint32_t vocab_size = 0;
  bool tied_embeddings = false;
  bool attention_bias = false; ///< q, k, v and o projections carry biases
  bool qkv_bias = false;       ///< q, k and v (not o) carry biases (Qwen2)
  bool qk_norm = false;        ///< per-head RMSNorm on queries and keys (Qwen3, Gemma 3, OLMo 2)
  bool mlp_bias = false;
  bool gated_mlp = true;             ///< SwiGLU/GeGLU: gate, up and down matrices; false: up and down only
  bool attention_sinks = false;      ///< one learned sink logit per head and layer (gpt-oss)
  std::uint32_t norms_per_layer = 2; ///< RMSNorm/LayerNorm vectors per layer (Gemma 2/3: 4)
  bool layer_norm_bias = false;      ///< LayerNorm (weight + bias) rather than RMSNorm (weight only)
  std::optional<MlaShape> mla;
  std::optional<MoeShape> moe;
  std::optional<std::uint32_t> sliding_window; ///< tokens a sliding-window layer attends to
  /// Per layer, whether it uses the sliding window. Empty with sliding_window
  /// set means every layer slides (Mistral 7B v0.1).
  std::vector<bool> sliding_layers;
  std::uint64_t max_context = 0; ///< max_position_embeddings (after rope scaling)

  [[nodiscard]] AttentionKind attention_kind() const;
  [[nodiscard]] bool is_sliding(std::uint32_t layer) const;
  [[nodiscard]] bool is_moe_layer(std::uint32_t layer) const;
  [[nodiscard]] std::uint32_t moe_layer_count() const;
  /// Layers that keep at most the sliding window (is_sliding), counted.
  [[nodiscard]] std::uint32_t sliding_layer_count() const;
};

} // namespace llmhw::model
