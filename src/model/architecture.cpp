#include "llmhw/model/architecture.hpp"

#include <algorithm>

namespace llmhw::model {

std::string to_string(AttentionKind kind)
{
  switch (kind) {
  case AttentionKind::mha: return "mha";
  case AttentionKind::gqa: return "gqa";
  case AttentionKind::mqa: return "mqa";
  case AttentionKind::mla: return "mla";
  }
  return "unknown";
}

AttentionKind Architecture::attention_kind() const
{
  if (mla) {
    return AttentionKind::mla;
  }
  if (num_kv_heads == num_heads) {
    return AttentionKind::mha;
  }
  return num_kv_heads == 1 ? AttentionKind::mqa : AttentionKind::gqa;
}

bool Architecture::is_sliding(std::uint32_t layer) const
{
  if (!sliding_window) {
    return false;
  }
  if (sliding_layers.empty()) {
    return true;
  }
  return layer < sliding_layers.size() && sliding_layers[layer];
}

bool Architecture::is_moe_layer(std::uint32_t layer) const
{
  if (!moe || moe->num_experts == 0 || layer < moe->first_dense_layers) {
    return false;
  }
  const std::uint32_t frequency = std::max<std::uint32_t>(moe->layer_frequency, 1);
  if (layer % frequency != moe->layer_phase % frequency) {
    return false;
  }
  return std::find(moe->dense_layers.begin(), moe->dense_layers.end(), layer) == moe->dense_layers.end();
}

std::uint32_t Architecture::moe_layer_count() const
{
  std::uint32_t count = 0;
  for (std::uint32_t layer = 0; layer < num_layers; ++layer) {
    count += is_moe_layer(layer) ? 1 : 0;
  }
  return count;
}

std::uint32_t Architecture::sliding_layer_count() const
{
  if (!sliding_window) {
    return 0;
  }
  if (sliding_layers.empty()) {
    return num_layers;
  }
  const auto listed = std::min<std::size_t>(sliding_layers.size(), num_layers);
  return static_cast<std::uint32_t>(
      std::count(sliding_layers.begin(), sliding_layers.begin() + static_cast<std::ptrdiff_t>(listed), true));
}

} // namespace llmhw::model
