// config.json -> Architecture. Key names follow the transformers
// configuration classes; where model families spell a field differently
// (GPT-2's n_embd, DeepSeek's n_routed_experts, Qwen's num_experts) every
// spelling is tried in order.

#include "hf_config.hpp"
#include "shape_checks.hpp"

#include "hf_families.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>

namespace llmhw::model::detail {
namespace {

constexpr std::uint64_t k_max_hidden = 1 << 17;
constexpr std::uint64_t k_max_layers = 1 << 10;
constexpr std::uint64_t k_max_heads = 1 << 12;
constexpr std::uint64_t k_max_head_dim = 1 << 12;
constexpr std::uint64_t k_max_intermediate = 1 << 21;
constexpr std::uint64_t k_max_vocab = 1 << 23;
constexpr std::uint64_t k_max_experts = 1 << 14;
constexpr std::uint64_t k_max_context = 1ULL << 34;

using Keys = std::initializer_list<std::string_view>;

/// The text model's fields, falling back to the configuration class's
/// defaults (noted as assumptions) for keys the document omits.
class Fields {
public:
  Fields(const util::JsonObject& config, const util::JsonObject* root, const std::string& model_type,
         std::vector<std::string>& assumptions)
      : m_config(config), m_root(root), m_model_type(model_type), m_traits(family_traits(model_type)),
        m_defaults(family_defaults(model_type), "transformers defaults", ""), m_assumptions(assumptions)
  {
  }

  [[nodiscard]] const util::JsonObject& config() const { return m_config; }
  [[nodiscard]] const std::string& model_type() const { return m_model_type; }
  [[nodiscard]] const FamilyTraits& traits() const { return m_traits; }

  [[nodiscard]] std::optional<std::uint64_t> count(Keys keys, std::uint64_t max) const
  {
    for (const std::string_view key : keys) {
      if (m_config.has(key)) {
        return m_config.optional_count(key, max);
      }
    }
    for (const std::string_view key : keys) {
      if (m_defaults.json().is_object() && m_defaults.has(key)) {
        const std::uint64_t value = m_defaults.count(key, max);
        m_assumptions.push_back(
            fmt::format("{} = {} (the {} default; the config omits it)", key, value, m_traits.config_class));
        return value;
      }
    }
    return std::nullopt;
  }

  /// A count that must be present and at least 1.
  [[nodiscard]] std::uint32_t positive(Keys keys, std::uint64_t max) const
  {
    auto value = count(keys, max);
    if (!value) {
      m_config.fail(*keys.begin(), "missing (expected a positive integer)");
    }
    if (*value == 0) {
      m_config.fail(*keys.begin(), "must be at least 1");
    }
    return static_cast<std::uint32_t>(*value);
  }

