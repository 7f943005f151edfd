// estimate::run: resolves a candidate's inputs (quant formats, engine,
// calibration, layout, peak compute), then plans memory and speed.

#include "detail.hpp"

#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace llmhw::estimate {
namespace {

const catalog::QuantFormat& find_quant(const catalog::Catalog& catalog, const std::string& id,
                                       const std::string& fallback, detail::Assumptions& assumptions)
{
  static const std::string bf16 = "bf16";
  for (const std::string* name : {&id, &fallback, &bf16}) {
    if (const catalog::QuantFormat* quant = catalog.find_quant(*name); quant != nullptr && !name->empty()) {
      if (*name != id) {
        assumptions.add([&] { return fmt::format("precision '{}' unknown; estimated as {}", id, quant->id); });
      }
      return *quant;
    }
  }
  static const catalog::QuantFormat sixteen_bit; // the catalog always holds bf16: only an empty catalog gets here
  return sixteen_bit;
}

/// A GGUF KV cache type (q8_0, q4_0): Ollama runs those only with flash attention.
bool quant_is_quantized_kv(const catalog::QuantFormat& kv_quant)
{
  return kv_quant.family == "gguf";
}

/// The CPU units an engine's kernels for this weight format run on (data/calibration.json cpu_kernels):
/// llama.cpp's F16 matmuls run in fp32 FMAs, its K-quants in int8 dot products, Q4_0/Q8_0 on AMX tiles.
void apply_cpu_kernels(const Calibration& calibration, const std::string& engine, detail::Inputs& inputs,
                       detail::Assumptions& assumptions)
{
  const catalog::HardwareSpec& hardware = inputs.candidate.hardware;
  const std::vector<std::string> no_flags;
  const std::vector<std::string>& isa = hardware.cpu ? hardware.cpu->isa : no_flags;
  if (const CpuKernel* matmul = calibration.find_cpu_kernel(engine, "matmul", inputs.quant.id, isa)) {
    if (const std::optional<double> peak = detail::cpu_peak_flops(hardware, matmul->unit)) {
      inputs.peak_flops = *peak * matmul->share;
      inputs.peak_precision = matmul->unit;
    }
    inputs.repacked_share = matmul->repacked_share;
  }
  if (const CpuKernel* attention = calibration.find_cpu_kernel(engine, "attention", inputs.kv_quant.id, isa)) {
    if (const std::optional<double> peak = detail::cpu_peak_flops(hardware, attention->unit)) {
      inputs.attention_peak_flops = *peak * attention->share;
    }
  }
  if (hardware.cpu && hardware.cpu->cores > 0) {
    assumptions.add([&] {
      return fmt::format("{} runs one thread per usable core ({})", engine,
                         util::count_of(hardware.cpu->cores, "thread"));
    });
  }
}

} // namespace

Estimate run(Candidate candidate, const model::ModelSpec& model, const workload::Workload& workload,
             const catalog::Catalog& catalog, Speeds speeds)
{
  return run_calibrated(std::move(candidate), model, workload, catalog, builtin_calibration(), speeds);
}

