#pragma once
// Internal: what a config.json leaves unsaid because its model class implies
// it. Each trait below is how the transformers implementation of that
// model_type builds its tensors (modeling_<type>.py), and each default is the
// value of its configuration class (configuration_<type>.py) that published
// configs rely on when they omit a key.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string_view>

namespace llmhw::model::detail {

struct FamilyTraits {
  bool gated_mlp = true;                ///< false: GPT-2-style up/down MLP
  bool qkv_bias = false;                ///< q, k, v carry biases whatever attention_bias says (Qwen2)
  bool attention_bias_qkv_only = false; ///< attention_bias covers q, k, v but not o (GLM)
  bool qk_norm = false;                 ///< per-head RMSNorm on q and k (Qwen3, Gemma 3)
  bool layer_norm_bias = false;         ///< LayerNorm with bias rather than RMSNorm
  std::uint32_t norms_per_layer = 2;
  bool tied_by_default = false;              ///< tie_word_embeddings default of the config class
  bool attention_sinks = false;              ///< gpt-oss
  bool expert_bias = false;                  ///< gpt-oss experts have biases
  bool router_bias = false;                  ///< gpt-oss router has a bias
  bool shared_expert_gate = false;           ///< Qwen2-MoE
  std::uint32_t implicit_shared_experts = 0; ///< Llama 4: one shared expert, not named in the config
  /// Layers slide unless (i + 1) % period == 0, when the config has a
  /// sliding_window but no per-layer pattern (Gemma 2: 2, Gemma 3: 6).
  std::uint32_t sliding_period = 0;
  const char* config_class = "PretrainedConfig"; ///< for assumption notes
};

FamilyTraits family_traits(std::string_view model_type);

/// Values of the family's configuration class for keys its published configs
/// omit (google/gemma-3-4b-it names only five text_config keys); null when
/// the family has none listed.
const nlohmann::json& family_defaults(std::string_view model_type);

} // namespace llmhw::model::detail
