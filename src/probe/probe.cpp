#include "llmhw/probe/probe.hpp"

#include "accelerators.hpp"
#include "backends.hpp"
#include "nvml.hpp"
#include "pci.hpp"
#include "plausible.hpp"
#include "sysfs.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmhw::probe {
namespace {

using detail::add_source;

/// The catalog entry of the CPU: by model name, or for Arm servers (whose /proc/cpuinfo has no
/// model name) by the platform: AWS Graviton from DMI and the core's part number.
const catalog::HardwareSpec* find_cpu_spec(const Device& cpu, const detail::CpuInfo& info, const std::string& root,
                                           const catalog::Catalog& catalog)
{
  const auto is_cpu = [](const catalog::HardwareSpec* spec) {
    return spec != nullptr && spec->kind == catalog::DeviceKind::cpu ? spec : nullptr;
  };
  if (!cpu.model.empty()) {
    if (const auto* spec = is_cpu(catalog.find_hardware(cpu.model))) {
      return spec;
    }
  }
  const std::string vendor = detail::read_line(root, "/sys/class/dmi/id/sys_vendor").value_or("");
  if (vendor == "Amazon EC2" && info.arm_implementer == 0x41) {
    if (info.arm_part == 0xd40) {
      return is_cpu(catalog.find_hardware("graviton3"));
    }
    if (info.arm_part == 0xd4f) {
      return is_cpu(catalog.find_hardware("graviton4"));
    }
  }
  return nullptr;
}

/// Fills the inventory's CPU and memory; returns the cgroup's memory headroom, where one limits the process.
std::optional<std::uint64_t> detect_cpu_and_memory(const Environment& environment, const catalog::Catalog& catalog,
                                                   detail::HwlocCpu found, Inventory& inventory)
{
  Device& cpu = found.cpu;
  inventory.warnings.insert(inventory.warnings.end(), found.warnings.begin(), found.warnings.end());
  // With --topology alone the live machine's files describe another machine: use only the XML.
  const bool root_set = !environment.root.empty() && environment.root != "/";
  const bool machine_files = !environment.topology_xml || root_set;
  detail::CpuInfo info;
  if (machine_files) {
    if (auto read = detail::read_cpuinfo(environment.root)) {
      info = std::move(*read);
      cpu.isa = info.isa;
      cpu.field_sources["isa"] = "procfs";
      add_source(cpu, "procfs");
    } else {
      inventory.warnings.push_back("cannot read /proc/cpuinfo: ISA features unknown");
    }
  }
  if (cpu.model.empty() && !info.model.empty()) {
    cpu.model = info.model;
  }
  if (cpu.model.empty() && info.arm_implementer && info.arm_part) {
    cpu.model = detail::arm_core_name(*info.arm_implementer, *info.arm_part);
  }
  if (cpu.vendor.empty()) {
    cpu.vendor = info.vendor;
  }
  if (cpu.vendor == "GenuineIntel") {
    cpu.vendor = "Intel";
  } else if (cpu.vendor == "AuthenticAMD") {
    cpu.vendor = "AMD";
  } else if (cpu.vendor.empty() && info.arm_implementer) {
    cpu.vendor = info.arm_implementer == 0x41 ? "ARM" : info.arm_implementer == 0x48 ? "HiSilicon" : "";
  }

  if (machine_files) {
    inventory.host = detail::read_host(environment, info.hypervisor_flag);
    if (auto memory = detail::read_meminfo(environment.root, inventory.warnings)) {
      inventory.memory = *memory;
      cpu.memory_bytes = memory->total_bytes;
      cpu.field_sources["memory_bytes"] = "procfs";
      add_source(cpu, "procfs");
    } else {
      inventory.warnings.push_back("no usable MemTotal in /proc/meminfo: system memory from hwloc's NUMA nodes where "
                                   "it knows them, otherwise unknown");
    }
  } else {
    inventory.host.hostname = found.hostname.value_or("");
    inventory.host.kernel = found.os_release.value_or("");
  }
  if (inventory.memory.total_bytes == 0 && found.numa_total_bytes) {
    inventory.memory.total_bytes = *found.numa_total_bytes;
    cpu.memory_bytes = *found.numa_total_bytes;
    cpu.field_sources["memory_bytes"] = "hwloc";
  } else if (found.numa_total_bytes && inventory.memory.total_bytes > 0) {
    // Some kernels and hypervisors report NUMA nodes that do not add up to MemTotal.
    const double numa = static_cast<double>(*found.numa_total_bytes);
    const double total = static_cast<double>(inventory.memory.total_bytes);
    if (std::abs(numa - total) > 0.1 * total) {
      inventory.warnings.push_back(
          fmt::format("NUMA nodes total {:.1f} GiB but /proc/meminfo MemTotal is {:.1f} GiB; using MemTotal",
                      numa / (1024.0 * 1024 * 1024), total / (1024.0 * 1024 * 1024)));
    }
  }

  detail::CgroupLimits limits;
  if (machine_files) {
    limits = detail::read_cgroup_limits(environment.root, inventory.warnings);
    if (limits.memory_bytes && *limits.memory_bytes < inventory.memory.total_bytes) {
      inventory.memory.cgroup_limit_bytes = limits.memory_bytes;
    }
    std::optional<double> usable;
    if (limits.cpu_quota_cores) {
      usable = *limits.cpu_quota_cores;
    }
    if (limits.allowed_cpus && (!usable || *limits.allowed_cpus < *usable)) {
      usable = static_cast<double>(*limits.allowed_cpus);
    }
    if (usable && *usable < cpu.threads) {
      cpu.usable_cores = usable;
      cpu.field_sources["usable_cores"] = "cgroup";
    }
  }

  const catalog::HardwareSpec* spec = find_cpu_spec(cpu, info, environment.root, catalog);
  const auto cpufreq = machine_files ? detail::read_max_clock_ghz(environment.root, inventory.warnings) : std::nullopt;
  detail::complete_cpu(cpu, info, spec, cpufreq, inventory.host.virtualized, inventory.warnings);
  inventory.devices.push_back(std::move(cpu));
  return limits.memory_headroom_bytes;
}

/// Unified-memory GPUs (GB10, MI300A, Ryzen AI Max) use system memory: their usable memory is
/// their share of it, or the carve-out the driver reports when that is larger (a carve-out is
/// not part of MemTotal). Either way it is the CPU's memory too, and the warning says so.
void share_system_memory(Inventory& inventory)
{
  std::size_t sharing = 0;
  for (const Device& device : inventory.devices) {
    sharing += device.kind != catalog::DeviceKind::cpu && device.unified_memory ? 1 : 0;
  }
  if (sharing == 0) {
    return;
  }
  const std::uint64_t system = inventory.memory.cgroup_limit_bytes.value_or(inventory.memory.total_bytes);
  for (Device& device : inventory.devices) {
    if (device.kind == catalog::DeviceKind::cpu || !device.unified_memory) {
      continue;
    }
    const std::uint64_t share = system / sharing;
    if (share > device.memory_bytes) {
      device.memory_bytes = share;
      device.field_sources["memory_bytes"] = sharing > 1 ? "procfs (system memory, shared)" : "procfs (system memory)";
    }
    inventory.warnings.push_back(
        fmt::format("{} has unified memory: its {:.1f} GiB are the host's memory too; do not add them to cpu0's",
                    device.id, static_cast<double>(device.memory_bytes) / (1024.0 * 1024 * 1024)));
  }
}

void detect_accelerators(const Environment& environment, const catalog::Catalog& catalog, Inventory& inventory)
{
  const detail::PciScan pci = detail::scan_pci(environment.root);
  inventory.warnings.insert(inventory.warnings.end(), pci.warnings.begin(), pci.warnings.end());
  detail::NvmlReport nvml;
  // A fixture root describes another machine: the live NVML would describe this one.
  const bool use_nvml = !environment.skip_nvml && (environment.live() || environment.nvml_library);
  if (use_nvml) {
    nvml = detail::query_nvml(environment.nvml_library.value_or(""), environment.backend_timeout);
    inventory.warnings.insert(inventory.warnings.end(), nvml.warnings.begin(), nvml.warnings.end());
  }
  std::vector<Device> gpus = detail::nvidia_gpus(environment, catalog, pci, nvml, inventory.warnings);
  std::vector<Device> others = detail::amd_and_intel_gpus(environment, catalog, pci, inventory.warnings);
  gpus.insert(gpus.end(), std::make_move_iterator(others.begin()), std::make_move_iterator(others.end()));
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    gpus[i].id = fmt::format("gpu{}", i);
    inventory.devices.push_back(std::move(gpus[i]));
  }
  std::vector<Device> tpus = detail::google_tpus(environment, catalog, pci, inventory.warnings);
  for (std::size_t i = 0; i < tpus.size(); ++i) {
    tpus[i].id = fmt::format("tpu{}", i);
    inventory.devices.push_back(std::move(tpus[i]));
  }
  share_system_memory(inventory);
}

