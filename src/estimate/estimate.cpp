// estimate::run: resolves a candidate's inputs (quant formats, engine,
// calibration, layout, peak compute), then plans memory and speed.

#include "detail.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace llmhw::estimate {
namespace {

const catalog::QuantFormat& find_quant(const catalog::Catalog& catalog, const std::string& id,
                                       const std::string& fallback, std::vector<std::string>& assumptions)
{
  static const std::string bf16 = "bf16";
  for (const std::string* name : {&id, &fallback, &bf16}) {
    if (const catalog::QuantFormat* quant = catalog.find_quant(*name); quant != nullptr && !name->empty()) {
      if (*name != id) {
        assumptions.push_back(fmt::format("precision '{}' unknown; estimated as {}", id, quant->id));
      }
      return *quant;
    }
  }
  static const catalog::QuantFormat sixteen_bit; // the catalog always holds bf16: only an empty catalog gets here
  return sixteen_bit;
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
  std::vector<std::string>& assumptions = estimate.assumptions;

  const catalog::QuantFormat& quant = find_quant(catalog, candidate.quant, model.native_quant, assumptions);
  const catalog::QuantFormat& kv_quant = find_quant(catalog, candidate.kv_quant, "bf16", assumptions);
  const catalog::EngineSpec* engine = catalog.find_engine(candidate.engine);

  detail::Inputs inputs{candidate, model, workload, quant, kv_quant, engine, {}, {}, {}, 0, {}, {}, {}, 0, {}};
  if (engine != nullptr && model.arch.sliding_window && !catalog::honours_sliding_window(*engine, model.arch.family)) {
    inputs.full_context_arch = model.arch;
    inputs.full_context_arch->sliding_window.reset();
    inputs.full_context_arch->sliding_layers.clear();
    assumptions.push_back(fmt::format("{} caches the full context: it does not implement the {}-token sliding "
                                      "window for the '{}' architecture",
                                      engine->name, *model.arch.sliding_window, model.arch.family));
  }
  inputs.device_class = classify(candidate.hardware);
  // Ollama runs llama.cpp's ggml kernels, so it shares llama.cpp's factors.
  const std::string calibrated_engine = candidate.engine == "ollama" ? "llama.cpp" : candidate.engine;
  inputs.efficiency =
      calibration.find(calibrated_engine, inputs.device_class, candidate.hardware.architecture, quant.id, quant.family);
  inputs.layout = detail::plan_layout(candidate, engine);
  // llama.cpp's CUDA, ROCm and Metal backends dequantize GGUF blocks to fp16
  // and multiply with cuBLAS/MPS once a batch exceeds 32 tokens
  // (ggml-cuda.cu ggml_cuda_mul_mat, builds of 2024), so prefill runs at the
  // fp16 tensor rate, not the int8 one the format's dot products would allow.
  const bool dequantizes = engine && (engine->id == "llama.cpp" || engine->id == "ollama") && quant.family == "gguf" &&
                           candidate.hardware.kind != catalog::DeviceKind::cpu;
  inputs.peak_flops = detail::device_peak_flops(candidate.hardware, dequantizes ? "fp16" : quant.compute_precision,
                                                inputs.peak_precision);

  // llama.cpp's host for a partial offload: the system's CPU when the catalog names one.
  if (candidate.system && candidate.system->host_cpu) {
    if (const catalog::HardwareSpec* host = catalog.find_hardware(*candidate.system->host_cpu); host != nullptr) {
      inputs.host = *host;
    }
  }
  inputs.host_efficiency =
      calibration.find(calibrated_engine, DeviceClass::cpu, inputs.host ? inputs.host->architecture : std::string(),
                       quant.id, quant.family);

  assumptions.push_back(fmt::format("{} efficiency for {} on a {} ({}): {:.0f}% of memory bandwidth in decode, "
                                    "{:.0f}% of peak {} compute in prefill",
                                    inputs.efficiency.engine == "*" ? "default" : "calibrated", candidate.engine,
                                    to_string(inputs.device_class), quant.id, inputs.efficiency.decode_bandwidth * 100,
                                    inputs.efficiency.prefill_compute * 100,
                                    inputs.peak_precision.empty() ? quant.compute_precision : inputs.peak_precision));
  const detail::Layout& layout = inputs.layout;
  if (layout.layer_split) {
    assumptions.push_back(fmt::format("{} splits whole layers over the {} devices (--split-mode layer)",
                                      candidate.engine, layout.devices));
  } else if (layout.tensor_parallel > 1) {
    assumptions.push_back(fmt::format("tensor parallel over {} devices, all-reduce over {} at {:.0f} GB/s",
                                      layout.tensor_parallel, layout.link_kind, layout.link_bandwidth_bytes_s / 1e9));
  }
  if (layout.pipeline_stages > 1 && !layout.layer_split) {
    assumptions.push_back(fmt::format("pipeline parallel over {} nodes ({} multi-node: {})", layout.pipeline_stages,
                                      candidate.engine,
                                      engine && engine->multi_node ? *engine->multi_node : "unknown"));
  }

  estimate.memory = detail::plan_memory(inputs, assumptions);
  const bool max_concurrency = workload.max_concurrency || workload.concurrency == 0;
  estimate.concurrency = max_concurrency ? std::max<std::uint64_t>(1, estimate.memory.max_concurrency)
                                         : std::max<std::uint64_t>(1, workload.concurrency);
  if (max_concurrency) {
    assumptions.push_back(
        fmt::format("--concurrency max: {} sequences of {} tokens fit", estimate.concurrency, workload.context));
  }
  // Speeds are for the batch that actually runs: no more sequences than the KV cache holds; the others wait.
  const std::uint64_t running = std::min(estimate.concurrency, std::max<std::uint64_t>(1, estimate.memory.max_concurrency));
  estimate.performance = detail::plan_speed(inputs, estimate.memory, running, assumptions);
  if (speeds == Speeds::simulated) {
    detail::simulate_serving(inputs, estimate.memory, estimate.concurrency, estimate.performance, assumptions);
  } else {
    detail::bound_serving(inputs, estimate.memory, estimate.concurrency, estimate.performance);
  }
  for (const std::string& figure : candidate.unknown_figures) {
    assumptions.push_back(fmt::format("{} unknown for this device", figure));
  }
  return estimate;
}

} // namespace llmhw::estimate
