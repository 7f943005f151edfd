// CPU topology from hwloc: the live machine, an hwloc XML (--topology), or a
// fixture root (HWLOC_FSROOT = $LLM_HW_ROOT, so hwloc reads the same files we do).
#include "backends.hpp"
#include "hwloc_xml_check.hpp"
#include "pci.hpp"
#include "plausible.hpp"
#include "sysfs.hpp"

#include "llmhw/util/checked.hpp"
#include "llmhw/util/input_file.hpp"
#include "llmhw/util/text.hpp"

#include <hwloc.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace llmhw::probe::detail {
namespace {

struct TopologyDeleter {
  void operator()(hwloc_topology* topology) const { hwloc_topology_destroy(topology); }
};
using Topology = std::unique_ptr<hwloc_topology, TopologyDeleter>;

std::uint32_t count(hwloc_topology_t topology, hwloc_obj_type_t type)
{
  const int n = hwloc_get_nbobjs_by_type(topology, type);
  return n > 0 ? static_cast<std::uint32_t>(n) : 0;
}

std::optional<std::uint64_t> cache_total(hwloc_topology_t topology, hwloc_obj_type_t type)
{
  std::uint64_t total = 0;
  for (hwloc_obj_t cache = hwloc_get_next_obj_by_type(topology, type, nullptr); cache != nullptr;
       cache = hwloc_get_next_obj_by_type(topology, type, cache)) {
    total += cache->attr->cache.size;
  }
  return total > 0 ? std::optional(total) : std::nullopt;
}

std::optional<std::string> info(hwloc_obj_t object, const char* name)
{
  if (object == nullptr) {
    return std::nullopt;
  }
  const char* value = hwloc_obj_get_info_by_name(object, name);
  const std::string text(util::trim(value != nullptr ? value : "")); // BIOSes pad model names with spaces
  return text.empty() ? std::nullopt : std::optional(text);
}

/// The NUMA nodes' local memory added up, or nothing when a node's figure is implausible
/// (the machine's memory then comes from /proc/meminfo alone).
std::optional<std::uint64_t> numa_total(hwloc_topology_t topology, std::vector<std::string>& warnings)
{
  std::uint64_t total = 0;
  for (hwloc_obj_t node = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_NUMANODE, nullptr); node != nullptr;
       node = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_NUMANODE, node)) {
    const std::uint64_t bytes = node->attr->numanode.local_memory;
    if (!plausible::within_bytes(bytes, 0, plausible::k_max_host_memory_bytes, "local memory",
                                 fmt::format("hwloc NUMA node {}", node->os_index), fmt::format("{} bytes", bytes),
                                 warnings)) {
      return std::nullopt;
    }
    if (bytes > plausible::k_max_host_memory_bytes - total) {
      warnings.push_back(fmt::format("hwloc NUMA nodes: local memory adds up to more than {}, which is implausible; "
                                     "ignored",
                                     units::format_bytes(plausible::k_max_host_memory_bytes)));
      return std::nullopt;
    }
    total += bytes;
  }
  return total > 0 ? std::optional(total) : std::nullopt;
}

/// Where hwloc's Linux backend reads under HWLOC_FSROOT (PCI discovery is
/// off): CPUs, caches, NUMA nodes, memory, DMI, cgroups and device tree.
constexpr std::array k_hwloc_reads = {"/proc",           "/sys/devices/system", "/sys/bus/cpu",
                                      "/sys/bus/node",   "/sys/class/dmi",      "/sys/devices/virtual/dmi",
                                      "/sys/kernel/mm",  "/sys/fs/cgroup",      "/sys/firmware"};

/// What a directory entry resolves to: a looping or dangling link resolves to
/// nothing, which hwloc's open fails on at once.
std::optional<std::filesystem::file_type> resolved_type(const std::filesystem::directory_entry& entry)
{
  std::error_code error;
  const auto status = entry.status(error);
  return error ? std::nullopt : std::optional(status.type());
}

