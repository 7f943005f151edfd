#pragma once
// Internal: what the output stream is (a terminal or not) and how wide.

#include "llmhw/report/report.hpp"

#include <string>

namespace llmhw::cli {

/// Colour only when stdout is a terminal and NO_COLOR is unset or empty;
/// width from the terminal, else $COLUMNS, else 100.
report::Style terminal_style(bool verbose);

/// Whether stderr is a terminal (for progress lines).
bool stderr_is_terminal();

/// "llm-hw: error: MESSAGE" on stderr, on one line, whatever the message holds: its line breaks become spaces,
/// and the names, paths and values it quotes cannot send the terminal control characters (util::printable).
void print_error(const std::string& message);

} // namespace llmhw::cli
