#pragma once
// Hardware facts from data/hardware.json: one device (a GPU, a TPU chip, a CPU)
// and systems built of several (a TPU slice, a cloud instance shape).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::catalog {

enum class DeviceKind { cpu, gpu, tpu, accelerator };   // accelerator: Gaudi and other non-GPU parts

std::string to_string(DeviceKind kind);
std::optional<DeviceKind> device_kind_from_string(const std::string& text);

/// Dense (no 2:4 sparsity) peak throughput per precision, in TFLOPS (TOPS for
/// integers). Unknown or unsupported precisions are empty.
struct PeakTflops {
  std::optional<double> fp32;
  std::optional<double> tf32;
  std::optional<double> bf16;
  std::optional<double> fp16;
  std::optional<double> fp8;
  std::optional<double> int8;
  std::optional<double> int4;
  std::optional<double> fp4;

  /// The figure for a compute precision named as in quants.json ("bf16", "fp8", …).
  [[nodiscard]] std::optional<double> get(const std::string& precision) const;
  /// Sets the figure for one of compute_precisions(); other names are ignored.
  void set(const std::string& precision, std::optional<double> tflops);
};

/// How devices of this kind talk to each other.
struct Interconnect {
  /// "nvlink1".."nvlink5", "pcie3".."pcie5", "ici", "infinity-fabric", "xgmi", "roce", "xe-link", "none"
  std::string kind = "none";
  std::optional<double> bandwidth_bytes_s;   ///< per device, one direction; empty when the vendor gives none
};

/// The interconnect kinds catalog entries may name.
const std::vector<std::string>& interconnect_kinds();

/// The network between a system's hosts: what carries pipeline (or expert) parallelism across them.
struct HostNetwork {
  std::string kind;                   ///< one of host_network_kinds(): "efa", "infiniband", "roce", "ethernet", ...
  double bandwidth_bytes_s = 0;       ///< per host, one direction: all its NICs together
  std::string source;                 ///< where the figure was read
};

/// The kinds a host network may be: the probe's NIC kinds, ICI between TPU hosts, NVLink across a rack's trays.
const std::vector<std::string>& host_network_kinds();

/// The compute precisions a device can list, named as quants.json names them.
const std::vector<std::string>& compute_precisions();

/// CPU-only facts: what bounds a CPU's inference speed.
struct CpuSpec {
  std::uint32_t cores = 0;
  std::uint32_t threads = 0;
  std::uint32_t memory_channels = 0;
  std::optional<std::uint32_t> memory_transfer_rate_mts;   ///< DDR5-4800 → 4800
  /// Data width of the whole memory interface; empty means memory_channels × 64 (DDR DIMMs). LPDDR parts
  /// differ: a Raspberry Pi 5 has one 32-bit channel.
  std::optional<std::uint32_t> memory_bus_width_bits;
  std::optional<double> base_clock_ghz;
  std::optional<double> boost_clock_ghz;
  std::vector<std::string> isa;   ///< "avx2", "avx512f", "avx512_bf16", "amx_tile", "neon", "sve2", …
};

/// One device as its datasheet describes it.
struct HardwareSpec {
  std::string id;                    ///< "h100-sxm"
  std::string name;                  ///< "NVIDIA H100 SXM5 80GB"
  std::string vendor;                ///< "NVIDIA"
  DeviceKind kind = DeviceKind::gpu;
  std::vector<std::string> aliases;  ///< names as vendors and tools write them ("NVIDIA H100 80GB HBM3")
  std::vector<std::string> pci_ids;  ///< "10de:2330"
  std::string architecture;          ///< "hopper", "ada", "cdna3", "tpu-v5e", "zen4", "apple-m2", …
  std::optional<std::string> compute_capability;   ///< NVIDIA only: "9.0"
  std::uint64_t memory_bytes = 0;   ///< what the driver reports where a real capture exists, else the datasheet size
  double memory_bandwidth_bytes_s = 0;
  /// Set where memory_bandwidth_bytes_s was measured on the machine itself (probe --measure): how
  /// ("measured", "measured (kept from 2026-12-07)"). Such a figure is what the usable cores drew.
  std::optional<std::string> memory_bandwidth_measured;
  PeakTflops peak_tflops;   ///< dense; empty for CPUs (derived from cores, clock and ISA) and unpublished parts
  std::vector<std::string> precisions;   ///< compute precisions run natively ("bf16", "fp8", "int8", …)
  Interconnect interconnect;
  std::optional<double> pcie_bandwidth_bytes_s;   ///< host link, one direction
  std::optional<double> tdp_watts;
  bool unified_memory = false;   ///< memory shared with the host CPU (Apple, GB10, MI300A, APUs)
  std::optional<CpuSpec> cpu;    ///< set for kind == cpu
  std::string source;            ///< the datasheet or page the figures come from
};

/// A target made of several devices: a TPU slice, a cloud instance shape, a DGX.
struct SystemSpec {
  std::string id;                   ///< "tpu-v5e-8", "aws-p5.48xlarge"
  std::string name;
  std::string kind;                 ///< "slice", "instance", "system"
  std::vector<std::string> aliases;
  std::string device;               ///< HardwareSpec id of its accelerators (or CPU)
  std::uint32_t count = 1;          ///< how many of them
  std::optional<std::string> host_cpu;   ///< HardwareSpec id of the host CPU, where known
  std::optional<std::uint32_t> nodes;    ///< hosts in the system (1 unless a multi-host slice)
  std::optional<HostNetwork> network;    ///< between its hosts (or between instances of it), where known
  std::optional<std::string> provider;   ///< "aws", "gcp", "azure"
  std::optional<double> price_usd_per_hour;   ///< on-demand list price of one system, in price_region
  std::optional<std::string> price_date;      ///< "2026-10-01": the day the price source stated it
  std::optional<std::string> price_region;    ///< "us-east-1", "us-central1", "eastus"
  std::optional<std::string> price_source;    ///< the page or price-list snapshot the price was read from
  std::string source;
};

} // namespace llmhw::catalog
