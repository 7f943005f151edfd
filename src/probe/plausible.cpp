#include "plausible.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>

namespace llmhw::probe::plausible {
namespace {

void warn(std::string_view what, std::string_view source, std::string_view shown, const std::string& range,
          std::vector<std::string>& warnings)
{
  warnings.push_back(fmt::format("{}: {} of {} is implausible ({}); ignored", source, what, shown, range));
}

} // namespace

bool within(double value, double min, double max, std::string_view unit, std::string_view what,
            std::string_view source, std::string_view shown, std::vector<std::string>& warnings)
{
  if (value >= min && value <= max) { // false for NaN
    return true;
  }
  warn(what, source, shown,
       min > 0 ? fmt::format("outside {:g}–{:g} {}", min, max, unit) : fmt::format("more than {:g} {}", max, unit),
       warnings);
  return false;
}

bool within_bytes(std::uint64_t value, std::uint64_t min, std::uint64_t max, std::string_view what,
                  std::string_view source, std::string_view shown, std::vector<std::string>& warnings)
{
  if (value >= min && value <= max) {
    return true;
  }
  std::string range = fmt::format("outside {}–{}", units::format_bytes(min), units::format_bytes(max));
  if (min == 0) {
    range = "more than " + units::format_bytes(max);
  } else if (max == UINT64_MAX) {
    range = "less than " + units::format_bytes(min);
  }
  warn(what, source, shown, range, warnings);
  return false;
}

} // namespace llmhw::probe::plausible
