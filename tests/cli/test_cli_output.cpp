// Colour and width follow the terminal; NO_COLOR always wins.
#include "support/run_binary.hpp"

#include <catch2/catch.hpp>

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