Estimate run_calibrated(Candidate from, const model::ModelSpec& model, const workload::Workload& workload,
                        const catalog::Catalog& catalog, const Calibration& calibration, Speeds speeds)
{
  Estimate estimate;
  estimate.candidate = std::move(from);
  const Candidate& candidate = estimate.candidate;
  detail::Assumptions assumptions(estimate.assumptions, speeds == Speeds::simulated);

  const catalog::EngineSpec* engine = catalog.find_engine(candidate.engine);
  // The engine's own format where it has one (MLX's int4 is its 4.5-bit affine quantization).
  const catalog::QuantFormat& quant =
      find_quant(catalog, catalog::format_for(engine, candidate.quant), model.native_quant, assumptions);
  const catalog::QuantFormat& kv_quant = find_quant(catalog, candidate.kv_quant, "bf16", assumptions);

  detail::Inputs inputs{candidate, model, workload, quant, kv_quant, engine, {}, {},    {}, 0,
                        {},        {},    {},       0,     {},       0,      0,  false, 0,  0};
  inputs.moe_layers = model.arch.moe_layer_count();
  inputs.sliding_layers = model.arch.sliding_layer_count();
  if (engine != nullptr && model.arch.sliding_window && !catalog::honours_sliding_window(*engine, model.arch.family)) {
    inputs.full_context_arch = model.arch;
    inputs.full_context_arch->sliding_window.reset();
    inputs.full_context_arch->sliding_layers.clear();
    assumptions.add([&] {
      return fmt::format("{} caches the full context: it does not implement the {}-token sliding "
                         "window for the '{}' architecture",
                         engine->name, *model.arch.sliding_window, model.arch.family);
    });
  }
  inputs.device_class = classify(candidate.hardware);
  // An engine that runs another's kernels shares its factors (Ollama: llama.cpp's, engines.json calibrated_as).
  const std::string calibrated_engine =
      engine != nullptr && !engine->calibrated_as.empty() ? engine->calibrated_as : candidate.engine;
  inputs.efficiency =
      calibration.find(calibrated_engine, inputs.device_class, candidate.hardware.architecture, quant.id, quant.family);
  inputs.layout = detail::plan_layout(candidate, engine);
  // llama.cpp's CUDA, ROCm and Metal backends dequantize GGUF blocks to fp16
  // and multiply with cuBLAS/MPS once a batch exceeds 32 tokens
  // (ggml-cuda.cu ggml_cuda_mul_mat, builds of 2024), so prefill runs at the
  // fp16 tensor rate, not the int8 one the format's dot products would allow.
  const bool dequantizes = engine && engine->ggml.gguf_prefill_precision && quant.family == "gguf" &&
                           candidate.hardware.kind != catalog::DeviceKind::cpu;
  inputs.peak_flops = detail::device_peak_flops(
      candidate.hardware, dequantizes ? *engine->ggml.gguf_prefill_precision : quant.compute_precision,
      inputs.peak_precision);
  if (candidate.hardware.kind == catalog::DeviceKind::cpu) {
    apply_cpu_kernels(calibration, calibrated_engine, inputs, assumptions);
  }
  // Where flash attention is a switch, a run without it writes every layer's P × P scores; a quantized KV
  // cache needs it, so Ollama turns it on for one (OLLAMA_FLASH_ATTENTION=1 in its command).
  if (engine != nullptr && engine->flash_attention) {
    inputs.materializes_scores =
        !candidate.flash_attention.value_or(*engine->flash_attention || quant_is_quantized_kv(kv_quant));
  }

  // llama.cpp's host for a partial offload: the system's CPU when the catalog names one.
  if (candidate.system && candidate.system->host_cpu) {
    if (const catalog::HardwareSpec* host = catalog.find_hardware(*candidate.system->host_cpu); host != nullptr) {
      inputs.host = *host;
    }
  }
  inputs.host_efficiency =
      calibration.find(calibrated_engine, DeviceClass::cpu, inputs.host ? inputs.host->architecture : std::string(),
                       quant.id, quant.family);

  assumptions.add([&] {
    return fmt::format("{} efficiency for {} on a {} ({}): {:.0f}% of memory bandwidth in decode, "
                       "{:.0f}% of peak {} compute in prefill",
                       inputs.efficiency.engine == "*" ? "default" : "calibrated", candidate.engine,
                       to_string(inputs.device_class), quant.id, inputs.efficiency.decode_bandwidth * 100,
                       inputs.efficiency.prefill_compute * 100,
                       inputs.peak_precision.empty() ? quant.compute_precision : inputs.peak_precision);
  });
  const detail::Layout& layout = inputs.layout;
  if (layout.layer_split) {
    assumptions.add([&] {
      return fmt::format("{} splits whole layers over the {} devices (--split-mode layer)", candidate.engine,
                         layout.devices);
    });
  } else if (layout.tensor_parallel > 1) {
    assumptions.add([&] {
      return fmt::format("tensor parallel over {} devices, all-reduce over {} at {:.0f} GB/s", layout.tensor_parallel,
                         layout.link_kind, layout.link_bandwidth_bytes_s / 1e9);
    });
  }
  if (layout.pipeline_stages > 1 && !layout.layer_split) {
    assumptions.add([&] {
      return fmt::format("pipeline parallel over {} nodes ({} multi-node: {})", layout.pipeline_stages,
                         candidate.engine, engine && engine->multi_node ? *engine->multi_node : "unknown");
    });
  }
  if (layout.nodes > 1) {
    assumptions.add([&] {
      return fmt::format("activations cross the hosts over {} at {:.0f} Gb/s per host{}", layout.network_kind,
                         layout.network_bandwidth_bytes_s * 8 / 1e9,
                         layout.network_assumed ? " (assumed: the network between hosts is not known)" : "");
    });
  }

  if (inputs.peak_flops <= 0) {
    // No peak for the precision (nor a wider one): say so where the rules and the JSON look for gaps.
    const std::string figure = "peak_tflops." + quant.compute_precision;
    std::vector<std::string>& unknown = estimate.candidate.unknown_figures;
    if (std::find(unknown.begin(), unknown.end(), figure) == unknown.end() &&
        std::find(unknown.begin(), unknown.end(), "peak_tflops.bf16") == unknown.end()) {
      unknown.push_back(figure);
    }
  }
  estimate.memory = detail::plan_memory(inputs, assumptions);
  const bool max_concurrency = workload.max_concurrency || workload.concurrency == 0;
  estimate.concurrency = max_concurrency ? std::max<std::uint64_t>(1, estimate.memory.max_concurrency)
                                         : std::max<std::uint64_t>(1, workload.concurrency);
  if (max_concurrency) {
    assumptions.add([&] {
      return fmt::format("--concurrency max: {} sequences of {} tokens fit", estimate.concurrency, workload.context);
    });
  }
  // Speeds are for the batch that actually runs: no more sequences than the KV cache holds; the others wait.
  const std::uint64_t running =
      std::min(estimate.concurrency, std::max<std::uint64_t>(1, estimate.memory.max_concurrency));
  estimate.performance = detail::plan_speed(inputs, estimate.memory, running, assumptions);
  if (inputs.peak_flops <= 0) {
    // No peak for the precision: no prefill cost, so nothing under load to simulate (plan_speed left the
    // prefill-dependent figures out).
  } else if (estimate.memory.max_concurrency == 0) {
    // Not even one sequence fits: no load to simulate; the figures are one sequence's, as if it fitted.
    assumptions.add([&] { return "no sequence fits: speeds are one sequence's alone, not simulated under load"; });
  } else if (speeds == Speeds::simulated) {
    detail::simulate_serving(inputs, estimate.memory, estimate.concurrency, estimate.performance, assumptions);
  } else {
    detail::bound_serving(inputs, estimate.memory, estimate.concurrency, estimate.performance);
  }
  for (const std::string& figure : candidate.unknown_figures) {
    assumptions.add([&] { return fmt::format("{} unknown for this device", figure); });
  }
  return estimate;
}

} // namespace llmhw::estimate
