// Output that fits where it is read: at 80 columns, on a terminal and through a pipe, no line is longer than 80
// display columns (UTF-8 code points) and no word is cut in two — except engine command lines ("$ vllm serve …"),
// which stay whole so that they can be copied. "Not cut" is checked against the same command laid out at 1000
// columns: every word of the narrow output must be a word of the wide one.
#include "support/run_binary.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using llmhw::test::lines;
using llmhw::test::run_llm_hw;
using llmhw::test::run_llm_hw_in_terminal;

namespace {

std::string fixture_machine(const std::string& name)
{
  return std::string(LLM_HW_TEST_FIXTURES) + "/machines/" + name;
}

/// The text as shown: colour sequences and the terminal's carriage returns removed.
std::string shown(const std::string& text)
{
  return std::regex_replace(std::regex_replace(text, std::regex("\x1b\\[[0-9;]*m"), ""), std::regex("\r"), "");
}

std::size_t code_points(const std::string& line)
{
  std::size_t count = 0;
  for (const char c : line) {
    count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return count;
}

bool is_command_line(const std::string& line)
{
  const auto start = line.find_first_not_of(' ');
  return start != std::string::npos && line.compare(start, 2, "$ ") == 0;
}

/// A memory bar is drawn, not written: its cells are no word.
bool is_bar(const std::string& word)
{
  return word.find("█") != std::string::npos || word.find("·") != std::string::npos ||
         word.find("▓") != std::string::npos || word.find("░") != std::string::npos;
}

std::set<std::string> words_of(const std::string& text)
{
  std::set<std::string> words;
  std::istringstream stream(text);
  for (std::string word; stream >> word;) {
    words.insert(word);
  }
  return words;
}

/// Every line of `narrow` within 80 columns and made of whole words of `wide` (or of `extra`).
void check_fits(const std::string& narrow_text, const std::string& wide_text, const std::set<std::string>& extra = {})
{
  const std::set<std::string> whole = words_of(shown(wide_text));
  for (const std::string& line : lines(shown(narrow_text))) {
    INFO("line: " << line);
    if (is_command_line(line)) {
      continue; // an engine command stays whole for copying
    }
    CHECK(code_points(line) <= 80);
    std::istringstream stream(line);
    for (std::string word; stream >> word;) {
      if (!is_bar(word) && extra.count(word) == 0) {
        INFO("word: " << word);
        CHECK(whole.count(word) == 1);
      }
    }
  }
}

using Environment = std::map<std::string, std::string>;

/// The command at 80 columns piped (COLUMNS=80, and no COLUMNS at all: 80 is the default), and on an 80-column
/// terminal, each against the same at 1000 columns.
void check_at_80(const std::vector<std::string>& arguments, Environment environment,
                 const std::set<std::string>& extra = {})
{
  INFO("llm-hw " << Catch::Detail::stringify(arguments));
  environment["NO_COLOR"] = "1";
  Environment wide_environment = environment;
  wide_environment["COLUMNS"] = "1000";
  const auto wide = run_llm_hw(arguments, wide_environment);
  REQUIRE(wide.out.size() > 0);

  for (const char* columns : {"80", ""}) {
    INFO("piped, COLUMNS=" << columns);
    Environment piped_environment = environment;
    piped_environment["COLUMNS"] = columns;
    const auto piped = run_llm_hw(arguments, piped_environment);
    CHECK(piped.exit_code == wide.exit_code);
    check_fits(piped.out, wide.out, extra);
  }
  {
    INFO("on an 80-column terminal, in colour");
    Environment terminal_environment = environment;
    terminal_environment["NO_COLOR"] = "";
    terminal_environment["COLUMNS"] = "";
    const auto terminal = run_llm_hw_in_terminal(arguments, terminal_environment, 80);
    CHECK(terminal.exit_code == wide.exit_code);
    if (arguments.back() != "--help") {
      CHECK_THAT(terminal.out, Catch::Contains("\x1b[")); // help is plain text
    }
    check_fits(terminal.out, wide.out, extra);
  }
}

const Environment k_no_nvml{{"LLM_HW_NO_NVML", "1"}};

Environment machine(const std::string& name)
{
  return {{"LLM_HW_ROOT", fixture_machine(name)}, {"LLM_HW_NO_NVML", "1"}};
}

} // namespace

TEST_CASE("advise at 80 columns: no line over 80, no word cut, on a terminal and piped", "[cli][output][width]")
{
  check_at_80({"advise", "--model", "llama-3.1-8b", "--target", "l4"}, k_no_nvml);
  check_at_80({"advise", "--model", "llama-3.1-70b", "--target", "8xh100-sxm", "-v"}, k_no_nvml);
  check_at_80({"advise", "--model", "qwen3-30b-a3b", "--workload", "rag", "--target", "h100-sxm", "--target", "2xl40s",
               "--target", "tpu-v5e-8"},
              k_no_nvml);
  check_at_80({"advise", "--model", "mixtral-8x7b", "-v"}, machine("hgx-h100"));
  check_at_80({"advise", "--model", "llama-3.1-8b"}, machine("laptop-4090"));
  check_at_80({"advise", "--model", "qwen3-8b", "-v"}, machine("graviton3"));
}

TEST_CASE("advise over every target at 80 columns: device names under their rows when a column would cut them",
          "[cli][output][width]")
{
  // Every catalog target, priced ones among them: the $/M column and the longest device names at once.
  check_at_80({"advise", "--model", "llama-3.1-70b", "--target", "all", "-v"}, k_no_nvml);
}

TEST_CASE("check at 80 columns: no line over 80, no word cut, on a terminal and piped", "[cli][output][width]")
{
  check_at_80({"check", "--model", "llama-3.1-8b", "--target", "l4", "--max-tpot-ms", "50", "--concurrency", "16"},
              k_no_nvml);
  check_at_80({"check", "--model", "llama-3.1-70b", "--target", "mi300x", "--min-tok-s", "30", "-v"}, k_no_nvml);
  check_at_80({"check", "--model", "llama-3.1-8b", "--min-tok-s", "30", "-v"}, machine("mi300x-2"));
}

TEST_CASE("probe at 80 columns: no line over 80, no word cut, on a terminal and piped", "[cli][output][width]")
{
  for (const char* name : {"hgx-h100", "this-vm", "mi300x-2", "laptop-4090", "tpu-v5e-4"}) {
    INFO(name);
    check_at_80({"probe"}, machine(name));
    check_at_80({"probe", "-v"}, machine(name));
  }
}

TEST_CASE("models at 80 columns: names whole, the family and other names under each row", "[cli][output][width]")
{
  // The narrow layout writes the family and other names on a line of their own, after "·" and "also".
  check_at_80({"models"}, {}, {"·", "also"});
  const auto narrow = run_llm_hw({"models"}, {{"COLUMNS", "80"}});
  // A long name and a long HF repository, each whole.
  CHECK_THAT(narrow.out, Catch::Contains("DeepSeek-R1-Distill-Qwen-1.5B"));
  CHECK_THAT(narrow.out, Catch::Contains("meta-llama/Llama-4-Maverick-17B-128E-Instruct"));
  // Wide enough, they are columns again.
  const auto wide = run_llm_hw({"models"}, {{"COLUMNS", "200"}});
  CHECK_THAT(lines(wide.out).front(), Catch::Contains("ALSO KNOWN AS"));
}

TEST_CASE("targets at 80 columns: no line over 80, no word cut, on a terminal and piped", "[cli][output][width]")
{
  // Azure's names ("(Standard_ND96isr_MI300X_v5)") are single words longer than a name column can be at 80.
  check_at_80({"targets"}, {});
}

TEST_CASE("every --help at 80 columns: no line over 80, no word cut, and an example per subcommand",
          "[cli][output][width]")
{
  check_at_80({"--help"}, {});
  for (const char* subcommand : {"probe", "advise", "check", "models", "targets"}) {
    INFO(subcommand);
    check_at_80({subcommand, "--help"}, {});
    const auto help = run_llm_hw({subcommand, "--help"}, {{"COLUMNS", "80"}});
    CHECK_THAT(help.out, Catch::Contains("Example:\n  llm-hw " + std::string(subcommand) + " "));
  }
}

TEST_CASE("piped output is laid out for 80 columns unless COLUMNS says otherwise", "[cli][output][width]")
{
  const auto longest = [](const std::string& text) {
    std::size_t most = 0;
    for (const std::string& line : lines(text)) {
      most = std::max(most, code_points(line));
    }
    return most;
  };
  const std::vector<std::string> advise{"advise", "--model", "llama-3.1-8b", "--target", "l4", "--target", "rtx-4090"};
  const auto plain = run_llm_hw(advise, {{"COLUMNS", ""}});
  const auto wide = run_llm_hw(advise, {{"COLUMNS", "140"}});
  REQUIRE(plain.exit_code == 0);
  // The recommendation paragraph fills its width: at most 80 piped, more when COLUMNS allows it.
  std::size_t plain_prose = 0;
  for (const std::string& line : lines(plain.out)) {
    if (!is_command_line(line)) {
      plain_prose = std::max(plain_prose, code_points(line));
    }
  }
  CHECK(plain_prose <= 80);
  CHECK(plain_prose > 60);
  CHECK(longest(wide.out) > 80);
}

TEST_CASE("colour option: always colours a pipe even with NO_COLOR, never wins on a terminal, auto follows both",
          "[cli][output]")
{
  CHECK_THAT(run_llm_hw({"targets", "--color", "always"}, {{"NO_COLOR", "1"}}).out, Catch::Contains("\x1b["));
  CHECK_THAT(run_llm_hw({"--color", "always", "targets"}, {{"NO_COLOR", ""}}).out, Catch::Contains("\x1b["));
  CHECK_THAT(run_llm_hw({"targets", "--color", "auto"}, {{"NO_COLOR", ""}}).out, !Catch::Contains("\x1b["));
  CHECK_THAT(run_llm_hw_in_terminal({"targets", "--color", "never"}, {{"NO_COLOR", ""}}).out,
             !Catch::Contains("\x1b["));
  CHECK_THAT(run_llm_hw_in_terminal({"targets", "--color", "auto"}, {{"NO_COLOR", ""}}).out,
             Catch::Contains("\x1b["));
  CHECK_THAT(run_llm_hw_in_terminal({"targets", "--color", "auto"}, {{"NO_COLOR", "1"}}).out,
             !Catch::Contains("\x1b["));
  // JSON is never coloured.
  CHECK_THAT(run_llm_hw({"targets", "--json", "--color", "always"}).out, !Catch::Contains("\x1b["));

  const auto bad = run_llm_hw({"targets", "--color", "sometimes"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--color"));
  CHECK(lines(bad.err).size() == 1);
}
