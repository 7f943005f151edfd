// Peak arithmetic of a CPU, which no datasheet states: cores × all-core clock ×
// operations per core per cycle of its widest unit (catalog/cpu_ops.cpp). The
// clock is the base clock: all-core AVX-512/AMX loads run near it.

#include "detail.hpp"

#include "llmhw/catalog/cpu_ops.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::estimate::detail {

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
  const bool full_width_avx512 = hardware.vendor == "Intel" || hardware.architecture.rfind("zen5", 0) == 0;
  const catalog::CpuOpsPerCycle ops = catalog::cpu_ops_per_cycle(cpu.isa, full_width_avx512);
  double per_cycle = ops.fp32;
  if (precision == "int8" || precision == "int4" || precision == "fp4") {
    per_cycle = ops.int8;
  } else if (precision == "bf16" || precision == "fp16" || precision == "fp8") {
    per_cycle = ops.bf16;
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
// VM or a cgroup-limited container never has. Measured: a STREAM triad over a
// 2-vCPU Zen 5 VM drew ~60 GB/s (issue 13), 2 × 30.7 = 61 here. A figure
// measured on the machine (probe --measure) needs no such bound.
constexpr double k_bandwidth_per_core_bytes_s = 48 * 64 / 100e-9;

double reachable_bandwidth(const catalog::HardwareSpec& hardware, std::vector<std::string>& assumptions)
{
  const double bandwidth = hardware.memory_bandwidth_bytes_s;
  if (hardware.kind != catalog::DeviceKind::cpu || !hardware.cpu || hardware.cpu->cores == 0) {
    return bandwidth;
  }
  if (hardware.memory_bandwidth_measured) {
    // A triad over the CPUs the process may use: what they draw, no model needed.
    assumptions.push_back(fmt::format("memory bandwidth {:.1f} GB/s, {} on this machine",
                                      bandwidth / 1e9, *hardware.memory_bandwidth_measured));
    return bandwidth;
  }
  const double per_cores = hardware.cpu->cores * k_bandwidth_per_core_bytes_s;
  if (per_cores >= bandwidth) {
    return bandwidth;
  }
  assumptions.push_back(
      fmt::format("{} draw at most {:.0f} GB/s of the memory's {:.0f} GB/s (~{:.0f} GB/s per core)",
                  util::count_of(hardware.cpu->cores, "core"), per_cores / 1e9, bandwidth / 1e9, k_bandwidth_per_core_bytes_s / 1e9));
  return per_cores;
}

} // namespace llmhw::estimate::detail
