// The probe's procfs and cgroup readers: /proc/self/cgroup, the cgroup limit files it leads
// to, /proc/meminfo and /proc/cpuinfo, written under a fixture root as the probe reads them
// from LLM_HW_ROOT. The input is split at NUL bytes into those files, in that order, so the
// fuzzer can shape the cgroup path and the limit it names together. A probe must end on any
// of them (the cgroup walk once looped on a relative path) and keep every figure it returns
// within its plausibility bounds.
#include "probe/backends.hpp"
#include "probe/plausible.hpp"

#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, std::string_view text)
{
  fs::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
}

/// The input's NUL-separated parts; missing ones are empty.
std::vector<std::string_view> parts(std::string_view input, std::size_t count)
{
  std::vector<std::string_view> out(count);
  for (std::size_t index = 0; index < count && !input.empty(); ++index) {
    const auto end = input.find('\0');
    out[index] = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace detail = llmhw::probe::detail;
  namespace plausible = llmhw::probe::plausible;
  static const fs::path root = fs::temp_directory_path() / ("llm-hw-fuzz-procfs-" + std::to_string(getpid()));
  if (size > (64U << 10)) { // real files are a few KiB; larger inputs only slow the run down
    return 0;
  }
  const auto files = parts(std::string_view(reinterpret_cast<const char*>(data), size), 6);
  std::error_code ignored;
  fs::remove_all(root, ignored);
  write(root / "proc/self/cgroup", files[0]);
  write(root / "sys/fs/cgroup/memory.max", files[1]);
  write(root / "sys/fs/cgroup/cpu.max", files[2]);
  write(root / "proc/self/status", files[3]);
  write(root / "proc/meminfo", files[4]);
  write(root / "proc/cpuinfo", files[5]);
  // The limit files also sit one level down, where a one-component cgroup path leads.
  write(root / "sys/fs/cgroup/a/memory.max", files[1]);

  std::vector<std::string> warnings;
  const detail::CgroupLimits limits = detail::read_cgroup_limits(root.string(), warnings);
  if (limits.memory_bytes && *limits.memory_bytes < plausible::k_min_cgroup_memory_bytes) {
    __builtin_trap();
  }
  if (limits.cpu_quota_cores && !(*limits.cpu_quota_cores > 0 && std::isfinite(*limits.cpu_quota_cores))) {
    __builtin_trap();
  }
  if (const auto memory = detail::read_meminfo(root.string(), warnings)) {
    if (memory->total_bytes > plausible::k_max_host_memory_bytes || memory->available_bytes > memory->total_bytes) {
      __builtin_trap();
    }
  }
  if (const auto info = detail::read_cpuinfo(root.string())) {
    (void)info->model.size();
  }
  (void)detail::read_max_clock_ghz(root.string(), warnings);
  return 0;
}
