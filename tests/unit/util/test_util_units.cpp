// Figures in sentences and tables read as a person writes them: never "1.53e+05 ms".
#include "llmhw/util/units.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

using namespace llmhw::units;

TEST_CASE("format_figure writes fixed notation at every magnitude", "[util][units]")
{
  CHECK(format_figure(0) == "0");
  CHECK(format_figure(0.004) == "0.004");
  CHECK(format_figure(0.0001) == "< 0.001");
  CHECK(format_figure(0.547) == "0.547");
  CHECK(format_figure(0.9996) == "1");
  CHECK(format_figure(12.34) == "12.3");
  CHECK(format_figure(50.0) == "50");
  CHECK(format_figure(99.96) == "100");
  CHECK(format_figure(999.6) == "1,000");
  CHECK(format_figure(1530) == "1,530");
  CHECK(format_figure(1e5) == "100,000");
  CHECK(format_figure(1e9) == "1,000,000,000");
  CHECK(format_figure(-2.5) == "-2.5");
  CHECK(format_figure(std::numeric_limits<double>::quiet_NaN()) == "?");
  CHECK(format_figure(std::numeric_limits<double>::infinity()) == "?");
  // However large, no exponent.
  CHECK(format_figure(1e20).find('e') == std::string::npos);
}

TEST_CASE("format_rate appends its unit", "[util][units]")
{
  CHECK(format_rate(12.34, "tok/s") == "12.3 tok/s");
  CHECK(format_rate(1530.2, "tok/s") == "1,530 tok/s");
  CHECK(format_rate(0, "tok/s") == "0 tok/s");
}

TEST_CASE("format_duration_ms picks the unit a person would", "[util][units]")
{
  CHECK(format_duration_ms(0) == "0 ms");
  CHECK(format_duration_ms(0.004) == "0.004 ms");
  CHECK(format_duration_ms(62.5) == "62.5 ms");
  CHECK(format_duration_ms(850) == "850 ms");
  // 999.6 ms rounds to a second, not to "1000 ms".
  CHECK(format_duration_ms(999.6) == "1 s");
  CHECK(format_duration_ms(2400) == "2.4 s");
  CHECK(format_duration_ms(9960) == "10 s");
  CHECK(format_duration_ms(15'000) == "15 s");
  CHECK(format_duration_ms(59'600) == "1 min");
  CHECK(format_duration_ms(1e5) == "1 min 40 s");
  CHECK(format_duration_ms(153'000) == "2 min 33 s");
  CHECK(format_duration_ms(3'599'600) == "1 h");
  CHECK(format_duration_ms(4'320'000) == "1.2 h");
  CHECK(format_duration_ms(3.911e6) == "1.1 h");
  // 1e9 ms is 277.8 hours.
  CHECK(format_duration_ms(1e9) == "278 h");
  CHECK(format_duration_ms(-1) == "?");
  CHECK(format_duration_ms(std::numeric_limits<double>::infinity()) == "?");
}

TEST_CASE("sizes from bytes to TiB and bandwidths to hundreds of TB/s", "[util][units]")
{
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(512 * MiB) == "512 MiB");
  // 80 GB of H100 memory as NVML reports it: 81,559 MiB.
  CHECK(format_bytes(81'559 * MiB) == "79.6 GiB");
  // Eight MI300X: 8 × 192 GiB = 1.5 TiB.
  CHECK(format_bytes(8 * 192 * GiB) == "1.5 TiB");
  CHECK(format_bandwidth(819e9) == "819 GB/s");
  CHECK(format_bandwidth(3.35e12) == "3.35 TB/s");
  // Eight H100 SXM at 3.35 TB/s each; 72 B200 at 8 TB/s each (GB200 NVL72).
  CHECK(format_bandwidth(8 * 3.35e12) == "26.8 TB/s");
  CHECK(format_bandwidth(72 * 8e12) == "576 TB/s");
}

TEST_CASE("token counts are grouped by thousands", "[util][units]")
{
  using llmhw::units::group_thousands;
  CHECK(group_thousands(0) == "0");
  CHECK(group_thousands(999) == "999");
  CHECK(group_thousands(1000) == "1,000");
  CHECK(group_thousands(131072) == "131,072");
  CHECK(group_thousands(10'000'000) == "10,000,000");
}

TEST_CASE("format_apart writes two close figures with the fewest decimals that tell them apart", "[util][units]")
{
  using llmhw::units::format_apart;
  CHECK(format_apart(2020, 2000) == std::pair<std::string, std::string>{"2,020", "2,000"});
  CHECK(format_apart(100.3, 100) == std::pair<std::string, std::string>{"100.3", "100.0"});
  CHECK(format_apart(99.96, 100) == std::pair<std::string, std::string>{"99.96", "100.00"});
  CHECK(format_apart(1234567.2, 1234567.4) == std::pair<std::string, std::string>{"1,234,567.2", "1,234,567.4"});
  // Figures that differ past three decimals stop there.
  CHECK(format_apart(1.00001, 1) == std::pair<std::string, std::string>{"1.000", "1.000"});
}
