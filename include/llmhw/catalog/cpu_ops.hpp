#pragma once
// Operations per cycle per core of a CPU's widest units, which no datasheet
// states: the probe and the estimator derive a CPU's peak from it the same way.

#include <string>
#include <vector>

namespace llmhw::catalog {

/// Per core per cycle, an FMA counting two operations.
struct CpuOpsPerCycle {
  double fp32 = 0;
  double bf16 = 0; ///< also fp16/fp8 work, which runs at bf16 rate or, without bf16 units, at fp32 rate
  double int8 = 0; ///< also int4/fp4 weights, unpacked to int8 for the dot products
  /// The vector units alone, without AMX tiles: what kernels that do not use AMX (llama.cpp's F16, K-quant and
  /// repacked Q4_0 kernels) can reach on a CPU that has it.
  double bf16_vector = 0;
  double int8_vector = 0;
};

/// From the ISA flags as /proc/cpuinfo spells them. `full_width_avx512`: the
/// core has two 512-bit FMA ports (Intel server cores, AMD Zen 5) rather than
/// AVX-512 split over 256-bit halves (Zen 4).
CpuOpsPerCycle cpu_ops_per_cycle(const std::vector<std::string>& isa, bool full_width_avx512);

} // namespace llmhw::catalog
