#include "llmhw/util/units.hpp"

#include <fmt/format.h>

namespace llmhw::units {

std::string format_bytes(std::uint64_t bytes)
{
  if (bytes >= GiB) {
    return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / static_cast<double>(GiB));
  }
  if (bytes >= MiB) {
    return fmt::format("{:.0f} MiB", static_cast<double>(bytes) / static_cast<double>(MiB));
  }
  if (bytes >= KiB) {
    return fmt::format("{:.0f} KiB", static_cast<double>(bytes) / static_cast<double>(KiB));
  }
  return fmt::format("{} B", bytes);
}

std::string format_bandwidth(double bytes_per_second)
{
  if (bytes_per_second >= 1e12) {
    return fmt::format("{:.2f} TB/s", bytes_per_second / 1e12);
  }
  return fmt::format("{:.0f} GB/s", bytes_per_second / 1e9);
}

} // namespace llmhw::units
