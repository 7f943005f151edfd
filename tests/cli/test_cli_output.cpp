// Colour and width follow the terminal; NO_COLOR always wins.
#include "support/run_binary.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <sstream>

using llmhw::test::run_llm_hw;
using llmhw::test::run_llm_hw_in_terminal;

TEST_CASE("colour appears on a terminal and never with NO_COLOR", "[cli][output]")
{
  const auto coloured = run_llm_hw_in_terminal({"targets"}, {{"NO_COLOR", ""}});
  CHECK(coloured.exit_code == 0);
  CHECK_THAT(coloured.out, Catch::Contains("\x1b["));

  const auto plain = run_llm_hw_in_terminal({"targets"}, {{"NO_COLOR", "1"}});
  CHECK(plain.exit_code == 0);
  CHECK_THAT(plain.out, Catch::Contains("h100-sxm"));
  CHECK_THAT(plain.out, !Catch::Contains("\x1b["));
}

TEST_CASE("no colour when stdout is not a terminal", "[cli][output]")
{
  const auto piped = run_llm_hw({"targets"}, {{"NO_COLOR", ""}});
  CHECK(piped.exit_code == 0);
  CHECK_THAT(piped.out, !Catch::Contains("\x1b["));
}

TEST_CASE("tables fit the terminal width", "[cli][output]")
{
  const auto narrow = run_llm_hw_in_terminal({"models"}, {{"NO_COLOR", "1"}}, 80);
  REQUIRE(narrow.exit_code == 0);
  for (const std::string& line : llmhw::test::lines(narrow.out)) {
    std::string text = line;
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
    std::size_t columns = 0;
    for (const char c : text) {
      columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    INFO(text);
    CHECK(columns <= 80);
  }
}

TEST_CASE("targets gives every name its whole text at 80 and 100 columns, never cutting it", "[cli][output]")
{
  // What each row's NAME must read: the catalog's name, and for a system its devices ("(8× h100-sxm)").
  const auto listed = run_llm_hw({"targets", "--json"});
  REQUIRE(listed.exit_code == 0);
  const auto document = nlohmann::json::parse(listed.out);
  std::map<std::string, std::string> expected;
  for (const auto& target : document["targets"]) {
    const bool system = target["kind"] == "slice" || target["kind"] == "instance" || target["kind"] == "system";
    std::ostringstream name;
    name << target["name"].get<std::string>();
    if (system) {
      name << " (" << target["count"].get<int>() << "× " << target["device"].get<std::string>() << ")";
    }
    expected[target["id"].get<std::string>()] = name.str();
  }

  for (const int width : {80, 100}) {
    INFO(width << " columns");
    const auto shown = run_llm_hw_in_terminal({"targets"}, {{"NO_COLOR", "1"}}, width);
    REQUIRE(shown.exit_code == 0);
    // Where the name column would cut a word (80 columns), each name is a line of its own under its row.
    const bool name_column = shown.out.find("NAME") != std::string::npos;
    std::map<std::string, std::string> names;
    std::string current;
    for (std::string line : llmhw::test::lines(shown.out)) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      INFO(line);
      std::size_t columns = 0;
      for (const char c : line) {
        columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
      }
      CHECK(columns <= static_cast<std::size_t>(width));
      CHECK(line.find("…") == std::string::npos);
      const std::string first = line.substr(0, line.find(' '));
      if (expected.count(first) != 0) {
        // A row: the id, then the name's first line up to the two spaces before MEMORY.
        current = first;
        const std::string rest = line.substr(first.size());
        const auto start = rest.find_first_not_of(' ');
        names[current] = name_column ? rest.substr(start, rest.find("  ", start) - start) : "";
      } else if (!current.empty() && line.starts_with(" ")) {
        names[current] += " " + line.substr(line.find_first_not_of(' '));
      } else {
        current.clear(); // a section heading, a blank line or the caption
      }
    }
    // Spaces aside (a word wider than the column continues on the next line), each name reads whole.
    const auto letters = [](std::string text) {
      std::erase(text, ' ');
      return text;
    };
    CHECK(names.size() == expected.size());
    for (const auto& [id, name] : expected) {
      INFO(id);
      CHECK(letters(names[id]) == letters(name));
    }
  }
}
