// Sanity over every entry of the built-in hardware catalog: figures inside
// physical bounds, precisions consistent with peaks and with what each NVIDIA
// compute capability can run, systems made of real entries, prices dated.

#include "llmhw/catalog/catalog.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>

using llmhw::catalog::Catalog;
using llmhw::catalog::DeviceKind;
using llmhw::catalog::HardwareSpec;

using llmhw::test::builtin_catalog;

namespace {

bool lists(const HardwareSpec& spec, const std::string& precision)
{
  return std::find(spec.precisions.begin(), spec.precisions.end(), precision) != spec.precisions.end();
}

bool has_peaks(const HardwareSpec& spec)
{
  return std::any_of(llmhw::catalog::compute_precisions().begin(), llmhw::catalog::compute_precisions().end(),
                     [&](const std::string& precision) { return spec.peak_tflops.get(precision).has_value(); });
}

/// The fastest 16- or 32-bit figure: what prefill runs at.
double dense_peak(const HardwareSpec& spec)
{
  return std::max(
      {spec.peak_tflops.bf16.value_or(0), spec.peak_tflops.fp16.value_or(0), spec.peak_tflops.fp32.value_or(0)});
}

double capability(const HardwareSpec& spec)
{
  return std::stod(spec.compute_capability.value());
}

} // namespace

TEST_CASE("the built-in catalog holds at least 60 targets of every kind", "[catalog][hardware]")
{
  // The issue asks for at least 60 targets across GPUs, TPUs, accelerators, CPUs and systems.
  CHECK(builtin_catalog().hardware.size() + builtin_catalog().systems.size() >= 60);
  std::map<DeviceKind, int> kinds;
  for (const HardwareSpec& spec : builtin_catalog().hardware) {
    ++kinds[spec.kind];
  }
  CHECK(kinds[DeviceKind::gpu] >= 30);
  CHECK(kinds[DeviceKind::tpu] >= 5);
  CHECK(kinds[DeviceKind::accelerator] >= 2);
  CHECK(kinds[DeviceKind::cpu] >= 10);
  std::set<std::string> system_kinds;
  for (const auto& system : builtin_catalog().systems) {
    system_kinds.insert(system.kind);
  }
  CHECK(system_kinds == std::set<std::string>{"slice", "instance", "system"});
}

TEST_CASE("every device's memory and bandwidth lie within physical bounds", "[catalog][hardware]")
{
  constexpr std::uint64_t k_gib = 1ULL << 30;
  for (const HardwareSpec& spec : builtin_catalog().hardware) {
    INFO(spec.id);
    CHECK_FALSE(spec.source.empty());
    CHECK_FALSE(spec.name.empty());
    CHECK_FALSE(spec.architecture.empty());
    if (spec.kind == DeviceKind::cpu) {
      // From a Raspberry Pi (4 GiB) to a 12-channel server (a few TiB); 10 GB/s to 2 TB/s of DRAM bandwidth.
      CHECK(spec.memory_bytes >= 2 * k_gib);
      CHECK(spec.memory_bytes <= 8192 * k_gib);
      CHECK(spec.memory_bandwidth_bytes_s >= 1e10);
      CHECK(spec.memory_bandwidth_bytes_s <= 2e12);
    } else {
      // The smallest accelerator here is a 2 GB GTX 680; the largest an M3 Ultra with 512 GB. HBM3e tops out
      // near 8 TB/s per package (B200, MI355X).
      CHECK(spec.memory_bytes >= 1 * k_gib);
      CHECK(spec.memory_bytes <= 512 * k_gib);
      CHECK(spec.memory_bandwidth_bytes_s >= 5e10);
      CHECK(spec.memory_bandwidth_bytes_s <= 1e13);
    }
    if (spec.tdp_watts) {
      CHECK(*spec.tdp_watts >= 5);
      CHECK(*spec.tdp_watts <= 1500);
    }
    if (spec.interconnect.bandwidth_bytes_s) {
      // A device-to-device link is never faster than the device's own memory.
      CHECK(*spec.interconnect.bandwidth_bytes_s < spec.memory_bandwidth_bytes_s);
    }
  }
}

