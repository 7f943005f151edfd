#pragma once
// Internal: the role of a tensor, from its name, so that parameters counted
// from a file fall into the same ParameterCounts buckets as parameters derived
// from a config.

#include "llmhw/model/params.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace llmhw::model::detail {

enum class TensorRole {
  embedding,
  lm_head,
  attention,
  dense_mlp,
  routed_experts,
  shared_experts,
  router,
  norms,
  vision,
  other,
  not_a_parameter, ///< quantization scales, zero points, rotary buffers
};

/// llama.cpp tensor names (llama-arch.cpp): "blk.0.ffn_down_exps.weight".
TensorRole gguf_tensor_role(std::string_view name);

/// transformers state-dict names: "model.layers.0.mlp.experts.3.down_proj.weight".
TensorRole hf_tensor_role(std::string_view name);

/// Adds `elements` to the bucket of `role`; an InputError naming `input` if
/// the count would pass 64 bits.
void count_tensor(ParameterCounts& counts, TensorRole role, std::uint64_t elements, const std::string& input);

} // namespace llmhw::model::detail
