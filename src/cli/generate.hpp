#pragma once
// Internal: shell completions (bash, zsh, fish) and the man page, generated
// from the command-line definition itself, so they can never drift from it.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace llmhw::catalog {
struct Catalog;
}

namespace llmhw::cli {

/// One option as the generators see it.
struct OptionInfo {
  std::vector<std::string> names;      ///< "--model", "-v"
  std::string description;
  bool takes_value = false;
  std::string value_name;              ///< "N|max", "FILE"
  bool file = false;                   ///< completes file names
  std::vector<std::string> choices;    ///< values to offer (formats, catalog ids)
};

struct CommandInfo {
  std::string name;
  std::string description;
  std::vector<OptionInfo> options;
};

/// The visible subcommands and their options; value choices come from the catalog.
std::vector<CommandInfo> describe(const CLI::App& app, const catalog::Catalog& catalog);

std::string bash_completion(const std::vector<CommandInfo>& commands);
std::string zsh_completion(const std::vector<CommandInfo>& commands);
std::string fish_completion(const std::vector<CommandInfo>& commands);
std::string man_page(const CLI::App& app, const std::vector<CommandInfo>& commands);

/// `llm-hw --generate bash|zsh|fish|man`: prints it and returns the exit code.
int print_generated(const CLI::App& app, const std::string& what);

} // namespace llmhw::cli