/// The first file under `root` that hwloc would open and that is neither a
/// regular file nor a folder (a FIFO blocks hwloc's open, /proc/cpuinfo
/// linked to /dev/zero is read forever), with what it is; nothing when all
/// are safe. hwloc opens without O_NONBLOCK and reads to the end, so these
/// are checked before it is asked. Fixture roots are small; the walk stops
/// after k_max_entries all the same.
std::optional<std::string> unsafe_for_hwloc(const std::string& root)
{
  namespace fs = std::filesystem;
  constexpr std::size_t k_max_entries = 200'000;
  std::size_t seen = 0;
  for (const char* top : k_hwloc_reads) {
    std::error_code error;
    fs::recursive_directory_iterator it(under_root(root, top), fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator() && seen < k_max_entries; it.increment(error), ++seen) {
      const auto type = resolved_type(*it);
      if (type && *type != fs::file_type::regular && *type != fs::file_type::directory) {
        struct stat status {};
        ::stat(it->path().c_str(), &status);
        return fmt::format("{} is {}", it->path().string(), util::file_type_name(status.st_mode));
      }
    }
  }
  return std::nullopt;
}

/// Without hwloc: the CPUs sysfs lists as online, one socket, one NUMA node.
Result<HwlocCpu> cpus_from_sysfs(const std::string& root, const std::string& why)
{
  HwlocCpu found;
  Device& cpu = found.cpu;
  cpu.id = "cpu0";
  cpu.kind = catalog::DeviceKind::cpu;
  cpu.sockets = 1;
  cpu.numa_nodes = 1;
  if (const auto online = read_line(root, "/sys/devices/system/cpu/online")) {
    cpu.threads = count_cpu_list(*online).value_or(0);
  }
  if (cpu.threads == 0) {
    return Error{root, fmt::format("{}, and sys/devices/system/cpu/online lists no CPU", why)};
  }
  cpu.cores = cpu.threads;
  cpu.sources.push_back("sysfs");
  for (const char* field : {"sockets", "cores", "threads", "numa_nodes"}) {
    cpu.field_sources[field] = "sysfs";
  }
  found.warnings.push_back(fmt::format("{}: hwloc not used; CPU counts from sys/devices/system/cpu/online (sockets, "
                                       "cores and NUMA nodes unknown)",
                                       why));
  return found;
}

/// hwloc reads HWLOC_FSROOT when its Linux backend starts; the variable is
/// process-wide, so loads under a root are serialised.
std::mutex g_fsroot_mutex;

} // namespace

