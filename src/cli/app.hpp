#pragma once
// Internal: the command-line definition, shared by the parser and by the
// generators of shell completions and the man page.

#include "options.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace llmhw::cli {

/// Every subcommand and option of SPEC.md, bound to `options`.
std::unique_ptr<CLI::App> build_app(Options& options);

/// "llm-hw 0.1.0" and the compiled-in backends.
std::string version_text();

} // namespace llmhw::cli
