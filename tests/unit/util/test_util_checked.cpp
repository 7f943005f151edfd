// Checked size arithmetic: the edges of 64 bits, where sizes read from files
// would otherwise wrap around or hit undefined behaviour.
#include "llmhw/util/checked.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

using llmhw::util::checked_add;
using llmhw::util::checked_mul;
using llmhw::util::saturating_ceil;

TEST_CASE("checked_mul and checked_add refuse results past 2^64 - 1", "[util][checked]")
{
  CHECK(checked_mul(1ULL << 32, (1ULL << 32) - 1) == 0xFFFF'FFFF'0000'0000ULL);
  CHECK_FALSE(checked_mul(1ULL << 32, 1ULL << 32).has_value());
  CHECK_FALSE(checked_mul(UINT64_MAX, 2).has_value());
  CHECK(checked_mul(UINT64_MAX, 0) == 0U);
  CHECK(checked_add(UINT64_MAX - 1, 1) == UINT64_MAX);
  CHECK_FALSE(checked_add(UINT64_MAX, 1).has_value());
}

TEST_CASE("saturating_ceil rounds up and saturates instead of converting out of range", "[util][checked]")
{
  CHECK(saturating_ceil(2.1) == 3U);
  CHECK(saturating_ceil(7.0) == 7U);
  CHECK(saturating_ceil(0.0) == 0U);
  CHECK(saturating_ceil(-5.0) == 0U);
  // The largest double below 2^64 is 2^64 - 2048; it converts exactly.
  const double below = std::nextafter(18446744073709551616.0, 0.0);
  CHECK(saturating_ceil(below) == 18446744073709549568ULL);
  CHECK(saturating_ceil(18446744073709551616.0) == UINT64_MAX);
  CHECK(saturating_ceil(1e30) == UINT64_MAX);
  CHECK(saturating_ceil(std::numeric_limits<double>::infinity()) == UINT64_MAX);
  // An unknown size must never look small enough to fit.
  CHECK(saturating_ceil(std::numeric_limits<double>::quiet_NaN()) == UINT64_MAX);
}
