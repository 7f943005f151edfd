// Weight bytes in a given format, tensor role by tensor role. Quantized
// checkpoints do not store every tensor alike: llama.cpp's K-quant mixes keep
// norms in F32 and give the output projection Q6_K (llama-quant.cpp,
// llama_tensor_get_type); AWQ/GPTQ and FP8 checkpoints keep embeddings,
// lm_head and norms in 16 bits; gpt-oss's MXFP4 covers only the MoE experts.
// data/quants.json says which width each role gets.

#include "llmhw/model/model.hpp"

#include "llmhw/catalog/engines.hpp"
#include "llmhw/util/checked.hpp"

#include <cmath>

namespace llmhw::model {
namespace {

struct RoleBits {
  double layers = 16;    ///< MLP and expert matrices
  double attention = 16; ///< attention and router matrices
  double embedding = 16;
  double lm_head = 16;
  double vectors = 16; ///< norms, and the vision tower, which quantizers leave alone
};

RoleBits role_bits(const catalog::QuantFormat& quant)
{
  RoleBits bits;
  bits.layers = quant.bits_per_weight;
  bits.attention = quant.attention_bits_per_weight.value_or(quant.bits_per_weight);
  bits.embedding = quant.embedding_bits_per_weight.value_or(quant.bits_per_weight);
  bits.lm_head = quant.lm_head_bits_per_weight.value_or(bits.embedding);
  bits.vectors = quant.vector_bits_per_weight.value_or(quant.bits_per_weight > 16 ? quant.bits_per_weight : 16);
  return bits;
}

/// Which parts of the model a sum covers.
struct Coverage {
  double routed_share = 1.0; ///< share of the routed experts (1: all of them)
  bool embedding = true;     ///< the whole embedding table
};

double bits_of(const ParameterCounts& counts, bool tied, const catalog::QuantFormat& quant, Coverage coverage)
{
  const RoleBits bits = role_bits(quant);
  const auto n = [](std::uint64_t count) { return static_cast<double>(count); };
  // A tied table is also the output projection, and quantizers give it the
  // output's width (llama.cpp: "we quantize the token embeddings with the
  // quantization of the output tensor").
  const double embedding_bits = tied ? bits.lm_head : bits.embedding;
  double total = 0;
  total += (n(counts.dense_mlp) + n(counts.shared_experts) + n(counts.other)) * bits.layers;
  total += n(counts.routed_experts) * coverage.routed_share * bits.layers;
  total += (n(counts.attention) + n(counts.router)) * bits.attention;
  total += coverage.embedding ? n(counts.embedding) * embedding_bits : 0.0;
  total += n(counts.lm_head) * bits.lm_head;
  total += (n(counts.norms) + n(counts.vision)) * bits.vectors;
  return total;
}

std::uint64_t to_bytes(double bits)
{
  return util::saturating_ceil(bits / 8.0);
}

} // namespace

std::uint64_t weight_bytes(const ModelSpec& model, const catalog::QuantFormat& quant)
{
  if (model.file_weight_bytes && quant.id == model.native_quant) {
    return *model.file_weight_bytes;
  }
  if (model.parameters.total() == 0) { // a spec built from a bare count
    return to_bytes(static_cast<double>(model.params) * quant.bits_per_weight);
  }
  return to_bytes(bits_of(model.parameters, model.arch.tied_embeddings, quant, Coverage{}));
}

std::uint64_t weight_bytes_read_per_token(const ModelSpec& model, const catalog::QuantFormat& quant)
{
  if (model.parameters.total() == 0) {
    return to_bytes(static_cast<double>(model.active_params) * quant.bits_per_weight);
  }
  Coverage coverage;
  if (model.arch.moe && model.arch.moe->num_experts > 0) {
    coverage.routed_share = static_cast<double>(model.arch.moe->experts_per_token) / model.arch.moe->num_experts;
  }
  // A lookup reads one row of the embedding table, unless the table is also
  // the output projection, which every token reads in full.
  coverage.embedding = model.arch.tied_embeddings;
  ParameterCounts counts = model.parameters;
  counts.vision = 0;
  return to_bytes(bits_of(counts, model.arch.tied_embeddings, quant, coverage));
}

} // namespace llmhw::model