void set_measured_bandwidth(Device& cpu, double bytes_s, const std::string& source, Inventory& inventory)
{
  cpu.memory_bandwidth_bytes_s = bytes_s;
  cpu.field_sources["memory_bandwidth_bytes_s"] = source;
  add_source(cpu, "measured");
  std::erase_if(inventory.warnings,
                [](const std::string& w) { return w.find("memory bandwidth estimated") != std::string::npos; });
}

/// The local CPU's measured bandwidth: the one kept from an earlier run for this CPU, memory
/// and CPU count (unless --no-cache), else with --measure a new measurement, kept for later runs.
void use_measured_bandwidth(const Environment& environment, std::optional<std::uint64_t> cgroup_headroom_bytes,
                            Inventory& inventory)
{
  if (!environment.live()) {
    if (environment.measure_bandwidth) {
      inventory.warnings.push_back("--measure measures this machine: ignored for a fixture root or --topology file");
    }
    return;
  }
  Device& cpu = inventory.devices.front();
  const detail::BandwidthKey key{cpu.model, detail::triad_threads(cpu),
                                 (inventory.memory.total_bytes + units::GiB / 2) / units::GiB};
  const std::string day = detail::today();
  if (environment.measurement_cache && environment.use_kept_measurement) {
    if (const auto kept = detail::read_kept_bandwidth(*environment.measurement_cache, key, day, inventory.warnings)) {
      set_measured_bandwidth(cpu, kept->bytes_s, fmt::format("measured (kept from {})", kept->measured_on), inventory);
      return;
    }
  }
  if (!environment.measure_bandwidth) {
    return;
  }
  const auto plan =
      detail::plan_triad(cpu, detail::memory_for_measurement(inventory.memory, cgroup_headroom_bytes));
  if (!plan) {
    inventory.warnings.push_back(plan.error().message());
    return;
  }
  if (environment.on_progress) {
    environment.on_progress(fmt::format("measuring memory bandwidth on {} threads (at most 2 s)…", plan->threads));
  }
  const auto measured = detail::measure_triad_bytes_s(*plan);
  if (environment.on_progress) {
    environment.on_progress("");
  }
  if (!measured) {
    inventory.warnings.push_back(measured.error().message());
    return;
  }
  set_measured_bandwidth(cpu, *measured, "measured", inventory);
  if (environment.measurement_cache) {
    detail::keep_bandwidth(*environment.measurement_cache, key, *measured, day, inventory.warnings);
  }
}

