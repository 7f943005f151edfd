#pragma once
// Parameters by the role their tensors play. Derived from an Architecture
// (HF config, catalog entry) or counted tensor by tensor (GGUF, safetensors);
// weight_bytes() prices each role at its own precision, because quantized
// checkpoints keep some tensors (embeddings, norms, attention in gpt-oss)
// wider than the rest.

#include "llmhw/model/architecture.hpp"
#include "llmhw/util/result.hpp"

#include <cstdint>

namespace llmhw::model {

struct ParameterCounts {
  std::uint64_t embedding = 0;      ///< token embedding table (vocab x hidden)
  std::uint64_t lm_head = 0;        ///< output projection; 0 when tied to the embedding
  std::uint64_t attention = 0;      ///< q, k, v, o (MLA: its low-rank projections and their norms), biases, sinks
  std::uint64_t dense_mlp = 0;      ///< MLPs of dense layers, biases included
  std::uint64_t routed_experts = 0; ///< every routed expert of every MoE layer
  std::uint64_t shared_experts = 0; ///< always-active experts, and their gates
  std::uint64_t router = 0;         ///< expert routers (gate matrices and their biases)
  std::uint64_t norms = 0;          ///< normalisation vectors
  std::uint64_t vision = 0;         ///< vision tower and projector of a multimodal checkpoint
  std::uint64_t other = 0;          ///< tensors of no known role (counted from files)

  [[nodiscard]] std::uint64_t total() const;
};

/// Every parameter of the architecture (text model; vision is added by the
/// loader when the config has one). An Error when the counts overflow 64 bits,
/// which only absurd shapes reach.
Result<ParameterCounts> count_parameters(const Architecture& arch);

/// Parameters one token reads: everything but the vision tower and the routed
/// experts it is not sent to (routed x experts_per_token / num_experts). The
/// embedding table counts whole, as model cards count it (Mixtral 8x7B: 12.9B).
std::uint64_t active_parameters(const ParameterCounts& counts, const Architecture& arch);

} // namespace llmhw::model
