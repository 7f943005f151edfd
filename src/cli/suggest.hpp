#pragma once
// Internal: "did you mean" for command-line words CLI11 does not know.

#include <CLI/CLI.hpp>

#include <string>

namespace llmhw::cli {

/// The message for arguments CLI11 could not place: an unknown subcommand or option named, with the nearest
/// known one ("unknown command 'advice'; did you mean 'advise'?"); CLI11's own message for anything else.
std::string unexpected_arguments_message(CLI::App& app, const CLI::ExtrasError& error);

} // namespace llmhw::cli
