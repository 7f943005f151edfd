#pragma once
// Internal: what the output stream is (a terminal or not) and how wide.

#include "llmhw/report/report.hpp"

#include <string>

namespace llmhw::cli {

/// Columns to lay text out for: the terminal's width when stdout is one, else $COLUMNS (40 to 1000) when set,
/// else 80 — what a pager, `head` or an editor shows without wrapping.
int output_width();

/// Whether reports are coloured, from --color (`auto`, `always`, `never`). `auto`: only when stdout is a
/// terminal and NO_COLOR is unset or empty. An explicit `always` overrides NO_COLOR (no-color.org: a
/// command-line argument overrides the environment); `never` wins over everything.
bool use_color(const std::string& color);

/// The style of a report: colour from `color` (use_color), width from output_width().
report::Style terminal_style(bool verbose, const std::string& color = "auto");

/// Whether stderr is a terminal (for progress lines).
bool stderr_is_terminal();

/// "llm-hw: error: MESSAGE" on stderr, on one line, whatever the message holds: its line breaks become spaces,
/// and the names, paths and values it quotes cannot send the terminal control characters (util::printable).
void print_error(const std::string& message);

} // namespace llmhw::cli
