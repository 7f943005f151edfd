// Shell completions and the man page, exercised with the real shells and groff.
#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>

using llmhw::test::run_llm_hw;

namespace {

/// Runs a shell command and returns what it printed.
std::string shell_output(const std::string& command)
{
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) {
    out += buffer;
  }
  return out;
}

std::string generated(const std::string& what, const llmhw::test::TempDir& dir)
{
  const auto result = run_llm_hw({"--generate", what});
  REQUIRE(result.exit_code == 0);
  return dir.write("completion." + what, result.out);
}

/// What bash offers for the words typed so far (the last one being completed).
std::string bash_complete(const std::string& script, const std::string& words)
{
  return shell_output("bash -c 'source " + script + "; COMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1));"
                      " [[ \"" + words + "\" == *\" \" ]] && COMP_WORDS+=(\"\") && COMP_CWORD=$((COMP_CWORD+1));"
                      " _llm_hw; printf \"%s\\n\" \"${COMPREPLY[@]}\"'");
}

} // namespace

TEST_CASE("bash completes subcommands, options and catalog values", "[cli][completion]")
{
  llmhw::test::TempDir dir;
  const std::string script = generated("bash", dir);
  CHECK(bash_complete(script, "llm-hw adv") == "advise\n");
  CHECK_THAT(bash_complete(script, "llm-hw advise --kv"), Catch::Contains("--kv-quant"));
  CHECK(bash_complete(script, "llm-hw advise --format j") == "json\n");
  CHECK(bash_complete(script, "llm-hw check --sort c") == "cost\n");
  CHECK_THAT(bash_complete(script, "llm-hw check --framework ll"), Catch::Contains("llama.cpp"));
  CHECK_THAT(bash_complete(script, "llm-hw advise --model llama-3.1-"), Catch::Contains("llama-3.1-8b"));
  // Options of one subcommand are not offered for another.
  CHECK(bash_complete(script, "llm-hw models --mea") == "\n");   // printf prints one empty line for no words
  CHECK(bash_complete(script, "llm-hw probe --mea") == "--measure\n");
}

TEST_CASE("fish and zsh completion scripts load in their shells", "[cli][completion]")
{
  llmhw::test::TempDir dir;
  if (!shell_output("command -v fish").empty()) {
    const std::string script = generated("fish", dir);
    const std::string offered = shell_output("fish --no-config -c 'source " + script + "; complete -C \"llm-hw adv\"'");
    CHECK_THAT(offered, Catch::StartsWith("advise\t"));
    const std::string formats =
        shell_output("fish --no-config -c 'source " + script + "; complete -C \"llm-hw probe --format \"'");
    CHECK_THAT(formats, Catch::Contains("markdown"));
  } else {
    WARN("fish is not installed; its completion was not exercised");
  }
  if (!shell_output("command -v zsh").empty()) {
    const std::string script = generated("zsh", dir);
    CHECK(shell_output("zsh -n " + script + " 2>&1; echo rc=$?") == "rc=0\n");
  } else {
    WARN("zsh is not installed; its completion was not checked");
  }
}

TEST_CASE("the man page renders without warnings and documents every option", "[cli][man]")
{
  llmhw::test::TempDir dir;
  const std::string page = generated("man", dir);
  CHECK(shell_output("groff -man -Tutf8 -ww -z " + page + " 2>&1") == "");
  const std::string text = shell_output("groff -man -Tascii " + page + " 2>/dev/null | col -b");
  for (const char* expected : {"EXIT STATUS", "NO_COLOR", "LLM_HW_ROOT", "--kv-quant", "--min-throughput",
                               "--measure", "--topology", "--sort"}) {
    INFO(expected);
    CHECK_THAT(text, Catch::Contains(expected));
  }
}
