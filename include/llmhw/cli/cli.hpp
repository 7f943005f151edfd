#pragma once

namespace llmhw::cli {

/// Exit codes of SPEC.md.
enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_requirement_not_met = 1,
  k_exit_bad_input = 2,
  k_exit_probe_failed = 3,
};

/// The whole program: parses the command line, runs the command, prints, and
/// returns the exit code. Never throws.
int run(int argc, char** argv);

} // namespace llmhw::cli