Result<HwlocCpu> detect_cpu_hwloc(const Environment& environment)
{
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) {
    return Error{"hwloc", "cannot initialise a topology"};
  }
  Topology topology(raw);
  // No I/O discovery: the probe reads PCI itself, and hwloc's GPU plugins (NVML, RSMI, OpenCL)
  // would load vendor libraries that may block.
  // An XML export keeps the PCI devices and GPU OS devices it recorded; nothing is loaded for them.
  hwloc_topology_set_io_types_filter(raw, environment.topology_xml ? HWLOC_TYPE_FILTER_KEEP_IMPORTANT
                                                                   : HWLOC_TYPE_FILTER_KEEP_NONE);
  hwloc_topology_set_components(raw, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST,
                                "nvml,cuda,opencl,rsmi,levelzero,gl,pci");
  const bool under_root = !environment.topology_xml && !environment.live();
  if (environment.topology_xml) {
    if (auto checked = check_hwloc_xml(*environment.topology_xml); !checked) {
      return checked.error();
    }
    if (hwloc_topology_set_xml(raw, environment.topology_xml->c_str()) != 0) {
      return Error{*environment.topology_xml, "hwloc cannot read this XML topology"};
    }
  } else if (under_root) {
    if (!exists(environment.root, "/sys/devices/system/cpu")) {
      return Error{environment.root, "no sys/devices/system/cpu under this root: no CPU information"};
    }
    if (const auto unsafe = unsafe_for_hwloc(environment.root)) {
      return cpus_from_sysfs(environment.root, *unsafe);
    }
    // cpuid would describe the machine running the tests, not the fixture.
    hwloc_topology_set_components(raw, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "x86");
  }
  int loaded = 0;
  if (under_root) {
    const std::lock_guard lock(g_fsroot_mutex);
    ::setenv("HWLOC_FSROOT", environment.root.c_str(), 1);
    loaded = hwloc_topology_load(raw);
    ::unsetenv("HWLOC_FSROOT");
  } else {
    loaded = hwloc_topology_load(raw);
  }
  if (loaded != 0) {
    return Error{environment.topology_xml.value_or("hwloc"), "hwloc cannot load the topology"};
  }

  HwlocCpu found;
  Device& cpu = found.cpu;
  cpu.id = "cpu0";
  cpu.kind = catalog::DeviceKind::cpu;
  cpu.sockets = std::max<std::uint32_t>(1, count(raw, HWLOC_OBJ_PACKAGE));
  cpu.cores = count(raw, HWLOC_OBJ_CORE);
  cpu.threads = count(raw, HWLOC_OBJ_PU);
  cpu.numa_nodes = std::max<std::uint32_t>(1, count(raw, HWLOC_OBJ_NUMANODE));
  if (cpu.threads == 0) {
    return Error{environment.topology_xml.value_or("hwloc"), "the topology has no processing units"};
  }
  if (cpu.threads > plausible::k_max_threads) {
    return Error{environment.topology_xml.value_or("hwloc"),
                 fmt::format("the topology has {} processing units, more than any real machine (at most {})",
                             cpu.threads, plausible::k_max_threads)};
  }
  if (cpu.cores == 0) {
    cpu.cores = cpu.threads; // hwloc 1.x exports without Core objects
  }
  cpu.l2_cache_bytes = cache_total(raw, HWLOC_OBJ_L2CACHE);
  cpu.l3_cache_bytes = cache_total(raw, HWLOC_OBJ_L3CACHE);
  hwloc_obj_t package = hwloc_get_obj_by_type(raw, HWLOC_OBJ_PACKAGE, 0);
  hwloc_obj_t root = hwloc_get_root_obj(raw);
  for (hwloc_obj_t holder : {package, root}) {
    if (cpu.model.empty()) {
      cpu.model = info(holder, "CPUModel").value_or("");
    }
    if (cpu.vendor.empty()) {
      cpu.vendor = info(holder, "CPUVendor").value_or("");
    }
  }
  found.arm_implementer = info(package, "CPUImplementer");
  found.arm_part = info(package, "CPUPart");
  found.architecture = info(root, "Architecture");
  found.hostname = info(root, "HostName");
  found.os_release = info(root, "OSRelease");
  found.numa_total_bytes = numa_total(raw, found.warnings);
  for (hwloc_obj_t pci = hwloc_get_next_pcidev(raw, nullptr); pci != nullptr; pci = hwloc_get_next_pcidev(raw, pci)) {
    const auto& attr = pci->attr->pcidev;
    ExportedGpu gpu;
    gpu.vendor_id = fmt::format("{:04x}", attr.vendor_id);
    const std::uint32_t class_code = static_cast<std::uint32_t>(attr.class_id) << 8;
    if ((gpu.vendor_id != "10de" && gpu.vendor_id != "1002" && gpu.vendor_id != "8086") || !is_gpu_class(class_code)) {
      continue;
    }
    gpu.device_id = fmt::format("{:04x}", attr.device_id);
    gpu.bus_id = fmt::format("{:04x}:{:02x}:{:02x}.{:x}", attr.domain, attr.bus, attr.dev, attr.func);
    for (hwloc_obj_t osdev = pci->io_first_child; osdev != nullptr; osdev = osdev->next_sibling) {
      if (gpu.model.empty()) {
        gpu.model = info(osdev, "GPUModel").value_or("");
      }
      for (const char* name : {"CUDAGlobalMemorySize", "RSMIVRAMSize", "OpenCLGlobalMemorySize"}) {
        const std::string kib = info(osdev, name).value_or("");
        std::uint64_t value = 0;
        if (gpu.memory_bytes == 0 && !kib.empty() &&
            std::from_chars(kib.data(), kib.data() + kib.size(), value).ec == std::errc{} && value > 0 &&
            plausible::within_bytes(util::checked_mul(value, std::uint64_t{1024}).value_or(UINT64_MAX), 0,
                                    plausible::k_max_device_memory_bytes, name,
                                    fmt::format("hwloc GPU {}", gpu.bus_id), fmt::format("{} KiB", value),
                                    found.warnings)) {
          gpu.memory_bytes = value * 1024; // hwloc records GPU memory in KiB
        }
      }
    }
    found.gpus.push_back(std::move(gpu));
  }
  cpu.sources.push_back("hwloc");
  for (const char* field : {"sockets", "cores", "threads", "numa_nodes"}) {
    cpu.field_sources[field] = "hwloc";
  }
  if (cpu.l3_cache_bytes) {
    cpu.field_sources["l3_cache_bytes"] = "hwloc";
  }
  if (cpu.l2_cache_bytes) {
    cpu.field_sources["l2_cache_bytes"] = "hwloc";
  }
  return found;
}

} // namespace llmhw::probe::detail
