#pragma once
// Achievable-efficiency factors: what share of a device's datasheet bandwidth
// and compute an engine reaches, per engine × device class × weight format.
// Fitted on published measurements (bench/data/measurements.csv) and kept in
// data/calibration.json, each with its derivation; docs/accuracy.md reports
// how well they predict.

#include "llmhw/catalog/hardware.hpp"
#include "llmhw/estimate/estimate.hpp"
#include "llmhw/util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace llmhw::estimate {

/// Classes of device whose engines behave alike.
enum class DeviceClass { datacenter_gpu, workstation_gpu, consumer_gpu, amd_gpu, apple, cpu, tpu, accelerator };

std::string to_string(DeviceClass device_class);

/// The class of a device, from its vendor, kind and name.
DeviceClass classify(const catalog::HardwareSpec& hardware);

/// One fitted row. "*" in a key matches anything.
struct EfficiencyFactors {
  std::string engine = "*";       ///< engines.json id
  std::string device_class = "*"; ///< to_string(DeviceClass), or class/architecture ("datacenter-gpu/hopper")
  std::string quant = "*";        ///< a quants.json id, or a quant family ("float", "gguf", "int", "microscaling")
  double decode_bandwidth = 0.75; ///< share of datasheet memory bandwidth a decode step streams at
  double prefill_compute = 0.5;   ///< share of dense peak TFLOPS prefill reaches
  double step_overhead_us_per_layer = 0; ///< fixed time per layer per decode step (kernel launches, sync)
  std::string source;                    ///< how it was derived
};

/// Which unit of a CPU an engine's kernels for a weight format run on (llama.cpp: F16 through F16C into fp32
/// FMAs, K-quants through int8 dot products, Q4_0/Q8_0 on AMX tiles where the build has them), and what the
/// engine keeps beside the mapped file. The share of that unit's peak reached is the calibration row's.
struct CpuKernel {
  std::string engine;              ///< engines.json id
  std::string op = "matmul";       ///< "matmul" (the weights' GEMMs) or "attention" (QKᵀ and AV over the KV cache)
  std::vector<std::string> quants; ///< quants.json ids; empty: any
  std::vector<std::string> isa;    ///< /proc/cpuinfo flags, any one of which selects it; empty: any CPU
  std::string unit;                ///< fp32, bf16_vector, int8_vector, amx_bf16, amx_int8
  /// The share of the unit's peak the kernel can reach before the calibration row's share: attention's whole
  /// rate; for matmuls below 1 where a kernel uses only part of a unit (llama.cpp's first AMX kernels).
  double share = 1.0;
  /// Bytes of the repacked buffer the engine fills at load (llama.cpp's CPU_REPACK and AMX buffers), held
  /// beside the mapped file, per byte of the transformer layers' weights (over 1 where the layout is larger).
  double repacked_share = 0;
  std::string source;
};

struct Calibration {
  std::vector<EfficiencyFactors> factors;
  std::vector<CpuKernel> cpu_kernels;

  /// The first kernel row (in file order, most specific first) for the engine, op and weight format whose ISA
  /// flags the CPU has; null when none matches.
  [[nodiscard]] const CpuKernel* find_cpu_kernel(const std::string& engine, const std::string& op,
                                                 const std::string& quant,
                                                 const std::vector<std::string>& isa) const;

  /// The most specific row for the engine, device and quant: engine beats
  /// device beats quant; for the device class/architecture ("datacenter-gpu/hopper")
  /// beats the class alone, for the quant its id beats its family; an exact
  /// name beats "*".
  [[nodiscard]] EfficiencyFactors find(const std::string& engine, DeviceClass device_class,
                                       const std::string& architecture, const std::string& quant,
                                       const std::string& quant_family) const;
};

/// Parses a calibration document ({"factors": [...]}); errors name the input and field.
Result<Calibration> parse_calibration(const nlohmann::json& document, const std::string& input);

/// The calibration built into the binary (data/calibration.json).
const Calibration& builtin_calibration();

/// estimate::run with another calibration (the accuracy tool fits and evaluates factors with it).
Estimate run_calibrated(Candidate candidate, const model::ModelSpec& model, const workload::Workload& workload,
                        const catalog::Catalog& catalog, const Calibration& calibration,
                        Speeds speeds = Speeds::simulated);

} // namespace llmhw::estimate
