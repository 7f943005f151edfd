#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include "llmhw/util/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>

namespace llmhw::cli {

report::Style terminal_style(bool verbose)
{
  report::Style style;
  style.verbose = verbose;
  const bool on_terminal = isatty(STDOUT_FILENO) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  style.color = on_terminal && (no_color == nullptr || *no_color == '\0');

  winsize size{};
  if (on_terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    style.width = size.ws_col;
  } else if (const char* columns = std::getenv("COLUMNS")) {
    const int parsed = std::atoi(columns);
    if (parsed >= 40 && parsed <= 1000) {
      style.width = parsed;
    }
  }
  return style;
}

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void print_error(const std::string& message)
{
  // Line breaks the message itself makes (CLI11's, wrapped errors) become spaces; any other control character,
  // from a value it quotes, is written visibly.
  std::string line = message;
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::cerr << "llm-hw: error: " << util::printable(line) << "\n";
}

} // namespace llmhw::cli
