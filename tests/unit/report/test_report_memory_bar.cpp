// The memory bar: cells in proportion to bytes, a marker where usable memory ends.
#include "report/layout.hpp"
#include "report/memory_bar.hpp"

#include "llmhw/util/units.hpp"

#include <catch2/catch.hpp>

using llmhw::estimate::MemoryPlan;
using llmhw::report::detail::memory_bar;
using llmhw::report::detail::memory_caption;
using llmhw::report::detail::memory_legend;
using llmhw::report::detail::Palette;
using llmhw::units::GiB;

namespace {

std::string repeat(const std::string& glyph, std::size_t times)
{
  std::string out;
  for (std::size_t i = 0; i < times; ++i) {
    out += glyph;
  }
  return out;
}

MemoryPlan plan(std::uint64_t usable, std::uint64_t weights, std::uint64_t kv, std::uint64_t activations,
                std::uint64_t overhead)
{
  MemoryPlan memory;
  memory.usable_bytes = usable;
  memory.weights_bytes = weights;
  memory.kv_cache_bytes = kv;
  memory.activation_bytes = activations;
  memory.overhead_bytes = overhead;
  return memory;
}

} // namespace

TEST_CASE("memory bar cells follow the bytes of each part", "[report][memory]")
{
  // 40 of 80 GiB weights, 20 KV, 4 activations, 4 overhead, 12 free: 20 cells are 4 GiB each.
  const MemoryPlan memory = plan(80 * GiB, 40 * GiB, 20 * GiB, 4 * GiB, 4 * GiB);
  CHECK(memory_bar(memory, 20, Palette{}) == repeat("█", 10) + repeat("▓", 5) + "▒" + "░" + repeat("·", 3));
}

TEST_CASE("memory bar cells always add up to the width", "[report][memory]")
{
  // Thirds of 10 cells: 3.33 each, the one spare cell goes to the first part.
  const MemoryPlan memory = plan(3 * GiB, GiB, GiB, GiB, 0);
  CHECK(memory_bar(memory, 10, Palette{}) == repeat("█", 4) + repeat("▓", 3) + repeat("▒", 3));
}

TEST_CASE("memory bar marks where usable memory ends when the plan does not fit", "[report][memory]")
{
  // 60 GiB needed, 40 usable: the limit falls two thirds along 30 cells.
  const MemoryPlan memory = plan(40 * GiB, 60 * GiB, 0, 0, 0);
  CHECK(memory_bar(memory, 30, Palette{}) == repeat("█", 20) + "┃" + repeat("█", 10));
  CHECK(memory_caption(memory) == "60.0 GiB needed, 40.0 GiB usable");
}

TEST_CASE("memory caption says how much is used of what is usable", "[report][memory]")
{
  CHECK(memory_caption(plan(80 * GiB, 40 * GiB, 20 * GiB, 4 * GiB, 4 * GiB)) == "68.0 GiB of 80.0 GiB");
}

TEST_CASE("memory legend names every glyph and colours only with a palette", "[report][memory]")
{
  CHECK(memory_legend(Palette{}) ==
        std::vector<std::string>{"█ weights", "▓ KV cache", "▒ activations", "░ overhead", "· free", "┃ usable limit"});
  const Palette colors = llmhw::report::detail::palette(llmhw::report::Style{.color = true});
  CHECK(memory_legend(colors).front() == "\x1b[34m█\x1b[0m weights");
}