  /// A flag from the text config, else the top-level config, else the class
  /// default; nullopt when none of them says.
  [[nodiscard]] std::optional<bool> flag(std::string_view key) const
  {
    if (m_config.has(key)) {
      return m_config.boolean(key, false);
    }
    if (m_root != nullptr && m_root->has(key)) {
      return m_root->boolean(key, false);
    }
    if (m_defaults.json().is_object() && m_defaults.has(key)) {
      return m_defaults.boolean(key, false);
    }
    return std::nullopt;
  }

private:
  const util::JsonObject& m_config;
  const util::JsonObject* m_root;
  std::string m_model_type;
  FamilyTraits m_traits;
  util::JsonObject m_defaults;
  std::vector<std::string>& m_assumptions;
};

std::uint32_t narrow(std::uint64_t value)
{
  return static_cast<std::uint32_t>(value);
}

void parse_attention(const Fields& fields, Architecture& arch, std::vector<std::string>& assumptions)
{
  const util::JsonObject& config = fields.config();
  const FamilyTraits& traits = fields.traits();
  arch.num_heads = fields.positive({"num_attention_heads", "n_head", "num_heads"}, k_max_heads);
  std::uint64_t kv_heads = arch.num_heads;
  if (config.boolean("multi_query", false)) {
    kv_heads = 1; // GPT-BigCode, Falcon-7B
  }
  if (auto value =
          fields.count({"num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num"}, k_max_heads)) {
    kv_heads = *value;
  }
  if (const auto problem = kv_group_problem(kv_heads, arch.num_heads)) {
    config.fail("num_key_value_heads", *problem);
  }
  arch.num_kv_heads = narrow(kv_heads);
  if (auto head_dim = fields.count({"head_dim", "kv_channels"}, k_max_head_dim)) {
    if (*head_dim == 0) {
      config.fail("head_dim", "must be at least 1");
    }
    arch.head_dim = narrow(*head_dim);
  } else {
    if (const auto problem = head_split_problem(arch.hidden_size, arch.num_heads)) {
      config.fail("head_dim", "missing, and hidden_size " + *problem);
    }
    arch.head_dim = arch.hidden_size / arch.num_heads;
  }
  const bool bias =
      fields.flag("attention_bias").value_or(config.boolean("bias", false)) || config.boolean("use_bias", false);
  arch.attention_bias = bias && !traits.attention_bias_qkv_only;
  arch.qkv_bias = traits.qkv_bias || (bias && traits.attention_bias_qkv_only) || config.boolean("add_qkv_bias", false);
  arch.qk_norm = traits.qk_norm;
  arch.attention_sinks = traits.attention_sinks;

  if (config.has("kv_lora_rank")) {
    MlaShape mla;
    mla.kv_lora_rank = narrow(config.count("kv_lora_rank", k_max_hidden));
    mla.q_lora_rank = narrow(config.optional_count("q_lora_rank", k_max_hidden).value_or(0));
    mla.qk_rope_head_dim = narrow(config.count("qk_rope_head_dim", k_max_head_dim));
    mla.qk_nope_head_dim = narrow(config.count("qk_nope_head_dim", k_max_head_dim));
    mla.v_head_dim = narrow(config.count("v_head_dim", k_max_head_dim));
    if (mla.kv_lora_rank == 0) {
      config.fail("kv_lora_rank", "must be at least 1");
    }
    arch.mla = mla;
    assumptions.emplace_back("MLA cache holds the compressed latent (kv_lora_rank + qk_rope_head_dim per layer), "
                             "as vLLM and SGLang store it");
  }
}

/// An array of layer indices, each below `layers`.
std::vector<std::uint32_t> layer_list(const util::JsonObject& config, std::string_view key, std::uint32_t layers)
{
  std::vector<std::uint32_t> list;
  if (!config.has(key)) {
    return list;
  }
  const nlohmann::json& array = config.json()[std::string(key)];
  if (!array.is_array()) {
    config.fail(key, "expected an array of layer indices");
  }
  for (const nlohmann::json& layer : array) {
    if (!layer.is_number_unsigned() || layer.get<std::uint64_t>() >= layers) {
      config.fail(key, fmt::format("expected layer indices below {}, got {}", layers, layer.dump()));
    }
    list.push_back(layer.get<std::uint32_t>());
  }
  return list;
}

/// Which layers route, for each family's way of saying it.
void parse_moe(const Fields& fields, Architecture& arch)
{
  const util::JsonObject& config = fields.config();
  const FamilyTraits& traits = fields.traits();
  const auto experts =
      fields.count({"num_local_experts", "n_routed_experts", "num_experts", "moe_num_experts"}, k_max_experts);
  if (!experts || *experts == 0) {
    return;
  }
  MoeShape moe;
  moe.num_experts = narrow(*experts);
  moe.experts_per_token = fields.positive({"num_experts_per_tok", "experts_per_token", "moe_top_k"}, k_max_experts);
  if (moe.experts_per_token > moe.num_experts) {
    config.fail("num_experts_per_tok",
                fmt::format("{} exceeds the {} experts", moe.experts_per_token, moe.num_experts));
  }
  // Mixtral, Llama 4, gpt-oss and Granite-MoE name the expert width intermediate_size.
  moe.expert_intermediate_size =
      narrow(fields.count({"moe_intermediate_size", "expert_intermediate_size"}, k_max_intermediate)
                 .value_or(arch.intermediate_size));
  if (moe.expert_intermediate_size == 0) {
    config.fail("moe_intermediate_size", "missing (expected a positive integer)");
  }
  moe.shared_experts = narrow(
      fields.count({"n_shared_experts", "num_shared_experts"}, k_max_experts).value_or(traits.implicit_shared_experts));
  if (auto shared_width = config.optional_count("shared_expert_intermediate_size", k_max_intermediate);
      shared_width && *shared_width > 0) {
    moe.shared_experts = std::max<std::uint32_t>(moe.shared_experts, 1); // Qwen2-MoE: one shared expert this wide
    moe.shared_expert_intermediate_size = narrow(*shared_width);
  }
  moe.first_dense_layers = narrow(config.optional_count("first_k_dense_replace", k_max_layers).value_or(0));
  if (auto frequency = config.optional_count("moe_layer_freq", k_max_layers)) { // DeepSeek: i % freq == 0
    moe.layer_frequency = narrow(*frequency);
  } else if (auto step = fields.count({"interleave_moe_layer_step", "decoder_sparse_step"}, k_max_layers)) {
    moe.layer_frequency = narrow(*step); // Llama 4, Qwen: (i + 1) % step == 0
    moe.layer_phase = moe.layer_frequency > 0 ? moe.layer_frequency - 1 : 0;
  }
  if (moe.layer_frequency == 0) {
    config.fail("moe_layer_freq", "must be at least 1");
  }
  moe.dense_layers = layer_list(config, "mlp_only_layers", arch.num_layers);
  if (config.has("moe_layers")) { // Llama 4 configs list the routing layers outright
    const std::vector<std::uint32_t> routing = layer_list(config, "moe_layers", arch.num_layers);
    moe.layer_frequency = 1;
    moe.layer_phase = 0;
    moe.first_dense_layers = 0;
    moe.dense_layers.clear();
    for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer) {
      if (std::find(routing.begin(), routing.end(), layer) == routing.end()) {
        moe.dense_layers.push_back(layer);
      }
    }
  }
  moe.expert_bias = traits.expert_bias;
  moe.router_bias = traits.router_bias || config.optional_string("topk_method") == "noaux_tc";
  moe.shared_expert_gate = traits.shared_expert_gate && moe.shared_expert_intermediate_size > 0;
  arch.moe = moe;
  if (auto dense_width = config.optional_count("intermediate_size_mlp", k_max_intermediate)) {
    arch.intermediate_size = narrow(*dense_width); // Llama 4: dense layers are wider than the experts
  }
}

void parse_layer_types(const util::JsonObject& config, Architecture& arch)
{
  const nlohmann::json& types = config.json()["layer_types"];
  if (!types.is_array() || types.size() != arch.num_layers) {
    config.fail("layer_types", fmt::format("expected an array of {} layer types", arch.num_layers));
  }
  for (const nlohmann::json& type : types) {
    if (type == "sliding_attention" || type == "chunked_attention") {
      arch.sliding_layers.push_back(true);
    } else if (type == "full_attention") {
      arch.sliding_layers.push_back(false);
    } else {
      config.fail("layer_types", fmt::format("unsupported layer type {}", type.dump()));
    }
  }
}

void apply_period(std::uint64_t period, Architecture& arch)
{
  for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer) {
    arch.sliding_layers.push_back(period == 0 || (layer + 1) % period != 0);
  }
}

