#include "memory_bar.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>

namespace llmhw::report::detail {
namespace {

struct Part {
  const char* glyph;
  const char* label;
  std::string Palette::*color;
};

// Darker blocks for what the model needs, lighter for what the engine adds,
// a dot for what is left: readable without colour, and in any font that has
// the Unicode block elements (U+2580–U+259F).
constexpr std::array<Part, 5> k_parts{{{"█", "weights", &Palette::blue},
                                       {"▓", "KV cache", &Palette::magenta},
                                       {"▒", "activations", &Palette::yellow},
                                       {"░", "overhead", &Palette::dim},
                                       {"·", "free", &Palette::dim}}};

/// Cells per part by largest remainder: proportional, summing to `width`.
std::array<std::size_t, 5> apportion(const std::array<double, 5>& bytes, std::size_t width)
{
  const double total = std::accumulate(bytes.begin(), bytes.end(), 0.0);
  std::array<std::size_t, 5> cells{};
  if (total <= 0 || width == 0) {
    return cells;
  }
  std::array<double, 5> remainders{};
  std::size_t given = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const double exact = bytes[i] / total * static_cast<double>(width);
    cells[i] = static_cast<std::size_t>(exact);
    remainders[i] = exact - static_cast<double>(cells[i]);
    given += cells[i];
  }
  while (given < width) {
    const auto largest = std::max_element(remainders.begin(), remainders.end());
    ++cells[static_cast<std::size_t>(largest - remainders.begin())];
    *largest = -1;
    ++given;
  }
  return cells;
}

std::uint64_t used_bytes(const estimate::MemoryPlan& plan)
{
  return plan.weights_bytes + plan.kv_cache_bytes + plan.activation_bytes + plan.overhead_bytes;
}

} // namespace

std::string memory_bar(const estimate::MemoryPlan& plan, std::size_t width, const Palette& colors)
{
  const std::uint64_t used = used_bytes(plan);
  const std::uint64_t free = plan.usable_bytes > used ? plan.usable_bytes - used : 0;
  const std::array<double, 5> bytes{static_cast<double>(plan.weights_bytes), static_cast<double>(plan.kv_cache_bytes),
                                    static_cast<double>(plan.activation_bytes),
                                    static_cast<double>(plan.overhead_bytes), static_cast<double>(free)};
  const std::array<std::size_t, 5> cells = apportion(bytes, width);

  // Where the usable memory ends, when the plan needs more than that.
  std::size_t limit_cell = width;
  if (used > plan.usable_bytes && used > 0) {
    limit_cell = static_cast<std::size_t>(static_cast<double>(plan.usable_bytes) / static_cast<double>(used) *
                                          static_cast<double>(width));
  }
  std::string bar;
  std::size_t cell = 0;
  for (std::size_t i = 0; i < k_parts.size(); ++i) {
    for (std::size_t n = 0; n < cells[i]; ++n, ++cell) {
      if (cell == limit_cell) {
        bar += colors.red + "┃" + colors.reset;
      }
      const std::string& color = cell >= limit_cell ? colors.red : colors.*(k_parts[i].color);
      bar += color + k_parts[i].glyph + colors.reset;
    }
  }
  return bar;
}

std::string memory_caption(const estimate::MemoryPlan& plan)
{
  const std::uint64_t used = used_bytes(plan);
  if (used > plan.usable_bytes) {
    return fmt::format("{} needed, {} usable", units::format_bytes(used), units::format_bytes(plan.usable_bytes));
  }
  return fmt::format("{} of {}", units::format_bytes(used), units::format_bytes(plan.usable_bytes));
}

std::vector<std::string> memory_legend(const Palette& colors)
{
  std::vector<std::string> legend;
  for (const Part& part : k_parts) {
    legend.push_back(fmt::format("{}{}{} {}", colors.*(part.color), part.glyph, colors.reset, part.label));
  }
  legend.push_back(fmt::format("{}┃{} usable limit", colors.red, colors.reset));
  return legend;
}

} // namespace llmhw::report::detail
