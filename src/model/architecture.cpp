#include "llmhw/model/architecture.hpp"

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

} // namespace llmhw::model
