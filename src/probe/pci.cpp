// PCI functions from sysfs: the identity of every GPU and TPU, whatever driver
// (or none) is bound to it.
#include "pci.hpp"
#include "sysfs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace llmhw::probe::detail {

bool is_gpu_class(std::uint32_t class_code)
{
  const std::uint32_t base = class_code >> 16;
  return base == 0x03 || base == 0x12;
}

std::string normalize_bus_id(const std::string& bus_id)
{
  std::string id = bus_id;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  // NVML writes the domain with eight digits; sysfs with four.
  const auto colon = id.find(':');
  if (colon == 8 && id.starts_with("0000")) {
    id = id.substr(4);
  }
  return id;
}

PciScan scan_pci(const std::string& root)
{
  PciScan scan;
  const std::string base = "/sys/bus/pci/devices/";
  auto names = try_list_dir(root, "/sys/bus/pci/devices");
  if (!names) {
    if (exists(root, "/sys/bus/pci/devices")) { // a machine without PCI (a container, some VMs) has none to list
      scan.warnings.push_back(fmt::format("PCI devices: {} {}; no GPU or TPU can be found through PCI",
                                          names.error().input, names.error().problem));
    }
    return scan;
  }
  for (const std::string& name : *names) {
    const std::string dir = base + name;
    PciFunction function;
    function.bus_id = normalize_bus_id(name);
    const auto vendor = read_hex_id(root, dir + "/vendor");
    const auto device = read_hex_id(root, dir + "/device");
    if (!vendor || !device) {
      scan.warnings.push_back("PCI " + name + ": cannot read its vendor or device id; skipped");
      continue;
    }
    function.vendor_id = *vendor;
    function.device_id = *device;
    if (const auto class_text = read_hex_id(root, dir + "/class")) {
      std::uint32_t value = 0;
      std::from_chars(class_text->data(), class_text->data() + class_text->size(), value, 16);
      function.class_code = value;
    }
    function.subsystem_device = read_hex_id(root, dir + "/subsystem_device");
    if (const auto node = read_line(root, dir + "/numa_node")) {
      int value = -1;
      const auto [end, error] = std::from_chars(node->data(), node->data() + node->size(), value);
      if (error == std::errc{} && value >= 0 && value < 4096) {
        function.numa_node = value;
      }
    }
    function.driver = link_target_name(root, dir + "/driver");
    scan.functions.push_back(std::move(function));
  }
  std::sort(scan.functions.begin(), scan.functions.end(),
            [](const PciFunction& a, const PciFunction& b) { return a.bus_id < b.bus_id; });
  return scan;
}

} // namespace llmhw::probe::detail
