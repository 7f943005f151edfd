#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <cmath>

namespace llmhw::units {

std::string format_bytes(std::uint64_t bytes)
{
  if (bytes >= 1024 * GiB) {
    return fmt::format("{:.1f} TiB", static_cast<double>(bytes) / static_cast<double>(1024 * GiB));
  }
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
  // Three significant figures, as datasheets print them: "3.35 TB/s", "26.8 TB/s", "576 TB/s".
  if (bytes_per_second >= 99.95e12) {
    return format_figure(bytes_per_second / 1e12) + " TB/s";
  }
  if (bytes_per_second >= 9.995e12) {
    return fmt::format("{:.1f} TB/s", bytes_per_second / 1e12);
  }
  if (bytes_per_second >= 1e12) {
    return fmt::format("{:.2f} TB/s", bytes_per_second / 1e12);
  }
  return fmt::format("{:.0f} GB/s", bytes_per_second / 1e9);
}

namespace {

/// "1.50" -> "1.5", "2.000" -> "2": fixed notation without trailing zeros.
std::string trim_zeros(std::string text)
{
  if (text.find('.') == std::string::npos) {
    return text;
  }
  while (text.back() == '0') {
    text.pop_back();
  }
  if (text.back() == '.') {
    text.pop_back();
  }
  return text;
}

/// "1530" -> "1,530"; the digits of a whole number in fixed notation.
std::string grouped(const std::string& digits)
{
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

/// "2,020.5": fixed notation with `decimals` decimals, the whole part grouped by thousands.
std::string fixed_grouped(double value, int decimals)
{
  const std::string text = fmt::format("{:.{}f}", std::abs(value), decimals);
  const std::size_t point = text.find('.');
  std::string out = value < 0 ? "-" : "";
  return out.append(grouped(text.substr(0, point))).append(point == std::string::npos ? "" : text.substr(point));
}

} // namespace

std::pair<std::string, std::string> format_apart(double a, double b)
{
  for (int decimals = 0;; ++decimals) {
    std::string x = fixed_grouped(a, decimals);
    std::string y = fixed_grouped(b, decimals);
    if (x != y || decimals == 3) {
      return {std::move(x), std::move(y)};
    }
  }
}

std::string format_figure(double value)
{
  if (!std::isfinite(value)) {
    return "?";
  }
  if (value < 0) {
    // Not `"-" + format_figure(…)`: GCC 12 at -O2 and above warns (-Wrestrict, a false positive) on
    // `const char* + std::string&&`, which inserts at the front of the string.
    return std::string("-").append(format_figure(-value));
  }
  if (value == 0) {
    return "0";
  }
  if (value < 0.0005) {
    return "< 0.001";
  }
  // The thresholds sit where rounding would carry into the next form (99.96 -> "100", not "100.0").
  if (value < 0.9995) {
    return trim_zeros(fmt::format("{:.3f}", value));
  }
  if (value < 99.95) {
    return trim_zeros(fmt::format("{:.1f}", value));
  }
  return grouped(fmt::format("{:.0f}", value));
}

std::string group_thousands(std::uint64_t value)
{
  return grouped(std::to_string(value));
}

std::string format_rate(double per_second, std::string_view unit)
{
  return fmt::format("{} {}", format_figure(per_second), unit);
}

std::string format_duration_ms(double ms)
{
  if (!std::isfinite(ms) || ms < 0) {
    return "?";
  }
  if (ms < 999.5) {
    return format_figure(ms) + " ms";
  }
  const double seconds = ms / 1e3;
  if (seconds < 9.95) {
    return trim_zeros(fmt::format("{:.1f}", seconds)) + " s";
  }
  if (seconds < 59.5) {
    return fmt::format("{:.0f} s", seconds);
  }
  if (seconds < 3599.5) {
    const long whole = std::lround(seconds);
    const long minutes = whole / 60;
    const long rest = whole % 60;
    return rest == 0 ? fmt::format("{} min", minutes) : fmt::format("{} min {} s", minutes, rest);
  }
  return format_figure(seconds / 3600.0) + " h";
}

} // namespace llmhw::units
