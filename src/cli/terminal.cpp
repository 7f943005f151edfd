#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include "llmhw/util/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>

namespace llmhw::cli {

namespace {

constexpr int k_default_width = 80; ///< not a terminal and no $COLUMNS: a pager's or an editor's usual width

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }

} // namespace

int output_width()
{
  winsize size{};
  if (stdout_is_terminal() && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  if (const char* columns = std::getenv("COLUMNS")) {
    const int parsed = std::atoi(columns);
    if (parsed >= 40 && parsed <= 1000) {
      return parsed;
    }
  }
  return k_default_width;
}

bool use_color(const std::string& color)
{
  if (color == "always" || color == "never") {
    return color == "always";
  }
  const char* no_color = std::getenv("NO_COLOR");
  return stdout_is_terminal() && (no_color == nullptr || *no_color == '\0');
}

report::Style terminal_style(bool verbose, const std::string& color)
{
  report::Style style;
  style.verbose = verbose;
  style.color = use_color(color);
  style.width = output_width();
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
