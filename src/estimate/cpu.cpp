// Peak arithmetic of a CPU, which no datasheet states: cores × all-core clock ×
// operations per core per cycle of its widest unit.
//
// Operations per cycle per core (FMA counts two):
//   AVX-512 with two 512-bit FMA ports (Intel server cores): 16 fp32 lanes × 2 ports × 2 = 64
//   AVX2/FMA, or AVX-512 on Zen 4 (two 256-bit halves):       8 lanes × 2 × 2 = 32
//   Arm SVE/NEON on Neoverse V1/V2 (four 128-bit pipes):       4 × 4 × 2 = 32
//   Arm NEON on Cortex-A76 and other small cores (two 128-bit pipes): 4 × 2 × 2 = 16
//   int8 dot products (AVX-512 VNNI, AVX-VNNI, Arm dotprod): four MACs per 32-bit lane = 4× fp32
//   AMX (Intel Sapphire Rapids and later): 1024 bf16 FLOP and 2048 int8 OP per cycle per core
//     (Intel 64 and IA-32 Optimization Reference Manual, ch. 20 "Intel AMX")
// The clock is the base clock: all-core AVX-512/AMX loads run near it.

#include "detail.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::estimate::detail {
namespace {

bool has(const catalog::CpuSpec& cpu, const std::string& feature)
{
  return std::find(cpu.isa.begin(), cpu.isa.end(), feature) != cpu.isa.end();
}

double fp32_per_cycle(const catalog::HardwareSpec& hardware, const catalog::CpuSpec& cpu)
{
  const bool arm = has(cpu, "neon") || has(cpu, "sve") || has(cpu, "sve2") || has(cpu, "asimd");
  if (arm) {
    const bool big_core = has(cpu, "sve") || has(cpu, "sve2");
    return big_core ? 32 : 16;
  }
  if (has(cpu, "avx512f") && hardware.vendor == "Intel") {
    return 64;
  }
  if (has(cpu, "avx512f") && hardware.architecture.rfind("zen5", 0) == 0) {
    return 64; // Zen 5 server parts have full-width 512-bit datapaths
  }
  if (has(cpu, "avx2") || has(cpu, "fma") || has(cpu, "avx512f")) {
    return 32;
  }
  return 8; // SSE-class: 4 lanes × 2
}

} // namespace

std::optional<double> cpu_peak_flops(const catalog::HardwareSpec& hardware, const std::string& precision)
{
  if (!hardware.cpu || hardware.cpu->cores == 0) {
    return std::nullopt;
  }
  const catalog::CpuSpec& cpu = *hardware.cpu;
  const std::optional<double> clock_ghz = cpu.base_clock_ghz ? cpu.base_clock_ghz : cpu.boost_clock_ghz;
  if (!clock_ghz || *clock_ghz <= 0) {
    return std::nullopt;
  }
  const double fp32 = fp32_per_cycle(hardware, cpu);
  double per_cycle = fp32;
  const bool dot_products =
      has(cpu, "avx512_vnni") || has(cpu, "avx_vnni") || has(cpu, "asimddp") || has(cpu, "dotprod") || has(cpu, "i8mm");
  if (precision == "int8" || precision == "int4" || precision == "fp4") {
    per_cycle = has(cpu, "amx_int8") ? 2048 : (dot_products ? 4 * fp32 : 2 * fp32);
  } else if (precision == "bf16" || precision == "fp16" || precision == "fp8") {
    per_cycle = has(cpu, "amx_bf16") ? 1024 : (has(cpu, "avx512_bf16") || has(cpu, "bf16") ? 2 * fp32 : fp32);
  }
  return cpu.cores * *clock_ghz * 1e9 * per_cycle;
}

double device_peak_flops(const catalog::HardwareSpec& hardware, const std::string& precision, std::string& used)
{
  if (hardware.kind == catalog::DeviceKind::cpu) {
    used = precision;
    if (const std::optional<double> derived = cpu_peak_flops(hardware, precision)) {
      return *derived;
    }
    // No clock to derive from: the probe's own estimate, where it made one.
    const std::optional<double> probed = hardware.peak_tflops.get(precision);
    return probed && *probed > 0 ? *probed * 1e12 : 0.0;
  }
  // Integer GGUF matmuls fall back to fp16 tensor cores where int8 is not listed (Apple, TPU int4);
  // fp8/fp4 weights are upcast to bf16 on devices without those units (vLLM's Marlin kernels).
  for (const std::string& candidate : {precision, std::string("bf16"), std::string("fp16"), std::string("fp32")}) {
    if (const std::optional<double> tflops = hardware.peak_tflops.get(candidate); tflops && *tflops > 0) {
      used = candidate;
      return *tflops * 1e12;
    }
  }
  used.clear();
  return 0;
}

// One core streams at most (outstanding cache-line misses × 64 B) / DRAM
// latency (Little's law; McCalpin, "Memory Bandwidth and Machine Balance",
// IEEE TCCA Newsletter 1995): 48 L2 misses in flight (Intel Golden Cove's L2
// superqueue; Zen 4's L2 miss buffers are similar) × 64 B / ~100 ns ≈ 30 GB/s.
// A socket's channels only fill when enough cores read at once, which a small
// VM or a cgroup-limited container never has.
constexpr double k_bandwidth_per_core_bytes_s = 48 * 64 / 100e-9;

double reachable_bandwidth(const catalog::HardwareSpec& hardware, std::vector<std::string>& assumptions)
{
  const double bandwidth = hardware.memory_bandwidth_bytes_s;
  if (hardware.kind != catalog::DeviceKind::cpu || !hardware.cpu || hardware.cpu->cores == 0) {
    return bandwidth;
  }
  const double per_cores = hardware.cpu->cores * k_bandwidth_per_core_bytes_s;
  if (per_cores >= bandwidth) {
    return bandwidth;
  }
  assumptions.push_back(
      fmt::format("{} cores draw at most {:.0f} GB/s of the memory's {:.0f} GB/s (~{:.0f} GB/s per core)",
                  hardware.cpu->cores, per_cores / 1e9, bandwidth / 1e9, k_bandwidth_per_core_bytes_s / 1e9));
  return per_cores;
}

} // namespace llmhw::estimate::detail
