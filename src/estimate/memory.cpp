// The memory plan: what the engine may use, what the weights, KV cache,
// activations and the runtime take, and how many sequences fit.

#include "detail.hpp"

#include "llmhw/util/checked.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmhw::estimate::detail {
namespace {

using catalog::DeviceKind;

/// Tokens of the fixed compute buffer the engine allocates at load (llama.cpp's n_ubatch); 0 for engines whose
/// activations follow chunked prefill.
double compute_buffer_tokens(const Inputs& inputs)
{
  return inputs.engine ? static_cast<double>(inputs.engine->ggml.compute_buffer_tokens) : 0.0;
}

/// Memory one device lets the engine use.
double usable_per_device(const Inputs& inputs, Assumptions& assumptions)
{
  const catalog::HardwareSpec& hardware = inputs.candidate.hardware;
  double total = static_cast<double>(hardware.memory_bytes);
  if (hardware.kind == DeviceKind::cpu) {
    // The OS, page cache and other processes: keep 10% or 2 GiB, whichever is more.
    const double os = std::max(0.10 * total, 2.0 * units::GiB);
    assumptions.add([&] {
      return fmt::format("{:.1f} GiB of {:.0f} GiB RAM left to the operating system", os / units::GiB,
                         total / units::GiB);
    });
    total -= os;
  } else if (hardware.unified_memory && hardware.vendor == "Apple") {
    // macOS lets Metal wire about 2/3 of RAM up to 36 GB and 3/4 above
    // (MTLDevice.recommendedMaxWorkingSetSize; llama.cpp prints it at start-up).
    const double share = total > 36.0 * units::GiB ? 0.75 : 0.67;
    assumptions.add([&] {
      return fmt::format("Metal may wire {:.0f}% of unified memory (recommendedMaxWorkingSetSize)", share * 100);
    });
    total *= share;
  } else if (hardware.unified_memory) {
    const double os = std::max(0.10 * total, 4.0 * units::GiB);
    assumptions.add(
        [&] { return fmt::format("{:.1f} GiB of unified memory left to the host operating system", os / units::GiB); });
    total -= os;
  }
  if (inputs.candidate.memory_free_bytes) {
    total = std::min(total, static_cast<double>(*inputs.candidate.memory_free_bytes));
    assumptions.add([&] { return "only the memory free at probe time counts"; });
  }
  if (inputs.engine && inputs.engine->gpu_memory_utilization && hardware.kind != DeviceKind::cpu) {
    // vLLM and SGLang take this share of the whole device memory for
    // everything they hold (vLLM docs, EngineArgs --gpu-memory-utilization).
    const double share = *inputs.engine->gpu_memory_utilization;
    assumptions.add([&] {
      return fmt::format("{} takes --gpu-memory-utilization {:.2f} of device memory", inputs.engine->name, share);
    });
    total = std::min(total, share * static_cast<double>(hardware.memory_bytes));
  }
  return std::max(0.0, total);
}

/// llama.cpp's CPU compute buffer ("CPU compute buffer size" in its log): one n_ubatch = 512 micro-batch of
/// fp32 logits and two hidden-size rows per token. Measured with llama-bench -v (llama.cpp de3ff81): 258.5 MiB
/// for Llama-3.2-1B (vocab 128256, hidden 2048), 300.25 MiB for Qwen2.5-0.5B (151936, 896): this formula
/// gives 258.5 and 300.3.
double llama_cpp_cpu_compute_buffer(const model::Architecture& arch)
{
  constexpr double ubatch = 512;
  return ubatch * (static_cast<double>(arch.vocab_size) + 2.0 * arch.hidden_size) * 4.0;
}

/// Weight bytes of the transformer layers (what llama.cpp repacks; the embedding and output stay as mapped).
double layer_weight_bytes(const Inputs& inputs)
{
  const model::ParameterCounts& counts = inputs.model.parameters;
  const double layer_params = static_cast<double>(counts.attention + counts.dense_mlp + counts.routed_experts +
                                                  counts.shared_experts + counts.router);
  return layer_params * inputs.quant.bits_per_weight / 8.0;
}

/// Runtime memory outside weights, KV and activations, per device.
double overhead_per_device(const Inputs& inputs)
{
  const catalog::HardwareSpec& hardware = inputs.candidate.hardware;
  const model::Architecture& arch = inputs.model.arch;
  double bytes = 0;
  if (hardware.kind == DeviceKind::gpu && hardware.vendor != "Apple") {
    // CUDA/ROCm context and the kernels' modules: 0.3-0.5 GiB in nvidia-smi
    // for an idle PyTorch or llama.cpp process.
    bytes += 0.5 * units::GiB;
  }
  if (hardware.kind == DeviceKind::tpu) {
    bytes += 1.0 * units::GiB; // XLA programs and runtime scratch (assumption; JAX reserves HBM per program)
  }
  if (compute_buffer_tokens(inputs) > 0 && hardware.kind == DeviceKind::cpu) {
    bytes += llama_cpp_cpu_compute_buffer(arch);
  } else if (compute_buffer_tokens(inputs) > 0) {
    // llama.cpp's compute buffer holds one micro-batch (n_ubatch 512) of
    // logits in fp32 plus the graph's intermediates: 512 × vocab × 4 bytes for
    // the output, ~ 260 MiB for a 128k vocabulary as its logs print.
    bytes += compute_buffer_tokens(inputs) * (static_cast<double>(arch.vocab_size) + 8.0 * arch.hidden_size) * 4.0;
  } else if (inputs.engine && inputs.engine->gpu_memory_utilization) {
    bytes += 0.5 * units::GiB; // CUDA graphs captured for decode batch sizes (vLLM logs 0.3-1 GiB)
  }
  if (hardware.kind == DeviceKind::gpu && inputs.layout.tensor_parallel > 1) {
    // The tensor-parallel group's NCCL/RCCL communicator and custom all-reduce buffers: vLLM's memory profile of
    // Llama-3-8B on H100 80GB reports non-torch memory of 1.79 GiB at TP 1 and 3.58 GiB at TP 2 per GPU
    // (github.com/vllm-project/vllm/pull/10511).
    bytes += 1.79 * units::GiB;
  }
  return bytes;
}

/// Peak activation memory for one prefill chunk, across all devices.
double activation_bytes(const Inputs& inputs, std::uint64_t concurrency)
{
  if (compute_buffer_tokens(inputs) > 0) {
    return 0; // inside the compute buffer counted as overhead
  }
  const model::Architecture& arch = inputs.model.arch;
  // vLLM V1 schedules up to max_num_batched_tokens = 8192 per step (chunked prefill, vLLM docs "Optimization and
  // Tuning").
  const double chunk =
      static_cast<double>(std::min<std::uint64_t>(std::max<std::uint64_t>(inputs.workload.prompt_tokens, 1), 8192));
  double mlp_width = arch.intermediate_size;
  if (arch.moe && arch.moe->expert_intermediate_size > 0) {
    mlp_width = static_cast<double>(arch.moe->expert_intermediate_size) *
                std::max<std::uint32_t>(1, arch.moe->experts_per_token);
  }
  // Residual, normed input, q/k/v/o and the gated MLP's three intermediates in 16-bit.
  const double per_token = (4.0 * arch.hidden_size + 3.0 * mlp_width) * 2.0;
  // Sampler logits in fp32 for the sequences of one step, at most 256 (vLLM's max_num_seqs default).
  const double logits = static_cast<double>(std::min<std::uint64_t>(concurrency, 256)) * arch.vocab_size * 4.0;
  return chunk * per_token + logits;
}

/// What is left for the KV cache when the engine sizes it as a share of the
/// memory free after loading the weights and profiling a prefill (TensorRT-LLM
/// kv_cache_free_gpu_mem_fraction, LMDeploy cache_max_entry_count, TGI's
/// wiggle room), rather than as a share of the whole device.
double kv_budget(const Inputs& inputs, double free_after_load, Assumptions& assumptions)
{
  const catalog::EngineSpec* engine = inputs.engine;
  if (engine == nullptr || !engine->kv_cache_free_memory_fraction ||
      inputs.candidate.hardware.kind == DeviceKind::cpu) {
    return free_after_load;
  }
  const double share = *engine->kv_cache_free_memory_fraction;
  assumptions.add([&] {
    return fmt::format("{} gives the KV cache {:.0f}% of the memory free after the weights", engine->name, share * 100);
  });
  return free_after_load > 0 ? share * free_after_load : free_after_load;
}

/// `value` truncated to an int64, saturating at its limits (a headroom worked
/// out in double from a file's shapes can pass them; the cast would be UB).
std::int64_t saturating_int64(double value)
{
  constexpr double k_two_to_63 = 9223372036854775808.0;
  if (std::isnan(value) || value <= -k_two_to_63) {
    return INT64_MIN;
  }
  if (value >= k_two_to_63) {
    return INT64_MAX;
  }
  return static_cast<std::int64_t>(value);
}

/// Host memory for the layers a partial offload leaves on the CPU, once the device holds `device_bytes`; empty
/// when unknown. Unified memory (Apple, GB10, Strix Halo) is one pool: the GPU's share and the CPU's come out of
/// the same bytes, less what the operating system keeps (as for a CPU: 10% or 2 GiB, whichever is more).
std::optional<double> host_memory_for_offload(const Inputs& inputs, double device_bytes)
{
  const catalog::HardwareSpec& hardware = inputs.candidate.hardware;
  std::optional<double> host;
  if (inputs.candidate.host_memory_bytes) {
    host = static_cast<double>(*inputs.candidate.host_memory_bytes);
  }
  if (hardware.unified_memory) {
    const double total = static_cast<double>(hardware.memory_bytes);
    const double os = std::max(0.10 * total, 2.0 * units::GiB);
    host = std::min(host.value_or(total - os), total - os) - device_bytes;
  }
  if (host) {
    host = std::max(0.0, *host);
  }
  return host;
}

/// Host RAM assumed per byte of device memory when neither a probe nor the catalog gives the host's: a workstation
/// or server built around a GPU carries at least as much RAM as the GPU memory, commonly twice.
constexpr double k_assumed_host_ram_per_device_memory = 2.0;

/// llama.cpp -ngl: the whole layers (weights and their share of the KV cache) that fit in `room` on the device;
/// the rest must fit in host memory, or the offload is no plan (gpu_layers stays empty).
void plan_offload(const Inputs& inputs, double model_bytes, double room, double overhead, MemoryPlan& plan,
                  Assumptions& assumptions)
{
  const std::uint32_t layers = inputs.model.arch.num_layers;
  const double per_layer = model_bytes / layers;
  const auto fitting = room > 0 ? static_cast<std::uint32_t>(std::min(std::floor(room / per_layer), 1e9)) : 0U;
  const std::uint32_t on_device = std::min(fitting, layers - 1);
  const double on_host = per_layer * (layers - on_device);
  std::optional<double> host = host_memory_for_offload(inputs, per_layer * on_device + overhead);
  if (!host) {
    // A catalog GPU without a host (an RTX 4090 as a target): assume a workstation built around it, with twice the
    // card's memory in RAM, so that an offload no such machine holds is not planned. A probe gives the real figure.
    host = k_assumed_host_ram_per_device_memory * static_cast<double>(inputs.candidate.hardware.memory_bytes);
    assumptions.add([&] {
      return fmt::format("host RAM not known: assumed {:.0f} GiB, twice the {}'s memory (probe the "
                         "host or pass --hardware for its figure)",
                         *host / units::GiB, inputs.candidate.hardware.name);
    });
  }
  plan.offload_host_bytes = util::saturating_ceil(on_host);
  if (host) {
    plan.host_available_bytes = util::saturating_ceil(*host);
  }
  if (host && on_host > *host) {
    assumptions.add([&] {
      return fmt::format("llama.cpp -ngl {} would leave {} layers ({:.1f} GiB with their KV cache) on "
                         "the CPU, but the host has {:.1f} GiB for them",
                         on_device, layers - on_device, on_host / units::GiB, *host / units::GiB);
    });
    return;
  }
  plan.gpu_layers = on_device;
  assumptions.add([&] {
    return fmt::format("llama.cpp -ngl {}: {} of {} layers on the device, the rest ({:.1f} GiB) in host "
                       "memory",
                       on_device, on_device, layers, on_host / units::GiB);
  });
}

} // namespace

