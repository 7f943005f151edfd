// How several devices share a model, and what their all-reduces cost.
//
// Tensor parallelism (Megatron-LM, Shoeybi et al. 2019, arXiv:1909.08053 §3)
// splits every layer over the devices and all-reduces the activations twice a
// layer (after attention and after the MLP). Engines use it within a node and
// pipeline parallelism across nodes (vLLM docs, "Distributed inference and
// serving": TP = GPUs per node, PP = nodes). llama.cpp instead splits whole
// layers across GPUs (`--split-mode layer`, its default), which adds memory but
// no bandwidth: one token passes the devices one after another.

#include "detail.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::estimate::detail {
namespace {

bool splits_layers(const catalog::EngineSpec* engine)
{
  return engine != nullptr && engine->ggml.layer_split;
}

/// Latency of one small all-reduce. NCCL's all_reduce_perf shows 8-byte
/// all-reduces taking ~10 µs over NVLink and ~20-30 µs over PCIe on 8 GPUs;
/// TPU ICI collectives take a few µs (Google, "How to scale your model", 2025).
double all_reduce_latency_s(const std::string& kind)
{
  if (kind.rfind("nvlink", 0) == 0 || kind == "xgmi" || kind == "infinity-fabric" || kind == "xe-link") {
    return 10e-6;
  }
  if (kind == "ici") {
    return 5e-6;
  }
  if (kind == "roce") {
    return 40e-6;
  }
  return 25e-6; // PCIe and unknown links
}

/// Latency of one point-to-point transfer between hosts (NCCL send/recv of a few KiB): a few µs over
/// InfiniBand and ICI, more over RoCE and AWS's EFA (SRD), tens of µs over TCP.
double network_latency_s(const std::string& kind)
{
  if (kind == "infiniband" || kind == "ici") {
    return 5e-6;
  }
  if (kind == "nvlink") {
    return 10e-6;
  }
  if (kind == "roce") {
    return 15e-6;
  }
  if (kind == "efa") {
    return 25e-6;
  }
  return 50e-6; // Ethernet without RDMA
}

/// The network between the candidate's hosts: the system's, or 100 Gb/s Ethernet where none is catalogued.
void set_network(const Candidate& candidate, Layout& layout)
{
  if (layout.nodes <= 1) {
    return;
  }
  if (candidate.system && candidate.system->network) {
    layout.network_kind = candidate.system->network->kind;
    layout.network_bandwidth_bytes_s = candidate.system->network->bandwidth_bytes_s;
  } else {
    layout.network_kind = "ethernet";
    layout.network_bandwidth_bytes_s = 12.5e9;
    layout.network_assumed = true;
  }
  layout.network_latency_s = network_latency_s(layout.network_kind);
}

} // namespace

Layout plan_layout(const Candidate& candidate, const catalog::EngineSpec* engine)
{
  Layout layout;
  layout.devices = std::max<std::uint32_t>(1, candidate.count);
  if (candidate.system && candidate.system->nodes && candidate.system->count > 0) {
    // The hosts the devices used fill, at the system's devices per host (4 of a GB200 NVL72's 72 GPUs: one tray;
    // 16 GPUs of p5.48xlarge instances: two), as rules::hosts_spanned counts them.
    const std::uint32_t nodes = std::max<std::uint32_t>(1, *candidate.system->nodes);
    const std::uint32_t per_host = std::max<std::uint32_t>(1, candidate.system->count / nodes);
    layout.nodes = std::max<std::uint32_t>(1, (layout.devices + per_host - 1) / per_host);
  }
  if (splits_layers(engine)) {
    layout.layer_split = layout.devices > 1;
    layout.pipeline_stages = layout.devices;
  } else {
    layout.pipeline_stages = layout.nodes;
    layout.tensor_parallel = std::max<std::uint32_t>(1, layout.devices / layout.nodes);
  }
  const catalog::HardwareSpec& hardware = candidate.hardware;
  if (hardware.interconnect.kind != "none" && hardware.interconnect.bandwidth_bytes_s) {
    layout.link_kind = hardware.interconnect.kind;
    layout.link_bandwidth_bytes_s = *hardware.interconnect.bandwidth_bytes_s;
  } else if (hardware.pcie_bandwidth_bytes_s) {
    layout.link_kind = hardware.interconnect.kind.rfind("pcie", 0) == 0 ? hardware.interconnect.kind : "pcie";
    layout.link_bandwidth_bytes_s = *hardware.pcie_bandwidth_bytes_s;
  } else {
    // PCIe 4.0 x16, 32 GB/s one direction: the commonest host link when none is catalogued.
    layout.link_kind = "pcie";
    layout.link_bandwidth_bytes_s = 32e9;
  }
  layout.link_latency_s = all_reduce_latency_s(layout.link_kind);
  set_network(candidate, layout);
  return layout;
}

double pipeline_hop_seconds(double bytes, const Layout& layout)
{
  if (layout.nodes <= 1 || layout.network_bandwidth_bytes_s <= 0) {
    return 0;
  }
  return (layout.nodes - 1) * (layout.network_latency_s + bytes / layout.network_bandwidth_bytes_s);
}

double all_reduce_seconds(double bytes, const Layout& layout)
{
  const double n = layout.tensor_parallel;
  if (n <= 1) {
    return 0;
  }
  return 2.0 * (n - 1) / n * bytes / layout.link_bandwidth_bytes_s + layout.link_latency_s;
}

} // namespace llmhw::estimate::detail

namespace llmhw::estimate {

std::uint32_t tensor_parallel_size(const Candidate& candidate, const catalog::EngineSpec* engine)
{
  return detail::plan_layout(candidate, engine).tensor_parallel;
}

std::optional<std::string> tensor_parallel_problem(const catalog::EngineSpec* engine, const model::Architecture& arch,
                                                   std::uint32_t tensor_parallel)
{
  if (engine == nullptr || !engine->tensor_parallel || tensor_parallel <= 1 || arch.num_heads == 0) {
    return std::nullopt;
  }
  if (arch.num_heads % tensor_parallel != 0) {
    return fmt::format("{} needs the {} attention heads divisible by the tensor-parallel size {}", engine->name,
                       arch.num_heads, tensor_parallel);
  }
  // MLA caches one latent per token, replicated on every device: no KV heads to split.
  const std::uint32_t kv = arch.num_kv_heads;
  if (arch.mla || kv == 0 || kv % tensor_parallel == 0) {
    return std::nullopt;
  }
  if (engine->tensor_parallel->kv_heads == catalog::KvHeadSplit::divide_or_replicate && tensor_parallel > kv &&
      tensor_parallel % kv == 0) {
    return std::nullopt; // each KV head replicated on tensor_parallel / kv devices
  }
  return fmt::format("{} needs the {} KV heads divisible by the tensor-parallel size {}{}", engine->name, kv,
                     tensor_parallel,
                     engine->tensor_parallel->kv_heads == catalog::KvHeadSplit::divide_or_replicate
                         ? " (or the size a multiple of them)"
                         : "");
}

} // namespace llmhw::estimate
