// The host's high-speed NICs, for the network between hosts of a multi-host plan.
//
// RDMA devices are under /sys/class/infiniband/<dev>: each port's `rate` ("400 Gb/sec (4X NDR)") and `link_layer`
// ("InfiniBand", or "Ethernet" for RoCE); AWS's Elastic Fabric Adapter is an RDMA device bound to the `efa` driver
// (device/driver -> .../efa). Other NICs are /sys/class/net/<if> with a `device` link (virtual interfaces have
// none) and `speed` in Mb/s (-1 or unreadable when the link is down); IPoIB interfaces (type 32) and the Ethernet
// side of a RoCE NIC (device/infiniband) are the RDMA devices already counted.
#include "backends.hpp"
#include "sysfs.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace llmhw::probe::detail {
namespace {

constexpr std::size_t k_max_interfaces = 256; // more NICs than any server has: a bound on what a hostile tree lists
constexpr double k_max_rate_gbps = 1e5;       // 100 Tb/s per link: beyond any NIC

/// The leading number of a rate file ("400 Gb/sec (4X NDR)" → 400), within bounds.
std::optional<double> leading_number(const std::string& text)
{
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !(value > 0 && value <= k_max_rate_gbps)) {
    return std::nullopt;
  }
  return value;
}

void rdma_devices(const std::string& root, std::vector<NetworkInterface>& out)
{
  for (const std::string& device : list_dir(root, "/sys/class/infiniband")) {
    const std::string base = "/sys/class/infiniband/" + device;
    const bool efa = link_target_name(root, base + "/device/driver").value_or("") == "efa";
    const std::vector<std::string> ports = list_dir(root, base + "/ports");
    for (const std::string& port : ports) {
      if (out.size() >= k_max_interfaces) {
        return;
      }
      const std::string path = base + "/ports/" + port;
      const auto rate = leading_number(read_line(root, path + "/rate").value_or(""));
      const std::string layer = read_line(root, path + "/link_layer").value_or("InfiniBand");
      const std::string kind = efa ? "efa" : layer == "Ethernet" ? "roce" : "infiniband";
      out.push_back({ports.size() > 1 ? fmt::format("{}/{}", device, port) : device, kind, rate.value_or(0)});
    }
  }
}

void ethernet_devices(const std::string& root, std::vector<NetworkInterface>& out)
{
  for (const std::string& name : list_dir(root, "/sys/class/net")) {
    if (out.size() >= k_max_interfaces) {
      return;
    }
    const std::string base = "/sys/class/net/" + name;
    if (!exists(root, base + "/device") || read_line(root, base + "/type").value_or("1") == "32" ||
        exists(root, base + "/device/infiniband")) {
      continue;
    }
    const auto mbps = read_uint(root, base + "/speed");
    if (!mbps || *mbps == 0 || static_cast<double>(*mbps) / 1000 > k_max_rate_gbps) {
      continue; // down, or a speed no NIC has
    }
    out.push_back({name, "ethernet", static_cast<double>(*mbps) / 1000});
  }
}

} // namespace

std::vector<NetworkInterface> read_network(const std::string& root)
{
  std::vector<NetworkInterface> out;
  rdma_devices(root, out);
  ethernet_devices(root, out);
  return out;
}

} // namespace llmhw::probe::detail
