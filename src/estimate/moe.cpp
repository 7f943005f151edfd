// What mixture-of-experts layers and multi-head latent attention add to a
// step beyond the bytes and FLOPs the roofline already counts (speed.cpp).
//
// MoE. The roofline streams the experts a batch touches at the dense share of
// bandwidth. Real MoE layers cost more, most where experts are small and many:
//  - routing: per MoE layer the router GEMM, top-k, the token sort by expert
//    (vLLM/SGLang moe_align_block_size) and the weighted combine are kernels of
//    their own, a fixed time per layer and step however few tokens there are;
//  - expert GEMMs: the fused MoE kernel runs one small GEMM per touched expert
//    (a few tokens each at small batch), paying a tile start-up and tail per
//    expert that a dense GEMM amortises over the whole matrix. DeepSeek-V3's
//    256 experts of 2048 columns make this dominate (SGLang v0.5.7, DeepSeek-R1
//    FP8 on 8x H200, TP8, 8 users: 12.8 ms per output token where its weights
//    stream in ~6 ms; SemiAnalysisAI/InferenceX issue #870); Mixtral's 8 wide
//    experts barely notice it.
// Both are time per layer on every device of the tensor-parallel group, which
// shards each expert. An engine whose default is expert parallelism
// (engines.json "expert_parallel") runs 1/n of the touched experts per device
// and adds the all-to-alls that carry tokens to them; none is by default
// today (SGLang's --ep-size and vLLM's --enable-expert-parallel are opt-in).
//
// MLA. Decode runs DeepSeek's attention "absorbed" (DeepSeek-V2 paper §2.1.2;
// vLLM and SGLang MLA backends): queries are projected into the 512-wide
// latent, so each cached token costs QKᵀ over kv_lora_rank + rope dims and AV
// over kv_lora_rank, per head — 3.4x the FLOPs of the decompressed form that
// prefill uses, on 1/57 of the KV bytes.

#include "detail.hpp"

#include <algorithm>
#include <cmath>

namespace llmhw::estimate::detail {
namespace {

// The three constants are fitted together (grid search, median absolute error
// of the "fit" rows) on SGLang's DeepSeek-R1 FP8 runs on 8x H200, TP8,
// simulated as InferenceX runs them (serving.cpp, benchmark rounds): TPOT,
// TTFT and throughput at 8 and 32 users of InferenceX issue #870 (v0.5.7,
// 1k/1k) and PR #3173 (v0.5.12, 1k/1k and 8k/1k). Their runs at 4, 16 and 64
// users are held out (docs/accuracy.md). The eager-prefill figure (7 and 7.5
// tie on the fit rows) is what makes a 1k-token prompt take about 150 ms
// where its FLOPs and bytes take 45 (PR #3173: 158 ms at 4 users;
// tenstorrent/tt-inference-server issue #356 shows the same flat ~180 ms from
// 128 to 4,096 prompt tokens on 16x H100): a prompt of 128 tokens and more
// already touches all 256 experts.

/// Router GEMM, top-k, the sort by expert, the activations' FP8 quantisation
/// and the weighted combine: kernels a MoE layer adds to each step whatever
/// the batch.
constexpr double k_routing_us_per_moe_layer = 50.0;

/// Start-up and tail of one expert's GEMM in the fused MoE kernel, per touched
/// expert per layer.
constexpr double k_us_per_touched_expert = 0.2;

/// The same in a step with prompt tokens where the engine runs those eagerly (engines.json scheduler
/// eager_prefill: SGLang's "extend" batches run outside the CUDA graphs captured for decode batches): the fused
/// MoE kernel's per-expert tiles at a prefill's tokens per expert, with block-FP8 scales, and each kernel launched
/// from Python. Engines without a measurement keep the decode figure.
constexpr double k_eager_prefill_us_per_touched_expert = 7.5;

/// The engine's default runs the experts expert-parallel over the tensor-parallel group (engines.json).
bool expert_parallel(const Inputs& inputs)
{
  return inputs.engine != nullptr && inputs.engine->expert_parallel && inputs.engine->expert_parallel->by_default &&
         inputs.layout.tensor_parallel > 1;
}

/// One expert-parallel MoE layer's all-to-alls: each device sends its share of the tokens' 16-bit hidden states
/// to the devices of their k experts and gets the results back (dispatch and combine), (n-1)/n of it off-device.
double all_to_all_seconds(const Inputs& inputs, double tokens)
{
  const double n = inputs.layout.tensor_parallel;
  const model::Architecture& arch = inputs.model.arch;
  const double bytes = tokens / n * arch.moe->experts_per_token * 2.0 * arch.hidden_size * (n - 1) / n;
  return 2.0 * (bytes / inputs.layout.link_bandwidth_bytes_s + inputs.layout.link_latency_s);
}

} // namespace

double experts_touched_per_layer(const model::Architecture& arch, double tokens)
{
  if (!arch.moe || arch.moe->num_experts == 0) {
    return 0;
  }
  // Uniform routing: an expert is idle for a step with probability (1 - k/E)^tokens.
  const double experts = arch.moe->num_experts;
  const double share = std::min(1.0, static_cast<double>(arch.moe->experts_per_token) / experts);
  return experts * (1.0 - std::pow(1.0 - share, std::max(1.0, tokens)));
}

double moe_step_seconds(const Inputs& inputs, double decode_tokens, double prompt_tokens)
{
  const double tokens = decode_tokens + prompt_tokens;
  const model::Architecture& arch = inputs.model.arch;
  // The constants are GPU kernel times (CUDA graphs on H200); XLA's fused MoE on TPUs and llama.cpp's CPU
  // kernels have no measurement to set them by, so those get the roofline alone.
  if (!arch.moe || arch.moe->num_experts == 0 || inputs.candidate.hardware.kind != catalog::DeviceKind::gpu) {
    return 0;
  }
  // Per pipeline stage: each holds its share of the MoE layers.
  const double layers = static_cast<double>(inputs.moe_layers) / inputs.layout.pipeline_stages;
  // Expert parallel: each device runs only its own experts' GEMMs, and the tokens travel to them.
  const bool ep = expert_parallel(inputs);
  const double experts_per_device = experts_touched_per_layer(arch, tokens) / (ep ? inputs.layout.tensor_parallel : 1);
  // A step with prompt tokens in an engine that runs them eagerly costs more per expert.
  const bool eager = prompt_tokens > 0 && scheduler_of(inputs).eager_prefill;
  const double per_expert_us = eager ? k_eager_prefill_us_per_touched_expert : k_us_per_touched_expert;
  const double per_layer_s = (k_routing_us_per_moe_layer + per_expert_us * experts_per_device) * 1e-6 +
                             (ep ? all_to_all_seconds(inputs, tokens) : 0.0);
  return layers * per_layer_s;
}

double attention_width(const model::Architecture& arch, bool decode)
{
  if (!arch.mla) {
    return static_cast<double>(arch.num_heads) * arch.head_dim;
  }
  const model::MlaShape& mla = *arch.mla;
  // Width w such that 4·w FLOPs per query per cached token = QKᵀ + AV at 2 FLOPs per MAC.
  if (decode && mla.kv_lora_rank > 0) {
    return static_cast<double>(arch.num_heads) * (2.0 * mla.kv_lora_rank + mla.qk_rope_head_dim) / 2.0;
  }
  return static_cast<double>(arch.num_heads) * (mla.qk_nope_head_dim + mla.qk_rope_head_dim + mla.v_head_dim) / 2.0;
}

} // namespace llmhw::estimate::detail
