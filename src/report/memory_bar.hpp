#pragma once
// Internal: one candidate's memory plan as a bar of block characters, so the
// eye sees at once what takes the space and how much is left (or missing).
//
//   ████████████████████▓▓▓▓▓▒░░·····   weights, KV cache, activations, overhead, free
//   ██████████████████┃██▓▓▓▓▓▒░░       needs more than is usable: ┃ marks the limit

#include "style.hpp"

#include "llmhw/estimate/estimate.hpp"

#include <string>
#include <vector>

namespace llmhw::report::detail {

/// `width` cells (one more for the ┃ when the plan does not fit). Each part
/// gets cells in proportion to its bytes, rounded so they add up to `width`.
std::string memory_bar(const estimate::MemoryPlan& plan, std::size_t width, const Palette& colors);

/// "19.9 GiB of 20.2 GiB" (the bar shows what is free) or "21.3 GiB needed, 7.0 GiB usable".
std::string memory_caption(const estimate::MemoryPlan& plan);

/// What each character stands for: "█ weights", "▓ KV cache", …, "┃ usable limit".
std::vector<std::string> memory_legend(const Palette& colors);

} // namespace llmhw::report::detail
