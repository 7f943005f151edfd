#pragma once
// Checked size arithmetic for sizes that come from files: element counts times
// type sizes must not wrap around.

#include <cmath>
#include <cstdint>
#include <optional>

namespace llmhw::util {

[[nodiscard]] inline std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b)
{
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    return std::nullopt;
  }
  return product;
}

[[nodiscard]] inline std::optional<std::uint64_t> checked_add(std::uint64_t a, std::uint64_t b)
{
  std::uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return std::nullopt;
  }
  return sum;
}

/// `value` rounded up to a whole count, saturating at UINT64_MAX. Byte counts
/// worked out in double (parameters x bits per weight, KV elements x context)
/// can pass 2^64 for shapes read from a file, and converting such a double to
/// an integer is undefined behaviour. NaN saturates too: an unknown size must
/// never look small enough to fit.
[[nodiscard]] inline std::uint64_t saturating_ceil(double value)
{
  constexpr double k_two_to_64 = 18446744073709551616.0;
  if (std::isnan(value) || value >= k_two_to_64) {
    return UINT64_MAX;
  }
  if (value <= 0) {
    return 0;
  }
  return static_cast<std::uint64_t>(std::ceil(value));
}

} // namespace llmhw::util