/// Sliding-window and chunked-attention layers, from whichever of the
/// families' spellings the config uses.
void parse_sliding(const Fields& fields, Architecture& arch)
{
  const util::JsonObject& config = fields.config();
  const FamilyTraits& traits = fields.traits();
  if (auto chunk = config.optional_count("attention_chunk_size", k_max_context)) { // Llama 4 local attention
    arch.sliding_window = narrow(std::min<std::uint64_t>(*chunk, UINT32_MAX));
    if (config.has("no_rope_layers")) {
      for (const nlohmann::json& rope : config.json()["no_rope_layers"]) {
        arch.sliding_layers.push_back(rope == 1); // 1: a RoPE layer, which attends within its chunk
      }
      if (arch.sliding_layers.size() != arch.num_layers) {
        config.fail("no_rope_layers", fmt::format("expected {} entries", arch.num_layers));
      }
    } else {
      apply_period(config.optional_count("no_rope_layer_interval", k_max_layers).value_or(4), arch);
    }
    return;
  }
  const auto window = fields.count({"sliding_window"}, k_max_context);
  if (!window || *window == 0) {
    return;
  }
  if (config.has("use_sliding_window")) { // Qwen: layers from max_window_layers on slide, when enabled
    if (!config.boolean("use_sliding_window", false)) {
      return;
    }
    const std::uint64_t first = config.optional_count("max_window_layers", k_max_layers).value_or(0);
    for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer) {
      arch.sliding_layers.push_back(layer >= first);
    }
  } else if (config.has("layer_types")) {
    parse_layer_types(config, arch);
  } else if (auto period = fields.count({"sliding_window_pattern", "_sliding_window_pattern"}, k_max_layers)) {
    apply_period(*period, arch);
  } else if (traits.sliding_period > 0) {
    apply_period(traits.sliding_period, arch);
  }
  arch.sliding_window = narrow(std::min<std::uint64_t>(*window, UINT32_MAX));
}

