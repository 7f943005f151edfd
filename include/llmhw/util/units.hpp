#pragma once
// Units: sizes are bytes (std::uint64_t), rates are per second, times are milliseconds.

#include <cstdint>
#include <string>

namespace llmhw::units {

inline constexpr std::uint64_t KiB = 1024;
inline constexpr std::uint64_t MiB = 1024 * KiB;
inline constexpr std::uint64_t GiB = 1024 * MiB;
inline constexpr double GB = 1e9;   ///< datasheet gigabyte (bandwidths, "80 GB")
inline constexpr double TFLOPS = 1e12;

/// "23.5 GiB", "512 MiB", "0 B": binary units, for memory sizes.
std::string format_bytes(std::uint64_t bytes);

/// "3.35 TB/s", "819 GB/s": decimal units, as datasheets write bandwidth.
std::string format_bandwidth(double bytes_per_second);

} // namespace llmhw::units
