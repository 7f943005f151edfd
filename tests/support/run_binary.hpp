#pragma once
// Runs the real llm-hw binary, as a user would, and captures what it prints.

#include <map>
#include <string>
#include <vector>

namespace llmhw::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  bool timed_out = false; ///< killed by run_llm_hw's 30 s hang guard
};

/// Runs llm-hw with `arguments` and extra environment variables (added to the
/// test's own environment; an empty value unsets the variable).
RunResult run_llm_hw(const std::vector<std::string>& arguments,
                     const std::map<std::string, std::string>& environment = {});

/// Lines of `text`, without their line breaks.
std::vector<std::string> lines(const std::string& text);

} // namespace llmhw::test

namespace llmhw::test {

/// Runs llm-hw with stdout and stderr on a pseudo-terminal of `columns`
/// columns, as in an interactive shell; returns what the terminal showed.
RunResult run_llm_hw_in_terminal(const std::vector<std::string>& arguments,
                                 const std::map<std::string, std::string>& environment = {}, int columns = 120);

} // namespace llmhw::test
