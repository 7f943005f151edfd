// Parameters of the vision tower of a multimodal checkpoint. Engines load it
// with the text model, so it counts toward weight memory (Gemma 3 4B: about
// 0.42 B of its 4.3 B), though not toward what a generated token reads. The
// count follows the ViT layout (Dosovitskiy et al., arXiv:2010.11929) that
// SigLIP, CLIP, Pixtral and the Llama 4 and Qwen2.5-VL encoders share; their
// projectors differ and are taken as one linear map into the text model, so
// the result is an estimate (the loader says so).

#include "hf_config.hpp"

#include <algorithm>

namespace llmhw::model::detail {
namespace {

constexpr std::uint64_t k_max_width = 1 << 16;
constexpr std::uint64_t k_max_depth = 1 << 8;

} // namespace

std::uint64_t vision_parameters(const util::JsonObject& vision, std::uint32_t text_hidden)
{
  const std::uint64_t hidden = vision.optional_count("hidden_size", k_max_width).value_or(0);
  const std::uint64_t intermediate = vision.optional_count("intermediate_size", k_max_width * 8).value_or(4 * hidden);
  std::uint64_t layers = vision.optional_count("num_hidden_layers", k_max_depth).value_or(0);
  layers = vision.optional_count("depth", k_max_depth).value_or(layers); // Qwen2.5-VL
  if (hidden == 0 || layers == 0) {
    return 0;
  }
  const std::uint64_t patch = vision.optional_count("patch_size", 1 << 10).value_or(14);
  const std::uint64_t channels = vision.optional_count("num_channels", 16).value_or(3);
  const std::string type = vision.optional_string("model_type").value_or("");
  const bool gated = type == "pixtral" || type == "qwen2_5_vl"; // SiLU-gated MLPs, RMSNorm, RoPE positions

  const std::uint64_t attention = 4 * hidden * hidden + 4 * hidden;
  const std::uint64_t mlp = gated ? 3 * hidden * intermediate : 2 * hidden * intermediate + intermediate + hidden;
  const std::uint64_t norms = gated ? 2 * hidden : 4 * hidden;
  std::uint64_t total = layers * (attention + mlp + norms);
  total += channels * patch * patch * hidden + hidden; // patch embedding
  const nlohmann::json& image = vision.json().contains("image_size") ? vision.json()["image_size"] : nullptr;
  if (!gated && image.is_number_unsigned() && patch > 0) { // some configs give [height, width]: no table then
    const std::uint64_t side = std::min<std::uint64_t>(image.get<std::uint64_t>(), 1 << 14) / patch;
    total += side * side * hidden; // learned position embeddings
  }
  total += hidden * text_hidden + text_hidden; // projector into the text model
  return total;
}

} // namespace llmhw::model::detail
