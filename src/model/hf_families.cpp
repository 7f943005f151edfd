#include "hf_families.hpp"

#include <array>
#include <string>

namespace llmhw::model::detail {
namespace {

struct Family {
  std::string_view model_type;
  FamilyTraits traits;
};

FamilyTraits make(const char* config_class)
{
  FamilyTraits traits;
  traits.config_class = config_class;
  return traits;
}

/// One entry per model_type whose tensors differ from the Llama layout
/// (RMSNorm twice per layer, gated MLP, no biases unless the config says so).
const std::array<Family, 22>& families()
{
  static const std::array<Family, 22> table = [] {
    FamilyTraits qwen2 = make("Qwen2Config"); // modeling_qwen2.py: q/k/v_proj bias=True, o_proj bias=False
    qwen2.qkv_bias = true;
    FamilyTraits qwen2_moe = qwen2;
    qwen2_moe.config_class = "Qwen2MoeConfig";
    qwen2_moe.shared_expert_gate = true; // shared_expert_gate: Linear(hidden, 1)
    FamilyTraits qwen2_vl = qwen2;
    qwen2_vl.config_class = "Qwen2_5_VLConfig";
    FamilyTraits qwen3 = make("Qwen3Config"); // q_norm, k_norm: RMSNorm(head_dim)
    qwen3.qk_norm = true;
    FamilyTraits qwen3_moe = qwen3;
    qwen3_moe.config_class = "Qwen3MoeConfig";
    FamilyTraits gemma = make("GemmaConfig");
    gemma.tied_by_default = true;
    FamilyTraits gemma2 = make("Gemma2Config"); // pre/post attention and feed-forward norms
    gemma2.tied_by_default = true;
    gemma2.norms_per_layer = 4;
    gemma2.sliding_period = 2; // is_sliding = not bool(layer_idx % 2)
    FamilyTraits gemma3 = gemma2;
    gemma3.config_class = "Gemma3TextConfig";
    gemma3.qk_norm = true;
    gemma3.sliding_period = 6;                  // sliding_window_pattern = 6
    FamilyTraits cohere = make("CohereConfig"); // one LayerNorm per (parallel) block, no bias
    cohere.norms_per_layer = 1;
    cohere.tied_by_default = true;
    FamilyTraits cohere2 = cohere;
    cohere2.config_class = "Cohere2Config";
    cohere2.sliding_period = 4;           // sliding_window_pattern = 4
    FamilyTraits glm = make("GlmConfig"); // q/k/v bias=attention_bias, o_proj bias=False
    glm.attention_bias_qkv_only = true;
    FamilyTraits glm4 = glm;
    glm4.config_class = "Glm4Config";
    glm4.norms_per_layer = 4; // post_self_attn_layernorm, post_mlp_layernorm
    FamilyTraits glm4_moe = glm;
    glm4_moe.config_class = "Glm4MoeConfig";
    FamilyTraits gpt_oss = make("GptOssConfig");
    gpt_oss.attention_sinks = true;
    gpt_oss.expert_bias = true;
    gpt_oss.router_bias = true;
    FamilyTraits llama4 = make("Llama4TextConfig"); // Llama4TextMoe: one shared expert per MoE layer
    llama4.implicit_shared_experts = 1;
    FamilyTraits phimoe = make("PhiMoEConfig"); // LayerNorm with bias
    phimoe.layer_norm_bias = true;
    FamilyTraits starcoder2 = make("Starcoder2Config"); // c_fc/c_proj MLP, LayerNorm with bias
    starcoder2.gated_mlp = false;
    starcoder2.layer_norm_bias = true;
    FamilyTraits phi = starcoder2;
    phi.config_class = "PhiConfig";
    phi.norms_per_layer = 1;
    FamilyTraits gpt_neox = starcoder2;
    gpt_neox.config_class = "GPTNeoXConfig";
    FamilyTraits falcon = starcoder2;
    falcon.config_class = "FalconConfig";
    falcon.norms_per_layer = 1;
    return std::array<Family, 22>{{
        {"qwen2", qwen2},        {"qwen2_moe", qwen2_moe},   {"qwen2_vl", qwen2_vl}, {"qwen2_5_vl", qwen2_vl},
        {"qwen3", qwen3},        {"qwen3_moe", qwen3_moe},   {"gemma", gemma},       {"gemma2", gemma2},
        {"gemma3_text", gemma3}, {"cohere", cohere},         {"cohere2", cohere2},   {"glm", glm},
        {"glm4", glm4},          {"glm4_moe", glm4_moe},     {"gpt_oss", gpt_oss},   {"llama4_text", llama4},
        {"phimoe", phimoe},      {"starcoder2", starcoder2}, {"phi", phi},           {"gpt_neox", gpt_neox},
        {"falcon", falcon},      {"llama4", llama4},
    }};
  }();
  return table;
}

} // namespace

FamilyTraits family_traits(std::string_view model_type)
{
  for (const Family& family : families()) {
    if (family.model_type == model_type) {
      return family.traits;
    }
  }
  return make("PretrainedConfig");
}

const nlohmann::json& family_defaults(std::string_view model_type)
{
  // transformers/models/gemma3/configuration_gemma3.py, Gemma3TextConfig.__init__
  static const nlohmann::json gemma3_text = nlohmann::json::parse(R"({
      "vocab_size": 262208, "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256,
      "max_position_embeddings": 131072, "sliding_window": 4096, "sliding_window_pattern": 6,
      "tie_word_embeddings": true })");
  static const nlohmann::json none = nullptr;
  return model_type == "gemma3_text" ? gemma3_text : none;
}

} // namespace llmhw::model::detail
