#include "backends.hpp"
#include "sysfs.hpp"

#include <sstream>

namespace llmhw::probe::detail {

/// MemTotal and MemAvailable from /proc/meminfo (values in kB).
std::optional<SystemMemory> read_meminfo(const std::string& root)
{
  const auto text = read_file(root, "/proc/meminfo");
  if (!text) {
    return std::nullopt;
  }
  SystemMemory memory;
  std::istringstream lines(*text);
  std::string key;
  std::uint64_t kilobytes = 0;
  std::string unit;
  while (lines >> key >> kilobytes) {
    std::getline(lines, unit);
    if (key == "MemTotal:") {
      memory.total_bytes = kilobytes * 1024;
    } else if (key == "MemAvailable:") {
      memory.available_bytes = kilobytes * 1024;
    }
  }
  if (memory.total_bytes == 0) {
    return std::nullopt;
  }
  return memory;
}

} // namespace llmhw::probe::detail
