// What the process may use under its control groups: the memory limit (v2
// memory.max, v1 memory.limit_in_bytes), the CPU quota (cpu.max,
// cpu.cfs_quota_us) and the CPUs it may run on (Cpus_allowed_list).
#include "backends.hpp"
#include "plausible.hpp"
#include "sysfs.hpp"

#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

namespace llmhw::probe::detail {
namespace {

/// Limits at or above 2^62 are the kernel's "no limit" (PAGE_COUNTER_MAX rounded to pages).
constexpr std::uint64_t k_unlimited_bytes = std::uint64_t{1} << 62;

/// Real cgroup trees are a handful of levels deep (systemd: /user.slice/user-1000.slice/
/// session-2.scope; Kubernetes: /kubepods.slice/<qos>/<pod>/<container>). A path deeper than
/// this is a hostile or corrupt file: only its first levels are walked.
constexpr std::size_t k_max_cgroup_depth = 64;

/// A cgroup path as its components below the hierarchy's root ("/a/b" → {"a", "b"}).
using CgroupPath = std::vector<std::string>;

struct CgroupPaths {
  std::optional<CgroupPath> unified;    ///< v2: the path after "0::"
  std::map<std::string, CgroupPath> v1; ///< controller → path
};

/// `path` component by component, with or without its leading '/'. A ".." component could
/// name a directory outside the cgroup tree: such a path is read as the root alone.
CgroupPath parse_cgroup_path(const std::string& path, std::vector<std::string>& warnings)
{
  CgroupPath components;
  for (const std::string& component : util::split(path, '/')) {
    if (component.empty() || component == ".") {
      continue;
    }
    if (component == "..") {
      warnings.push_back(fmt::format("/proc/self/cgroup: a path with a \"..\" component ({}); only the limits at "
                                     "the cgroup root are read",
                                     path.substr(0, 200)));
      return {};
    }
    if (components.size() == k_max_cgroup_depth) {
      warnings.push_back(fmt::format("/proc/self/cgroup: a path deeper than {} levels; the limits below level {} "
                                     "are not read",
                                     k_max_cgroup_depth, k_max_cgroup_depth));
      break;
    }
    components.push_back(component);
  }
  return components;
}

CgroupPaths read_self_cgroup(const std::string& root, std::vector<std::string>& warnings)
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
    const CgroupPath path = parse_cgroup_path(line.substr(second + 1), warnings);
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
std::vector<std::string> directories(const std::string& base, const CgroupPath& path)
{
  std::vector<std::string> out{base};
  for (const std::string& component : path) {
    out.push_back(out.back() + "/" + component);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<std::uint64_t> smallest_limit(const std::string& root, const std::vector<std::string>& dirs,
                                            const std::string& file, std::vector<std::string>& warnings)
{
  std::optional<std::uint64_t> smallest;
  for (const std::string& dir : dirs) {
    const std::string path = dir + "/" + file;
    const auto value = read_uint(root, path); // "max" does not parse: no limit
    if (!value || *value >= k_unlimited_bytes ||
        !plausible::within_bytes(*value, plausible::k_min_cgroup_memory_bytes, UINT64_MAX, "a memory limit",
                                 path, fmt::format("{} bytes", *value), warnings)) {
      continue;
    }
    if (!smallest || *value < *smallest) {
      smallest = value;
    }
  }
  return smallest;
}

/// What the most constrained cgroup on the way has left: its limit less its usage (memory.current,
/// memory.usage_in_bytes). A usage above the limit (the kernel reclaims) leaves nothing.
std::optional<std::uint64_t> smallest_headroom(const std::string& root, const std::vector<std::string>& dirs,
                                               const std::string& limit_file, const std::string& usage_file)
{
  std::optional<std::uint64_t> smallest;
  for (const std::string& dir : dirs) {
    const auto limit = read_uint(root, dir + "/" + limit_file);
    if (!limit || *limit >= k_unlimited_bytes || *limit < plausible::k_min_cgroup_memory_bytes) {
      continue; // no limit here, or one smallest_limit already warned about
    }
    const std::uint64_t usage = read_uint(root, dir + "/" + usage_file).value_or(0);
    const std::uint64_t left = usage < *limit ? *limit - usage : 0;
    if (!smallest || left < *smallest) {
      smallest = left;
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
    if (!std::isfinite(cores)) { // from_chars reads "inf": no quota at all
      continue;
    }
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
    if (!std::isfinite(cores)) {
      continue;
    }
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

CgroupLimits read_cgroup_limits(const std::string& root, std::vector<std::string>& warnings)
{
  CgroupLimits limits;
  const CgroupPaths paths = read_self_cgroup(root, warnings);
  if (paths.unified) {
    const auto dirs = directories("/sys/fs/cgroup", *paths.unified);
    limits.memory_bytes = smallest_limit(root, dirs, "memory.max", warnings);
    limits.memory_headroom_bytes = smallest_headroom(root, dirs, "memory.max", "memory.current");
    limits.cpu_quota_cores = quota_cores_v2(root, dirs);
  }
  if (const auto memory = paths.v1.find("memory"); memory != paths.v1.end() && !limits.memory_bytes) {
    const auto dirs = directories("/sys/fs/cgroup/memory", memory->second);
    limits.memory_bytes = smallest_limit(root, dirs, "memory.limit_in_bytes", warnings);
    limits.memory_headroom_bytes = smallest_headroom(root, dirs, "memory.limit_in_bytes", "memory.usage_in_bytes");
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