TEST_CASE("peak TFLOPS are dense and consistent across precisions", "[catalog][hardware]")
{
  for (const HardwareSpec& spec : builtin_catalog().hardware) {
    INFO(spec.id);
    const auto& peak = spec.peak_tflops;
    // No single device reaches 3 PFLOPS dense BF16 (MI355X: 2.5, GB200: 2.5) or 12 PFLOPS FP4.
    CHECK(peak.bf16.value_or(0) <= 3000);
    CHECK(peak.fp4.value_or(0) <= 12000);
    // Halving the precision at most doubles the rate (sparse figures would double it again); 2.05 leaves room for
    // vendor rounding (L40S datasheet: BF16 362.05, FP8 733 dense).
    if (peak.bf16 && peak.fp8) {
      CHECK(*peak.fp8 <= 2.05 * *peak.bf16);
    }
    if (peak.fp8 && peak.fp4) {
      CHECK(*peak.fp4 <= 2.05 * *peak.fp8);
    }
    if (peak.bf16 && peak.int8) {
      // GeForce cards quote BF16 with FP32 accumulate, a quarter of their INT8 rate.
      CHECK(*peak.int8 <= 4.01 * *peak.bf16);
    }
    if (peak.bf16 && peak.tf32) {
      CHECK(*peak.tf32 <= *peak.bf16);
    }
    if (peak.bf16 && peak.fp32) {
      CHECK(*peak.bf16 >= *peak.fp32);
    }
    if (has_peaks(spec)) {
      // FLOPs per byte of memory traffic: from ~15 (Kepler) to a few hundred (H100 ~300, TPU v6e ~560). A figure
      // in the wrong unit (GB/s for bytes/s, sparse for dense) lands far outside.
      const double flops_per_byte = dense_peak(spec) * 1e12 / spec.memory_bandwidth_bytes_s;
      CHECK(flops_per_byte >= 5);
      CHECK(flops_per_byte <= 1000);
    }
  }
}

TEST_CASE("every listed precision has a peak figure, and every figure's precision is listed", "[catalog][hardware]")
{
  for (const HardwareSpec& spec : builtin_catalog().hardware) {
    INFO(spec.id);
    CHECK_FALSE(spec.precisions.empty());
    if (spec.kind == DeviceKind::cpu || !has_peaks(spec)) {
      continue; // CPU peaks come from cores, clock and ISA; an unpublished part (A10G) has none
    }
    for (const std::string& precision : spec.precisions) {
      INFO(precision);
      CHECK(spec.peak_tflops.get(precision).has_value());
    }
    for (const std::string& precision : llmhw::catalog::compute_precisions()) {
      INFO(precision);
      CHECK((!spec.peak_tflops.get(precision) || lists(spec, precision)));
    }
  }
}

TEST_CASE("NVIDIA precisions follow compute capability", "[catalog][hardware]")
{
  // CUDA programming guide: BF16 and TF32 tensor cores from sm_80 (Ampere), FP8 from sm_89 (Ada) and sm_90
  // (Hopper), FP4 from sm_100/sm_120 (Blackwell).
  int checked = 0;
  for (const HardwareSpec& spec : builtin_catalog().hardware) {
    if (spec.vendor != "NVIDIA" || spec.kind == DeviceKind::cpu) {
      continue;
    }
    INFO(spec.id);
    REQUIRE(spec.compute_capability.has_value());
    const double cc = capability(spec);
    CHECK((!lists(spec, "bf16") || cc >= 8.0));
    CHECK((!lists(spec, "tf32") || cc >= 8.0));
    CHECK((!lists(spec, "fp8") || cc >= 8.9));
    CHECK((!lists(spec, "fp4") || cc >= 10.0));
    if (cc >= 8.9) {
      CHECK(lists(spec, "fp8"));
    }
    if (cc >= 8.0) {
      CHECK(lists(spec, "bf16"));
    }
    ++checked;
  }
  CHECK(checked >= 40);
}

