#pragma once
// Internal: ANSI styling that disappears when colour is off.

#include "llmhw/report/report.hpp"

#include <string>

namespace llmhw::report::detail {

struct Palette {
  std::string bold, dim, red, yellow, green, cyan, blue, magenta, reset;
};

inline Palette palette(const Style& style)
{
  if (!style.color) {
    return {};
  }
  return {"\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[33m", "\x1b[32m", "\x1b[36m", "\x1b[34m", "\x1b[35m", "\x1b[0m"};
}

} // namespace llmhw::report::detail
