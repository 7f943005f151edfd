// Peak arithmetic of a CPU, which no datasheet states: cores × clock ×
// operations per core per cycle of a unit (catalog/cpu_ops.cpp): the widest for
// a precision, or the one an engine's kernels use (data/calibration.json
// cpu_kernels).

#include "detail.hpp"

#include "llmhw/catalog/cpu_ops.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::estimate::detail {

namespace {

constexpr double k_turbo_over_nominal = 1.5;

bool has_flag(const std::vector<std::string>& isa, const char* flag)
{
  return std::find(isa.begin(), isa.end(), flag) != isa.end();
}

/// Two 512-bit FMA ports per core: Intel's AVX-512 server cores and AMD's Zen 5, not Zen 4, which splits
/// AVX-512 over 256-bit halves. A probed VM often has no architecture name; Zen 5 is the first AMD core with
/// AVX-VNNI (VEX-encoded; AMD "Zen 5" ISA additions), so its flags tell it from Zen 4.
bool full_width_avx512(const catalog::HardwareSpec& hardware)
{
  const std::string vendor = util::to_lower(hardware.vendor);
  const bool amd = vendor.find("amd") != std::string::npos;
  if (!amd) {
    return true;
  }
  return hardware.architecture.rfind("zen5", 0) == 0 || has_flag(hardware.cpu->isa, "avx_vnni");
}

double ops_per_cycle(const catalog::CpuOpsPerCycle& ops, const std::string& unit)
{
  if (unit == "int8" || unit == "int4" || unit == "fp4" || unit == "amx_int8") {
    return ops.int8;
  }
  if (unit == "bf16" || unit == "fp16" || unit == "fp8" || unit == "amx_bf16") {
    return ops.bf16;
  }
  if (unit == "int8_vector") {
    return ops.int8_vector;
  }
  if (unit == "bf16_vector") {
    return ops.bf16_vector;
  }
  return ops.fp32;
}

} // namespace

std::optional<double> cpu_peak_flops(const catalog::HardwareSpec& hardware, const std::string& unit)
{
  if (!hardware.cpu || hardware.cpu->cores == 0) {
    return std::nullopt;
  }
  const catalog::CpuSpec& cpu = *hardware.cpu;
  // The highest clock the part runs at: a few busy cores of a large part, or of a VM, hold their turbo clock,
  // and the calibrated share of peak takes up what an all-core load loses (F16 prefill on a 2-vCPU Zen 5 VM
  // reached 296 GFLOP/s, more than its 2.1 GHz nominal clock allows at 64 FLOP per cycle per core).
  std::optional<double> clock_ghz = cpu.boost_clock_ghz;
  if (!clock_ghz && cpu.base_clock_ghz) {
    // Only the nominal clock is known (a VM's /proc/cpuinfo): server and desktop parts turbo to a median 1.5
    // times it (EPYC 9654 2.4/3.7 GHz, EPYC 9755 2.7/4.1, Xeon 8480+ 2.0/3.8, Ryzen 9 7950X 4.5/5.7).
    clock_ghz = *cpu.base_clock_ghz * k_turbo_over_nominal;
  }
  if (!clock_ghz || *clock_ghz <= 0) {
    return std::nullopt;
  }
  const catalog::CpuOpsPerCycle ops = catalog::cpu_ops_per_cycle(cpu.isa, full_width_avx512(hardware));
  return cpu.cores * *clock_ghz * 1e9 * ops_per_cycle(ops, unit);
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

double reachable_bandwidth(const catalog::HardwareSpec& hardware, Assumptions& assumptions)
{
  const double bandwidth = hardware.memory_bandwidth_bytes_s;
  if (hardware.kind != catalog::DeviceKind::cpu || !hardware.cpu || hardware.cpu->cores == 0) {
    return bandwidth;
  }
  if (hardware.memory_bandwidth_measured) {
    // A triad over the CPUs the process may use: what they draw, no model needed.
    assumptions.add([&] {
      return fmt::format("memory bandwidth {:.1f} GB/s, {} on this machine", bandwidth / 1e9,
                         *hardware.memory_bandwidth_measured);
    });
    return bandwidth;
  }
  const double per_cores = hardware.cpu->cores * k_bandwidth_per_core_bytes_s;
  if (per_cores >= bandwidth) {
    return bandwidth;
  }
  assumptions.add([&] {
    return fmt::format("{} draw at most {:.0f} GB/s of the memory's {:.0f} GB/s (~{:.0f} GB/s per core)",
                       util::count_of(hardware.cpu->cores, "core"), per_cores / 1e9, bandwidth / 1e9,
                       k_bandwidth_per_core_bytes_s / 1e9);
  });
  return per_cores;
}

} // namespace llmhw::estimate::detail
