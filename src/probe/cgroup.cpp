// What the process may use under its control groups: the memory limit (v2
// memory.max, v1 memory.limit_in_bytes), the CPU quota (cpu.max,
// cpu.cfs_quota_us) and the CPUs it may run on (Cpus_allowed_list).
#include "backends.hpp"
#include "sysfs.hpp"

#include "llmhw/util/text.hpp"

#include <charconv>
#include <sstream>

namespace llmhw::probe::detail {
namespace {

/// Limits at or above 2^62 are the kernel's "no limit" (PAGE_COUNTER_MAX rounded to pages).
constexpr std::uint64_t k_unlimited_bytes = std::uint64_t{1} << 62;

struct CgroupPaths {
  std::optional<std::string> unified;    ///< v2: the path after "0::"
  std::map<std::string, std::string> v1; ///< controller → path
};

CgroupPaths read_self_cgroup(const std::string& root)
{
  CgroupPaths paths;
  const auto text = read_file(root, "/proc/self/cgroup");
  if (!text) {
    return paths;
  }
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto first = line.find(':');
    const auto second = line.find(':', first == std::string::npos ? 0 : first + 1);
    if (first == std::string::npos || second == std::string::npos) {
      continue;
    }
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (line.substr(0, first) == "0" && controllers.empty()) {
      paths.unified = path;
      continue;
    }
    for (const std::string& controller : util::split(controllers, ',')) {
      paths.v1[controller] = path;
    }
  }
  return paths;
}

/// `base`/`path`, then each parent up to `base`: a parent's limit applies too. Inside a
/// cgroup namespace the path is "/" and the files sit at `base` itself.
std::vector<std::string> directories(const std::string& base, const std::string& path)
{
  std::vector<std::string> out;
  std::string current = path;
  while (!current.empty() && current != "/") {
    out.push_back(base + current);
    current = current.substr(0, current.find_last_of('/'));
  }
  out.push_back(base);
  return out;
}

std::optional<std::uint64_t> smallest_limit(const std::string& root, const std::vector<std::string>& dirs,
                                            const std::string& file)
{
  std::optional<std::uint64_t> smallest;
  for (const std::string& dir : dirs) {
    const auto value = read_uint(root, dir + "/" + file); // "max" does not parse: no limit
    if (value && *value < k_unlimited_bytes && (!smallest || *value < *smallest)) {
      smallest = value;
    }
  }
  return smallest;
}

std::optional<double> quota_cores_v2(const std::string& root, const std::vector<std::string>& dirs)
{
  std::optional<double> smallest;
  for (const std::string& dir : dirs) {
    const auto line = read_line(root, dir + "/cpu.max"); // "200000 100000" or "max 100000"
    if (!line) {
      continue;
    }
    std::istringstream fields(*line);
    std::string quota;
    double period = 0;
    if (!(fields >> quota >> period) || quota == "max" || !(period > 0)) {
      continue;
    }
    double quota_us = 0;
    if (std::from_chars(quota.data(), quota.data() + quota.size(), quota_us).ec != std::errc{} || !(quota_us > 0)) {
      continue;
    }
    const double cores = quota_us / period;
    if (!smallest || cores < *smallest) {
      smallest = cores;
    }
  }
  return smallest;
}

std::optional<double> quota_cores_v1(const std::string& root, const std::vector<std::string>& dirs)
{
  std::optional<double> smallest;
  for (const std::string& dir : dirs) {
    const auto quota = read_line(root, dir + "/cpu.cfs_quota_us"); // -1: no quota
    const auto period = read_uint(root, dir + "/cpu.cfs_period_us");
    if (!quota || !period || *period == 0 || quota->starts_with('-')) {
      continue;
    }
    double quota_us = 0;
    if (std::from_chars(quota->data(), quota->data() + quota->size(), quota_us).ec != std::errc{} || !(quota_us > 0)) {
      continue;
    }
    const double cores = quota_us / static_cast<double>(*period);
    if (!smallest || cores < *smallest) {
      smallest = cores;
    }
  }
  return smallest;
}

} // namespace

std::optional<std::uint32_t> count_cpu_list(const std::string& list)
{
  // "0-3,8,10-11" → 7
  std::uint32_t total = 0;
  for (const std::string& range : util::split(util::trim(list), ',')) {
    if (range.empty()) {
      continue;
    }
    const auto dash = range.find('-');
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    const std::string a = range.substr(0, dash);
    const std::string b = dash == std::string::npos ? a : range.substr(dash + 1);
    if (std::from_chars(a.data(), a.data() + a.size(), first).ec != std::errc{} ||
        std::from_chars(b.data(), b.data() + b.size(), last).ec != std::errc{} || last < first ||
        last - first > 1u << 20) {
      return std::nullopt;
    }
    total += last - first + 1;
  }
  return total > 0 ? std::optional(total) : std::nullopt;
}

CgroupLimits read_cgroup_limits(const std::string& root)
{
  CgroupLimits limits;
  const CgroupPaths paths = read_self_cgroup(root);
  if (paths.unified) {
    const auto dirs = directories("/sys/fs/cgroup", *paths.unified);
    limits.memory_bytes = smallest_limit(root, dirs, "memory.max");
    limits.cpu_quota_cores = quota_cores_v2(root, dirs);
  }
  if (const auto memory = paths.v1.find("memory"); memory != paths.v1.end() && !limits.memory_bytes) {
    limits.memory_bytes =
        smallest_limit(root, directories("/sys/fs/cgroup/memory", memory->second), "memory.limit_in_bytes");
  }
  for (const char* controller : {"cpu", "cpuacct"}) {
    if (const auto cpu = paths.v1.find(controller); cpu != paths.v1.end() && !limits.cpu_quota_cores) {
      for (const std::string base : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
        if (!limits.cpu_quota_cores) {
          limits.cpu_quota_cores = quota_cores_v1(root, directories(base, cpu->second));
        }
      }
    }
  }
  // The affinity mask already reflects the cpuset controller (v1 or v2) and taskset.
  if (const auto status = read_file(root, "/proc/self/status")) {
    if (const auto allowed = field_value(*status, "Cpus_allowed_list")) {
      limits.allowed_cpus = count_cpu_list(*allowed);
    }
  }
  return limits;
}

} // namespace llmhw::probe::detail
