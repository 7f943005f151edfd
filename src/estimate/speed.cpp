// Speed: prefill and decode as rooflines (Williams et al. 2009, "Roofline",
// CACM 52(4)) scaled by the calibrated share of peak an engine reaches.
//
// Decode (one step, every sequence adds a token) reads all weights it touches
// and every sequence's KV cache once, and does 2 FLOPs per active parameter per
// token (Kaplan et al. 2020, arXiv:2001.08361 §2.1):
//   t_memory  = (weights_touched + KV_read) / (devices × bandwidth × eff_bw)
//   t_compute = (2 × active × batch + attention) / (devices × peak × eff_c)
//   t_step    = max(t_memory, t_compute) + all-reduces + layers × per-layer overhead
// Prefill of a P-token prompt does 2 × active × P FLOPs plus attention's
// quadratic term, 2 × layers × P × span × heads × head_dim (QKᵀ and AV,
// causal so half of 4·P²), and reads the weights at least once.

#include "detail.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmhw::estimate::detail {
namespace {

/// Attention FLOPs of `queries` tokens attending over `context` tokens each
/// (sliding layers over at most their window): QKᵀ and AV, 2 FLOPs per MAC.
/// `decode`: MLA runs absorbed in decode (see moe.cpp).
double attention_flops(const Inputs& inputs, double queries, double context, bool decode)
{
  const model::Architecture& arch = inputs.model.arch;
  const double sliding = inputs.sliding_layers;
  const double window = arch.sliding_window ? std::min(context, static_cast<double>(*arch.sliding_window)) : context;
  const double span_sum = (arch.num_layers - sliding) * context + sliding * window;
  return 4.0 * queries * span_sum * attention_width(arch, decode);
}

double routed_bytes_total(const Inputs& inputs)
{
  return static_cast<double>(inputs.model.parameters.routed_experts) * inputs.quant.bits_per_weight / 8.0;
}

double active_compute_params(const model::ModelSpec& model)
{
  // The embedding lookup does no arithmetic; the output projection does.
  const double embedding = model.arch.tied_embeddings ? 0.0 : static_cast<double>(model.parameters.embedding);
  return std::max(0.0, static_cast<double>(model.active_params) - embedding);
}

/// Parameters of the output projection, which a prompt needs for its last token only.
double lm_head_params(const model::ModelSpec& model)
{
  return static_cast<double>(model.arch.vocab_size) * model.arch.hidden_size;
}

bool static_slots(const Inputs& inputs)
{
  return scheduler_of(inputs).kind == catalog::SchedulerKind::static_slots;
}

} // namespace

double weight_bytes_read_per_step(const Inputs& inputs, std::uint64_t batch)
{
  const double per_token = static_cast<double>(model::weight_bytes_read_per_token(inputs.model, inputs.quant));
  const model::Architecture& arch = inputs.model.arch;
  if (!arch.moe || arch.moe->num_experts == 0 || batch <= 1) {
    return per_token;
  }
  // One token reads k of the E experts' weights (per_token counts those); a batch reads every expert one of its
  // tokens is routed to (experts_touched_per_layer).
  const double share = static_cast<double>(arch.moe->experts_per_token) / arch.moe->num_experts;
  const double touched = experts_touched_per_layer(arch, static_cast<double>(batch)) / arch.moe->num_experts;
  const double routed = routed_bytes_total(inputs);
  return per_token - routed * share + routed * touched;
}

namespace {

/// Chunks of one prompt costed one by one; a prompt of more is costed in this many groups of equal chunks.
constexpr double k_max_costed_chunks = 64;

/// One prompt alone, cut as the engine's scheduler cuts it (serving.cpp's prompt_take): chunks of its token
/// budget where it chunks prompts or fills static slots, each attending over the chunks before it; whole
/// otherwise. It passes the pipeline stages one after the other, so only TP divides its work.
double lone_prompt_seconds(const Inputs& inputs, const MemoryPlan& memory, double prompt)
{
  const catalog::SchedulerSpec& scheduler = scheduler_of(inputs);
  const double chunk = scheduler.cuts_prompts() && scheduler.token_budget > 0
                           ? std::min<double>(scheduler.token_budget, prompt)
                           : prompt;
  const double whole_chunks = std::floor(prompt / chunk);
  // A long prompt in small chunks (a million tokens in Ollama's 512) is costed group by group, each group as its
  // chunks times the cost of a chunk at their mean offset. Every term of the step cost grows linearly with the
  // offset and the cost is their maximum, a convex function, so that is at most the group's own cost (Jensen):
  // the TTFT stays a bound that the simulation, which steps every chunk, never beats.
  const double groups = std::min(whole_chunks, k_max_costed_chunks);
  double seconds = 0;
  double costed = 0;
  for (double group = 0; group < groups; ++group) {
    const double end = std::floor(whole_chunks * (group + 1) / groups);
    const double count = end - costed;
    seconds += count * step_cost(inputs, memory, {0, 0, chunk, (costed + (count - 1) / 2) * chunk}).seconds;
    costed = end;
  }
  if (const double rest = prompt - whole_chunks * chunk; rest > 0) {
    seconds += step_cost(inputs, memory, {0, 0, rest, whole_chunks * chunk}).seconds;
  }
  return seconds;
}

} // namespace

