#pragma once
// Internal: what the output stream is (a terminal or not) and how wide.

#include "llmhw/report/report.hpp"

namespace llmhw::cli {

/// Colour only when stdout is a terminal and NO_COLOR is unset or empty;
/// width from the terminal, else $COLUMNS, else 100.
report::Style terminal_style(bool verbose);

/// Whether stderr is a terminal (for progress lines).
bool stderr_is_terminal();

} // namespace llmhw::cli
