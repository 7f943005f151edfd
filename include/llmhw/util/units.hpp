#pragma once
// Units: sizes are bytes (std::uint64_t), rates are per second, times are milliseconds.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace llmhw::units {

inline constexpr std::uint64_t KiB = 1024;
inline constexpr std::uint64_t MiB = 1024 * KiB;
inline constexpr std::uint64_t GiB = 1024 * MiB;
inline constexpr double GB = 1e9; ///< datasheet gigabyte (bandwidths, "80 GB")
inline constexpr double TFLOPS = 1e12;

/// "1.5 TiB", "23.5 GiB", "512 MiB", "0 B": binary units, for memory sizes.
std::string format_bytes(std::uint64_t bytes);

/// "3.35 TB/s", "26.8 TB/s", "819 GB/s": decimal units, as datasheets write bandwidth.
std::string format_bandwidth(double bytes_per_second);

/// A figure as people write it, never in exponent notation: "0", "0.004",
/// "0.547", "12.3", "850", "1,530", "1,000,000,000" (three decimals below 1,
/// one below 100, whole and grouped by thousands above); "< 0.001" for a
/// positive figure too small to show; "?" when not finite.
std::string format_figure(double value);

/// Two figures that differ, written so that they read apart: thousands grouped, with the fewest decimals (up to
/// three) that tell them apart. 2,020 and 2,000 → "2,020" and "2,000"; 100.3 and 100 → "100.3" and "100.0";
/// 99.96 and 100 → "99.96" and "100.00".
std::pair<std::string, std::string> format_apart(double a, double b);

/// "1,234,567": a whole number with its thousands grouped (token counts).
std::string group_thousands(std::uint64_t value);

/// "12.3 tok/s", "1,530 tok/s": format_figure and the unit.
std::string format_rate(double per_second, std::string_view unit);

/// A duration given in milliseconds as people say it: "0.004 ms", "850 ms",
/// "2.4 s", "15 s", "2 min 33 s", "1.2 h", "278 h"; "?" when negative or not finite.
std::string format_duration_ms(double ms);

} // namespace llmhw::units
