#pragma once
// Internal: the command-line definition, shared by the parser and by the
// generators of shell completions and the man page.

#include "options.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace llmhw::cli {

/// Every subcommand and option of SPEC.md, bound to `options`; --help is laid out for `help_width` columns.
std::unique_ptr<CLI::App> build_app(Options& options, std::size_t help_width = 80);

/// A command line that shows what a subcommand is for.
struct Example {
  std::string subcommand;
  std::string command_line;
};

/// One example per subcommand, in their order: the end of each subcommand's --help, and the man page's EXAMPLES.
const std::vector<Example>& examples();

/// "llm-hw 0.1.0" and the compiled-in backends.
std::string version_text();

} // namespace llmhw::cli