/// The last check on figures computed from others (a catalog bandwidth times the sockets, an
/// estimated peak from cores and clock): one beyond the plausible bounds is dropped with a
/// warning, so that no inventory says more than a real machine could, and every probe JSON
/// llm-hw writes is one its --hardware reader accepts.
void drop_implausible_figures(Inventory& inventory)
{
  for (Device& device : inventory.devices) {
    const std::string source = fmt::format("{} ({})", device.id, device.model);
    if (device.memory_bandwidth_bytes_s &&
        !plausible::within(*device.memory_bandwidth_bytes_s, 0, plausible::k_max_bandwidth_bytes_s, "bytes/s",
                           "the memory bandwidth", source, fmt::format("{:g} bytes/s", *device.memory_bandwidth_bytes_s),
                           inventory.warnings)) {
      device.memory_bandwidth_bytes_s.reset();
      device.field_sources.erase("memory_bandwidth_bytes_s");
    }
    for (const std::string& precision : catalog::compute_precisions()) {
      const auto peak = device.peak_tflops.get(precision);
      if (peak && !plausible::within(*peak, 0, plausible::k_max_tflops, "TFLOPS", "the " + precision + " peak", source,
                                     fmt::format("{:g} TFLOPS", *peak), inventory.warnings)) {
        device.peak_tflops.set(precision, std::nullopt);
      }
    }
  }
}

} // namespace

Result<Inventory> detect(const Environment& environment, const catalog::Catalog& catalog)
{
  Inventory inventory;
  auto cpu = detail::detect_cpu_hwloc(environment);
  if (!cpu) {
    return cpu.error();
  }
  std::vector<detail::ExportedGpu> exported = std::move(cpu->gpus);
  const auto headroom = detect_cpu_and_memory(environment, catalog, std::move(cpu.value()), inventory);
  use_measured_bandwidth(environment, headroom, inventory);
  if (!environment.topology_xml || (!environment.root.empty() && environment.root != "/")) {
    detect_accelerators(environment, catalog, inventory);
  } else {
    std::vector<Device> gpus = detail::exported_gpus(exported, catalog, inventory.warnings);
    for (std::size_t i = 0; i < gpus.size(); ++i) {
      gpus[i].id = fmt::format("gpu{}", i);
      inventory.devices.push_back(std::move(gpus[i]));
    }
    share_system_memory(inventory);
  }
  drop_implausible_figures(inventory);
  return inventory;
}

} // namespace llmhw::probe