Architecture parse_text(const Fields& fields, std::vector<std::string>& assumptions)
{
  const util::JsonObject& config = fields.config();
  const FamilyTraits& traits = fields.traits();
  Architecture arch;
  arch.family = fields.model_type();
  arch.hidden_size = fields.positive({"hidden_size", "n_embd", "d_model"}, k_max_hidden);
  arch.num_layers = fields.positive({"num_hidden_layers", "n_layer", "num_layers"}, k_max_layers);
  arch.vocab_size = fields.positive({"vocab_size", "padded_vocab_size"}, k_max_vocab);
  arch.intermediate_size =
      narrow(fields.count({"intermediate_size", "ffn_hidden_size", "n_inner"}, k_max_intermediate).value_or(0));
  const auto context =
      fields.count({"max_position_embeddings", "n_positions", "seq_length", "max_sequence_length"}, k_max_context);
  if (context && *context == 0) {
    config.fail("max_position_embeddings", "must be positive"); // 0 would turn the context check off
  }
  arch.max_context = context.value_or(0);
  parse_attention(fields, arch, assumptions);
  parse_moe(fields, arch);
  parse_sliding(fields, arch);

  if (auto tied = fields.flag("tie_word_embeddings")) {
    arch.tied_embeddings = *tied;
  } else {
    arch.tied_embeddings = traits.tied_by_default;
    assumptions.push_back(fmt::format("tie_word_embeddings = {} (the {} default; the config omits it)",
                                      traits.tied_by_default, traits.config_class));
  }
  arch.mlp_bias = config.boolean("mlp_bias", false) || config.boolean("use_bias", false);
  arch.gated_mlp = traits.gated_mlp;
  arch.norms_per_layer = traits.norms_per_layer;
  arch.layer_norm_bias = traits.layer_norm_bias;

  const bool has_dense_layer = arch.moe_layer_count() < arch.num_layers;
  if (has_dense_layer && arch.intermediate_size == 0) {
    config.fail("intermediate_size", "missing (expected the width of the dense MLP)");
  }
  return arch;
}

} // namespace

HfConfig parse_hf_config(const nlohmann::json& document, const std::string& input, const std::string& path)
{
  if (!document.is_object()) {
    throw InputError{Error{input, path.empty() ? "expected a JSON object" : path + ": expected a JSON object"}};
  }
  const util::JsonObject root(document, input, path);
  HfConfig parsed;
  const auto text = root.optional_object("text_config");
  const util::JsonObject& config = text ? *text : root;
  const std::string model_type =
      config.optional_string("model_type").value_or(root.optional_string("model_type").value_or(""));
  const Fields fields(config, text ? &root : nullptr, model_type, parsed.assumptions);
  parsed.arch = parse_text(fields, parsed.assumptions);
  if (auto vision = root.optional_object("vision_config")) {
    parsed.vision_params = vision_parameters(*vision, parsed.arch.hidden_size);
    parsed.assumptions.emplace_back("vision tower parameters estimated from vision_config (ViT layout)");
  }
  parsed.quant = hf_quant(root, parsed.assumptions, parsed.warnings);
  return parsed;
}

} // namespace llmhw::model::detail
