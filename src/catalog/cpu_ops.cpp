// Operations per cycle per core (FMA counts two):
//   AVX-512 with two 512-bit FMA ports (Intel server cores, Zen 5): 16 fp32 lanes × 2 ports × 2 = 64
//   AVX2/FMA, or AVX-512 on Zen 4 (two 256-bit halves):              8 lanes × 2 × 2 = 32
//   Arm SVE/NEON on Neoverse V1/V2 (four 128-bit pipes):              4 × 4 × 2 = 32
//   Arm NEON on Neoverse N1, Cortex-A76 and other small cores (two 128-bit pipes): 4 × 2 × 2 = 16
//   bf16 dot products (AVX-512 BF16 VDPBF16PS, Arm BFDOT): two products per 32-bit lane = 2× fp32
//   int8 dot products (AVX-512 VNNI, AVX-VNNI VPDPBUSD, Arm SDOT/I8MM): four per 32-bit lane = 4× fp32;
//     without them (VPMADDUBSW) 2× fp32
//   AMX (Intel Sapphire Rapids and later): 1024 bf16 FLOP and 2048 int8 OP per cycle per core
//     (Intel 64 and IA-32 Architectures Optimization Reference Manual, ch. 20 "Intel AMX")
#include "llmhw/catalog/cpu_ops.hpp"

#include <algorithm>
#include <initializer_list>

namespace llmhw::catalog {
namespace {

bool has_any(const std::vector<std::string>& isa, std::initializer_list<const char*> names)
{
  return std::any_of(names.begin(), names.end(),
                     [&](const char* name) { return std::find(isa.begin(), isa.end(), name) != isa.end(); });
}

double fp32_per_cycle(const std::vector<std::string>& isa, bool full_width_avx512)
{
  if (has_any(isa, {"neon", "asimd", "sve", "sve2"})) {
    return has_any(isa, {"sve", "sve2"}) ? 32 : 16;
  }
  if (has_any(isa, {"avx512f"})) {
    return full_width_avx512 ? 64 : 32;
  }
  if (has_any(isa, {"avx2", "fma"})) {
    return 32;
  }
  return 8; // SSE-class: 4 lanes × 2
}

} // namespace

CpuOpsPerCycle cpu_ops_per_cycle(const std::vector<std::string>& isa, bool full_width_avx512)
{
  CpuOpsPerCycle ops;
  ops.fp32 = fp32_per_cycle(isa, full_width_avx512);
  ops.bf16_vector = ops.fp32; // without bf16 units the work runs at fp32 rate after conversion
  if (has_any(isa, {"avx512_bf16", "bf16"})) {
    ops.bf16_vector = 2 * ops.fp32;
  }
  ops.int8_vector = 2 * ops.fp32;
  if (has_any(isa, {"avx512_vnni", "avx_vnni", "asimddp", "dotprod", "i8mm"})) {
    ops.int8_vector = 4 * ops.fp32;
  }
  ops.bf16 = has_any(isa, {"amx_bf16"}) ? 1024 : ops.bf16_vector;
  ops.int8 = has_any(isa, {"amx_int8"}) ? 2048 : ops.int8_vector;
  return ops;
}

} // namespace llmhw::catalog
