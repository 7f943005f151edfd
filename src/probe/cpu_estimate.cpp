// The CPU's memory bandwidth and peak FLOPs: from the catalog entry when the
// model is known, otherwise estimated from cores, clock and ISA and marked so.
#include "backends.hpp"
#include "plausible.hpp"

#include "llmhw/catalog/cpu_ops.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmhw::probe::detail {
namespace {

bool has(const std::vector<std::string>& isa, const char* name)
{
  return std::find(isa.begin(), isa.end(), name) != isa.end();
}

struct ClockChoice {
  double ghz = 0;
  std::string source;
};

/// The catalog's clock, else the first plausible one the machine reports: cpufreq (already
/// checked when read), /proc/cpuinfo's "cpu MHz", x86 BogoMIPS.
std::optional<ClockChoice> choose_clock(const catalog::HardwareSpec* spec, const CpuInfo& info,
                                        std::optional<double> cpufreq_ghz, std::vector<std::string>& warnings)
{
  if (spec != nullptr && spec->cpu) {
    if (spec->cpu->base_clock_ghz) {
      return ClockChoice{*spec->cpu->base_clock_ghz, "catalog"};
    }
    if (spec->cpu->boost_clock_ghz) {
      return ClockChoice{*spec->cpu->boost_clock_ghz, "catalog"};
    }
  }
  if (cpufreq_ghz) {
    return ClockChoice{*cpufreq_ghz, "sysfs"};
  }
  const auto plausible_clock = [&](double ghz, const char* field, double shown) {
    return plausible::within(ghz, plausible::k_min_clock_ghz, plausible::k_max_clock_ghz, "GHz", "the clock",
                             fmt::format("/proc/cpuinfo \"{}\"", field), fmt::format("{:g}", shown), warnings);
  };
  if (info.mhz && plausible_clock(*info.mhz / 1000.0, "cpu MHz", *info.mhz)) {
    return ClockChoice{*info.mhz / 1000.0, "procfs"};
  }
  if (info.x86 && info.bogomips && plausible_clock(*info.bogomips / 2000.0, "bogomips", *info.bogomips)) {
    // x86 BogoMIPS is twice the TSC frequency, the nominal clock (arch/x86/kernel/cpu/proc.c).
    return ClockChoice{*info.bogomips / 2000.0, "procfs"};
  }
  return std::nullopt;
}

} // namespace

void complete_cpu(Device& cpu, const CpuInfo& info, const catalog::HardwareSpec* spec,
                  std::optional<double> cpufreq_ghz, bool virtualized, std::vector<std::string>& warnings)
{
  const double sockets = std::max<double>(1, cpu.sockets);
  if (spec != nullptr && spec->cpu) {
    cpu.catalog_id = spec->id;
    const catalog::CpuSpec& facts = *spec->cpu;
    if (facts.memory_transfer_rate_mts && facts.memory_channels > 0) {
      // channels × transfer rate × 8 bytes (64-bit DDR channel), or the whole interface's width.
      const double bytes_per_transfer =
          facts.memory_bus_width_bits ? *facts.memory_bus_width_bits / 8.0 : facts.memory_channels * 8.0;
      cpu.memory_bandwidth_bytes_s = bytes_per_transfer * *facts.memory_transfer_rate_mts * 1e6 * sockets;
      cpu.field_sources["memory_bandwidth_bytes_s"] = "catalog";
    } else if (spec->memory_bandwidth_bytes_s > 0) {
      cpu.memory_bandwidth_bytes_s = spec->memory_bandwidth_bytes_s * sockets;
      cpu.field_sources["memory_bandwidth_bytes_s"] = "catalog";
    }
    cpu.sources.push_back("catalog");
  }
  if (!cpu.memory_bandwidth_bytes_s) {
    // No catalog entry: assume a typical platform of the CPU's era. Servers (several sockets, or a
    // Xeon, EPYC or Neoverse part) have 8 channels per socket, desktops and laptops 2; DDR5-4800 where
    // the ISA is 2021 or later (AVX-VNNI, AVX-512 BF16, AMX, SVE2), DDR4-3200 before.
    const bool server = cpu.sockets > 1 || cpu.model.find("Xeon") != std::string::npos ||
                        cpu.model.find("EPYC") != std::string::npos || cpu.model.find("Neoverse") != std::string::npos;
    const double channels = server ? 8 : 2;
    const bool ddr5 =
        has(cpu.isa, "avx512_bf16") || has(cpu.isa, "amx_tile") || has(cpu.isa, "sve2") || has(cpu.isa, "avx_vnni");
    const double rate_mts = ddr5 ? 4800 : 3200;
    cpu.memory_bandwidth_bytes_s = channels * rate_mts * 1e6 * 8 * sockets;
    cpu.field_sources["memory_bandwidth_bytes_s"] = "estimated";
    warnings.push_back(
        fmt::format("cpu0: {} is not in the catalog; memory bandwidth estimated as {:.0f} channels of {}-{} per socket "
                    "(run `llm-hw probe --measure` for a measured figure)",
                    cpu.model.empty() ? "the CPU" : cpu.model, channels, ddr5 ? "DDR5" : "DDR4", rate_mts));
  }
  if (virtualized) {
    warnings.push_back("cpu0: virtual machine: bandwidth and FLOPs describe the host's CPU; a VM's share may be "
                       "lower (run `llm-hw probe --measure`)");
  }

  const auto clock = choose_clock(spec, info, cpufreq_ghz, warnings);
  if (!clock || !(clock->ghz > 0)) {
    warnings.push_back("cpu0: clock unknown; peak FLOPs not estimated");
    return;
  }
  cpu.clock_ghz = clock->ghz;
  cpu.field_sources["clock_ghz"] = clock->source;
  double cores = cpu.cores;
  if (cpu.usable_cores) {
    cores = std::min(cores, std::floor(*cpu.usable_cores + 1e-9));
  }
  cores = std::max(cores, 1.0);
  // AMD before Zen 5 (family 0x1A) runs AVX-512 on 256-bit halves.
  const bool full_width_avx512 = info.vendor != "AuthenticAMD" || info.family.value_or(0) >= 0x1a;
  const catalog::CpuOpsPerCycle ops = catalog::cpu_ops_per_cycle(cpu.isa, info.x86 && full_width_avx512);
  const double scale = cores * clock->ghz * 1e9 / 1e12;
  cpu.peak_tflops.fp32 = ops.fp32 * scale;
  cpu.peak_tflops.bf16 = ops.bf16 * scale;
  cpu.peak_tflops.int8 = ops.int8 * scale;
  cpu.field_sources["peak_tflops"] = "estimated";
  if (std::find(cpu.sources.begin(), cpu.sources.end(), "estimated") == cpu.sources.end()) {
    cpu.sources.push_back("estimated");
  }
}

} // namespace llmhw::probe::detail