StepCost step_cost(const Inputs& inputs, const MemoryPlan& memory, const StepBatch& step)
{
  StepCost cost;
  const catalog::HardwareSpec& hardware = inputs.candidate.hardware;
  const model::Architecture& arch = inputs.model.arch;
  const Layout& layout = inputs.layout;
  Assumptions already_stated; // plan_speed states the bandwidth's assumption once, not at every step
  const double bandwidth = reachable_bandwidth(hardware, already_stated);
  if (bandwidth <= 0) {
    return cost;
  }
  const double eff_bw = inputs.efficiency.decode_bandwidth;
  const double eff_c = inputs.efficiency.prefill_compute;
  const double peak = inputs.peak_flops;
  const double tp = layout.tensor_parallel;
  const double stages = layout.pipeline_stages;
  const double layers = std::max<std::uint32_t>(1, arch.num_layers);
  const double compute_params = active_compute_params(inputs.model);
  // 16-bit activations cross the links.
  const double activation_row_bytes = 2.0 * arch.hidden_size;
  const double decode = step.decode_sequences;
  const double prefill = step.prefill_tokens;
  const double weights_all = static_cast<double>(memory.weights_bytes);

  // Bytes: a step with prompt tokens reads every weight (all experts at a chunk's size), a decode-only step the
  // weights its sequences touch; each decoding sequence reads its KV cache.
  const double kv_read =
      decode > 0 ? decode * kv_bytes_per_sequence(inputs, static_cast<std::uint64_t>(step.decode_context)) : 0.0;
  const double weights_read =
      prefill > 0 ? weights_all : weight_bytes_read_per_step(inputs, static_cast<std::uint64_t>(std::max(1.0, decode)));
  // Bytes one stage's devices read, per device: the layers are split over stages and each layer over TP.
  double t_memory = (weights_read + kv_read) / (tp * stages * bandwidth * eff_bw);
  if (memory.gpu_layers && arch.num_layers > 0) {
    // llama.cpp partial offload: the host CPU streams the layers left to it
    // from system RAM; both parts run one after the other. For large batches
    // llama.cpp ships the host's layers to the GPU over PCIe instead.
    const double on_device = static_cast<double>(*memory.gpu_layers) / arch.num_layers;
    const double host_bandwidth = inputs.host ? inputs.host->memory_bandwidth_bytes_s : 89.6e9;
    if (prefill > 0) {
      t_memory += weights_all * (1.0 - on_device) / hardware.pcie_bandwidth_bytes_s.value_or(32e9) / stages;
    } else {
      t_memory =
          (weights_read + kv_read) * on_device / (bandwidth * eff_bw) +
          (weights_read + kv_read) * (1 - on_device) / (host_bandwidth * inputs.host_efficiency.decode_bandwidth);
    }
  }

  // FLOPs: 2 per active parameter per token; decode tokens attend over their context, a prompt chunk over what
  // came before it and, causally, half of itself.
  const double decode_flops =
      2.0 * compute_params * decode + attention_flops(inputs, decode, step.decode_context, true);
  const double prefill_attention = attention_flops(inputs, prefill, step.prefill_offset, false) +
                                   attention_flops(inputs, prefill, step.prefill_offset + prefill, false) / 2.0;
  const double prefill_flops = 2.0 * compute_params * prefill + prefill_attention;
  double t_prefill_compute = peak > 0 ? prefill_flops / (tp * stages * peak * eff_c) : 0.0;
  if (prefill > 0 && inputs.attention_peak_flops > 0 && peak > 0) {
    // A CPU engine: the output projection runs for the last prompt token only (llama.cpp computes the logits
    // of the last one), and attention runs in its own kernel (ggml's flash attention: F16 dot products one
    // query row at a time) at its own rate, which is what makes pp2048 slower than pp512.
    const double head = lm_head_params(inputs.model);
    const double matmul_params = std::max(0.0, compute_params - head);
    t_prefill_compute = (2.0 * matmul_params * prefill + 2.0 * head) / (tp * stages * peak * eff_c) +
                        prefill_attention / (tp * stages * inputs.attention_peak_flops);
  }
  if (layout.layer_split && prefill > 0) {
    // llama.cpp pipelines a prompt's micro-batches (n_ubatch = 512 tokens)
    // through the devices of a layer split (ggml_backend_sched, PR #6017), so
    // up to prompt / 512 devices work at once.
    t_prefill_compute /= std::min(stages, std::ceil(prefill / 512.0));
  }
  double t_compute = (peak > 0 ? decode_flops / (tp * stages * peak * eff_c) : 0.0) + t_prefill_compute;
  if (prefill > 0 && inputs.materializes_scores) {
    // Without flash attention llama.cpp writes and reads every layer's
    // heads × P × P score matrix in fp32 (its default before -fa became
    // automatic): traffic that grows with the square of the prompt.
    const double span = step.prefill_offset + prefill;
    const double scores = 2.0 * 4.0 * static_cast<double>(arch.num_heads) * prefill * span * layers;
    t_memory += scores / (tp * stages * bandwidth * eff_bw) / stages;
    t_compute += scores / (tp * stages * bandwidth * eff_bw) / stages;
  }
  cost.memory = t_memory;
  cost.compute = t_compute;
  cost.comm = (layers / stages) * 2.0 * all_reduce_seconds((decode + prefill) * activation_row_bytes, layout);
  // MoE routing and per-expert kernels, per stage (moe.cpp).
  cost.overhead =
      layers / stages * inputs.efficiency.step_overhead_us_per_layer * 1e-6 + moe_step_seconds(inputs, decode, prefill);
  // Across hosts the step's activations cross the inter-host network once per stage boundary.
  cost.comm += pipeline_hop_seconds((decode + prefill) * activation_row_bytes, layout) / stages;
  cost.stage_seconds = std::max(cost.memory, cost.compute) + cost.comm + cost.overhead;
  cost.seconds = cost.stage_seconds * stages;
  return cost;
}