TEST_CASE("GPUs and accelerators that sit on PCI carry their PCI ids, each claimed once", "[catalog][hardware]")
{
  std::map<std::string, std::string> owner;
  for (const HardwareSpec& spec : builtin_catalog().hardware) {
    INFO(spec.id);
    const bool on_pci = spec.kind != DeviceKind::cpu && spec.vendor != "Apple";
    CHECK(on_pci == !spec.pci_ids.empty());
    for (const std::string& pci_id : spec.pci_ids) {
      INFO(pci_id);
      const auto [it, inserted] = owner.emplace(pci_id, spec.id);
      CHECK(inserted);
      const std::string vendor = pci_id.substr(0, 4);
      // PCI-SIG vendor ids: NVIDIA 10de, AMD/ATI 1002, Intel 8086, Habana 1da3, Google 1ae0.
      CHECK(std::set<std::string>{"10de", "1002", "8086", "1da3", "1ae0"}.count(vendor) == 1);
    }
  }
}

TEST_CASE("CPU bandwidth is the width of the memory bus times its transfer rate", "[catalog][hardware]")
{
  int checked = 0;
  int cpus = 0;
  for (const HardwareSpec& spec : builtin_catalog().hardware) {
    if (spec.kind != DeviceKind::cpu) {
      continue;
    }
    ++cpus;
    INFO(spec.id);
    REQUIRE(spec.cpu.has_value());
    const auto& cpu = *spec.cpu;
    CHECK(cpu.cores >= 1);
    CHECK(cpu.threads >= cpu.cores);
    CHECK(cpu.memory_channels >= 1);
    CHECK_FALSE(cpu.isa.empty());
    CHECK(spec.peak_tflops.get("fp32") == std::nullopt);
    if (cpu.memory_transfer_rate_mts) {
      // DDR: channels × 64 bits × MT/s (EPYC 9654: 12 × 8 B × 4800 MT/s = 460.8 GB/s).
      const double bus_bytes = cpu.memory_bus_width_bits.value_or(cpu.memory_channels * 64) / 8.0;
      CHECK(spec.memory_bandwidth_bytes_s == Approx(bus_bytes * *cpu.memory_transfer_rate_mts * 1e6).epsilon(0.005));
      ++checked;
    }
  }
  // Issue 13: at least 30 CPUs, desktop to server, x86 and Arm; all but Grace state their memory's transfer rate.
  CHECK(cpus >= 30);
  CHECK(checked >= cpus - 1);
}

TEST_CASE("unified-memory devices are the SoCs and APUs", "[catalog][hardware]")
{
  for (const HardwareSpec& spec : builtin_catalog().hardware) {
    INFO(spec.id);
    const bool soc =
        spec.vendor == "Apple" || spec.id == "gb10" || spec.id == "mi300a" || spec.id == "ryzen-ai-max-395";
    CHECK(spec.unified_memory == soc);
  }
}

TEST_CASE("systems are made of catalog devices, and prices are dated", "[catalog][hardware]")
{
  for (const auto& system : builtin_catalog().systems) {
    INFO(system.id);
    const HardwareSpec* device = builtin_catalog().find_hardware(system.device);
    REQUIRE(device != nullptr);
    CHECK(device->id == system.device); // named by id, not by a looser alias
    CHECK(device->kind != DeviceKind::cpu);
    if (system.host_cpu) {
      const HardwareSpec* host = builtin_catalog().find_hardware(*system.host_cpu);
      REQUIRE(host != nullptr);
      CHECK(host->kind == DeviceKind::cpu);
    }
    if (system.kind == "slice") {
      CHECK(device->kind == DeviceKind::tpu);
    }
    if (system.kind == "instance" || system.kind == "slice") {
      CHECK(system.provider.has_value());
    }
    if (system.price_usd_per_hour) {
      CHECK(system.price_date.has_value());
      CHECK(*system.price_usd_per_hour > 0);
      CHECK(*system.price_usd_per_hour < 1000);
    }
    CHECK(system.nodes.value_or(1) <= system.count);
    CHECK_FALSE(system.source.empty());
  }
}