double kv_bytes_per_sequence(const Inputs& inputs, std::uint64_t context)
{
  const model::Architecture& arch = inputs.kv_arch();
  const double bytes =
      static_cast<double>(model::kv_cache_bytes(arch, context, model::kv_bytes_per_element(inputs.kv_quant)));
  // Under TP each device holds kv_heads / TP heads; with more devices than KV
  // heads vLLM replicates them, and MLA's single latent is replicated on every
  // device (vLLM MLA backend).
  const std::uint32_t tp = inputs.layout.tensor_parallel;
  double replication = 1;
  if (arch.mla) {
    replication = tp;
  } else if (arch.num_kv_heads > 0 && tp > arch.num_kv_heads) {
    replication = static_cast<double>(tp) / arch.num_kv_heads;
  }
  return bytes * replication;
}

MemoryPlan plan_memory(const Inputs& inputs, Assumptions& assumptions)
{
  const model::ModelSpec& model = inputs.model;
  const model::Architecture& arch = model.arch;
  const double devices = inputs.layout.devices;
  MemoryPlan plan;
  plan.total_layers = arch.num_layers;

  double usable = usable_per_device(inputs, assumptions) * devices;
  const double weights = (model.file_weight_bytes && inputs.quant.id == model.native_quant)
                             ? static_cast<double>(*model.file_weight_bytes)
                             : static_cast<double>(model::weight_bytes(model, inputs.quant));
  const std::uint64_t concurrency = std::max<std::uint64_t>(1, inputs.workload.concurrency);
  double overhead = overhead_per_device(inputs) * devices;
  if (inputs.repacked_share > 0) {
    // llama.cpp copies the weights its CPU kernels want interleaved (Q4_0, Q4_K, IQ4_NL for AVX2/AVX-512/NEON;
    // F16, Q8_0 and K-quants into its AMX buffer) into a buffer of its own, beside the mapped file. The file's
    // pages of those tensors are not read again and can be paged out; the buffer cannot, and the AMX layout
    // is larger than the file's.
    const double layers = layer_weight_bytes(inputs);
    const double repacked = inputs.repacked_share * layers;
    const double growth = std::max(0.0, repacked - std::min(1.0, inputs.repacked_share) * layers);
    overhead += growth;
    assumptions.add([&] {
      return fmt::format("llama.cpp repacks {:.0f} MiB of the weights for its CPU kernels into a buffer "
                         "beside the mapped file (whose pages of them can be paged out): {:.0f} MiB "
                         "more than the file",
                         repacked / units::MiB, growth / units::MiB);
    });
  }
  const double activations = activation_bytes(inputs, concurrency);
  const std::uint64_t context = std::max<std::uint64_t>(1, inputs.workload.context);
  const double kv_one = kv_bytes_per_sequence(inputs, context);

  const double free_after_load = usable - weights - overhead - activations;
  const double for_kv = kv_budget(inputs, free_after_load, assumptions);
  // The share of free memory such an engine leaves unallocated is not its to use.
  usable -= free_after_load - for_kv;
  const bool one_fits = for_kv >= kv_one;
  plan.max_concurrency = (for_kv > 0 && kv_one > 0) ? util::saturating_ceil(std::floor(for_kv / kv_one)) : 0;
  plan.max_concurrency = std::min<std::uint64_t>(plan.max_concurrency, workload::k_max_concurrency);

  // The longest context one sequence can hold: KV grows monotonically with it
  // (sliding-window layers stop growing), so bisect.
  const std::uint64_t context_limit = arch.max_context > 0 ? arch.max_context : workload::k_max_tokens;
  if (for_kv > 0) {
    std::uint64_t low = 0;
    std::uint64_t high = context_limit;
    while (low < high) {
      const std::uint64_t middle = low + (high - low + 1) / 2;
      if (kv_bytes_per_sequence(inputs, middle) <= for_kv) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    plan.max_context = low;
  }

  // For --concurrency max the KV cache is what the memory left holds.
  const std::uint64_t planned = inputs.workload.max_concurrency || inputs.workload.concurrency == 0
                                    ? std::max<std::uint64_t>(1, plan.max_concurrency)
                                    : concurrency;
  const double kv_total = kv_one * static_cast<double>(planned);
  // One plan: the weights and every requested user's KV cache (when only some fit, the rest would wait).
  plan.fits = one_fits && plan.max_concurrency >= planned;
  plan.usable_bytes = util::saturating_ceil(usable);
  plan.weights_bytes = util::saturating_ceil(weights);
  plan.overhead_bytes = util::saturating_ceil(overhead);
  plan.activation_bytes = util::saturating_ceil(activations);
  plan.kv_cache_bytes = util::saturating_ceil(kv_total);
  plan.headroom_bytes = saturating_int64(usable - weights - overhead - activations - kv_total);

  // llama.cpp offloads as many whole layers as fit (-ngl) and runs the rest on
  // the host CPU; the token embedding always stays in host memory.
  const bool offloadable = !one_fits && inputs.layout.devices == 1 && arch.num_layers > 0 &&
                           inputs.candidate.hardware.kind == DeviceKind::gpu && inputs.engine != nullptr &&
                           inputs.engine->ggml.partial_offload;
  if (offloadable) {
    plan_offload(inputs, weights + kv_total, usable - overhead, overhead, plan, assumptions);
    if (plan.gpu_layers) {
      // Each layer carries its share of every planned sequence's KV cache, on the device or in host memory
      // (llama.cpp -np slots), so the offload runs all of them at once.
      plan.max_concurrency = planned;
    }
  }
  return plan;
}

} // namespace llmhw::estimate::detail