Performance plan_speed(const Inputs& inputs, const MemoryPlan& memory, std::uint64_t concurrency,
                       Assumptions& assumptions)
{
  Performance performance;
  const model::Architecture& arch = inputs.model.arch;
  const Layout& layout = inputs.layout;
  if (reachable_bandwidth(inputs.candidate.hardware, assumptions) <= 0) {
    assumptions.add([&] { return "memory bandwidth unknown: no speed estimate"; });
    return performance;
  }
  const double stages = layout.pipeline_stages;
  const double batch = static_cast<double>(std::max<std::uint64_t>(1, concurrency));

  // ---- decode --------------------------------------------------------------
  // Sequences sit on average halfway through their output. An engine with
  // static slots keeps a preallocated cache of the provisioned context per
  // slot and attends over all of it (JetStream: XLA's static shapes,
  // jetstream-pytorch's cache_length), so it reads the whole context every step.
  const double decode_context = static_slots(inputs) ? static_cast<double>(inputs.workload.context)
                                                     : static_cast<double>(inputs.workload.prompt_tokens) +
                                                           static_cast<double>(inputs.workload.output_tokens) / 2.0;
  if (memory.gpu_layers && arch.num_layers > 0 && !inputs.host) {
    assumptions.add([&] { return "host RAM 89.6 GB/s (dual-channel DDR5-5600) for the layers left on the CPU"; });
  }
  const StepCost decode = step_cost(inputs, memory, {batch, decode_context, 0, 0});
  const double tpot = decode.seconds;
  performance.tpot_ms = tpot * 1e3;
  performance.decode_tok_s_per_user = 1.0 / tpot;
  // Pipeline stages work on different micro-batches at once when there are enough sequences (vLLM PP).
  const double in_flight = layout.layer_split ? 1.0 : std::min(stages, batch);
  performance.decode_tok_s_aggregate = batch / tpot * in_flight;
  if (decode.comm > std::max(decode.memory, decode.compute)) {
    performance.bound = "interconnect";
  } else if (decode.compute > decode.memory) {
    performance.bound = "compute";
  } else {
    performance.bound = "memory-bandwidth";
  }

  // ---- prefill -------------------------------------------------------------
  const double prompt = static_cast<double>(std::max<std::uint64_t>(1, inputs.workload.prompt_tokens));
  const double prefill_seconds = lone_prompt_seconds(inputs, memory, prompt);
  performance.prefill_tok_s = prompt / prefill_seconds;
  performance.ttft_ms = prefill_seconds * 1e3;

  // ---- offline throughput --------------------------------------------------
  // Continuous batching (Orca, Yu et al. OSDI 2022) runs the sequences' prefills
  // in chunks of up to the engine's token budget beside the decode steps: per
  // round every sequence costs its prompt's prefill and `output` decode steps.
  // serving.cpp replaces this bound with its simulation where it runs.
  const double output = static_cast<double>(inputs.workload.output_tokens);
  if (output > 0) {
    const double chunk =
        std::min(static_cast<double>(scheduler_of(inputs).token_budget), std::max(prompt, batch * prompt));
    const StepCost chunk_cost = step_cost(inputs, memory, {0, 0, chunk, 0});
    const double t_round =
        batch * prompt * chunk_cost.seconds / chunk + output * decode.stage_seconds * (stages / in_flight);
    performance.throughput_tok_s = batch * output / t_round;
  }
  if (inputs.peak_flops <= 0) {
    // Without the device's peak for this precision a prefill can only be bounded by bandwidth, which is
    // 5-10x too fast (A10G: 36 ms for an 8B prompt where ~300 ms is measured). Unknown, not guessed:
    // the figures that rest on it are left out (JSON null) and UNKNOWN_FIGURES says why.
    performance.prefill_tok_s = 0;
    performance.ttft_ms = 0;
    performance.throughput_tok_s = 0;
    assumptions.add(
        [&] { return "peak compute unknown for this precision: prefill, TTFT and throughput not estimated"; });
  }
  return performance;
}

} // namespace llmhw::estimate::detail
