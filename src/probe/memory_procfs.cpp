#include "backends.hpp"
#include "plausible.hpp"
#include "sysfs.hpp"

#include "llmhw/util/checked.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <sstream>

namespace llmhw::probe::detail {
namespace {

/// A "Key: value kB" figure in bytes, or nothing when it is absent, malformed (a sign, a
/// fraction) or beyond the plausible host memory (the warning names the line).
std::optional<std::uint64_t> meminfo_bytes(const std::string& text, const std::string& key,
                                           std::vector<std::string>& warnings)
{
  const auto value = field_value(text, key);
  if (!value) {
    return std::nullopt;
  }
  std::istringstream fields(*value);
  std::string number;
  fields >> number;
  std::uint64_t kilobytes = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), kilobytes);
  const std::string shown = fmt::format("\"{}\"", value->substr(0, 40));
  if (error == std::errc::result_out_of_range) {
    kilobytes = UINT64_MAX; // beyond any bound: warned about below
  } else if (error != std::errc{} || end != number.data() + number.size()) {
    warnings.push_back(fmt::format("/proc/meminfo: {} of {} is not a number of kB; ignored", key, shown));
    return std::nullopt;
  }
  const std::uint64_t bytes = util::checked_mul(kilobytes, std::uint64_t{1024}).value_or(UINT64_MAX);
  if (!plausible::within_bytes(bytes, 0, plausible::k_max_host_memory_bytes, key, "/proc/meminfo", shown, warnings)) {
    return std::nullopt;
  }
  return bytes;
}

} // namespace

/// MemTotal and MemAvailable from /proc/meminfo (values in kB).
std::optional<SystemMemory> read_meminfo(const std::string& root, std::vector<std::string>& warnings)
{
  const auto text = read_file(root, "/proc/meminfo");
  if (!text) {
    return std::nullopt;
  }
  SystemMemory memory;
  memory.total_bytes = meminfo_bytes(*text, "MemTotal", warnings).value_or(0);
  if (memory.total_bytes == 0) {
    return std::nullopt;
  }
  memory.available_bytes = meminfo_bytes(*text, "MemAvailable", warnings).value_or(0);
  if (memory.available_bytes > memory.total_bytes) {
    warnings.push_back(fmt::format("/proc/meminfo: MemAvailable ({} kB) is above MemTotal ({} kB); available memory "
                                   "unknown",
                                   memory.available_bytes / 1024, memory.total_bytes / 1024));
    memory.available_bytes = 0; // unknown
  }
  return memory;
}

} // namespace llmhw::probe::detail
