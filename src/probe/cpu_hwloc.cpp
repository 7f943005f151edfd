#include "backends.hpp"
#include "hwloc_xml_check.hpp"
#include "sysfs.hpp"

#include <hwloc.h>

#include <memory>

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

} // namespace

Result<Device> detect_cpu(const Environment& environment)
{
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) {
    return Error{"hwloc", "cannot initialise a topology"};
  }
  Topology topology(raw);
  if (environment.topology_xml) {
    if (auto checked = check_hwloc_xml(*environment.topology_xml); !checked) {
      return checked.error();
    }
    if (hwloc_topology_set_xml(raw, environment.topology_xml->c_str()) != 0) {
      return Error{*environment.topology_xml, "hwloc cannot read this XML topology"};
    }
  }
  if (hwloc_topology_load(raw) != 0) {
    return Error{"hwloc", "cannot load the topology"};
  }
  Device cpu;
  cpu.id = "cpu0";
  cpu.kind = catalog::DeviceKind::cpu;
  cpu.sockets = std::max<std::uint32_t>(1, count(raw, HWLOC_OBJ_PACKAGE));
  cpu.cores = count(raw, HWLOC_OBJ_CORE);
  cpu.threads = count(raw, HWLOC_OBJ_PU);
  cpu.numa_nodes = std::max<std::uint32_t>(1, count(raw, HWLOC_OBJ_NUMANODE));
  if (cpu.threads == 0) {
    return Error{"hwloc", "the topology has no processing units"};
  }
  if (hwloc_obj_t package = hwloc_get_obj_by_type(raw, HWLOC_OBJ_PACKAGE, 0)) {
    if (const char* model = hwloc_obj_get_info_by_name(package, "CPUModel")) {
      cpu.model = model;
    }
    if (const char* vendor = hwloc_obj_get_info_by_name(package, "CPUVendor")) {
      cpu.vendor = vendor;
    }
  }
  cpu.sources.push_back("hwloc");
  return cpu;
}

} // namespace llmhw::probe::detail
