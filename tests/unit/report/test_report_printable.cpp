// Text and markdown reports show names from outside as visible text: escape sequences, line breaks and bidi
// overrides in a model, device, host or warning cannot drive the terminal or break a line or a table, while the
// report's own colours still work; the JSON report keeps the original strings.
#include "sample_advice.hpp"

#include "report/printable.hpp"

#include "llmhw/report/report.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using llmhw::report::Format;
using llmhw::report::Style;

namespace {

const std::string k_hostile = "\x1b[8mEVIL\nfake line\r\x07\xe2\x80\xae";

/// The sample advice with a hostile model name, host, device name, engine command and warning.
llmhw::advice::Advice hostile_advice()
{
  llmhw::advice::Advice advice = llmhw::test::sample_advice();
  advice.model.name = k_hostile;
  for (llmhw::advice::RankedCandidate& ranked : advice.candidates) {
    ranked.assessment.estimate.candidate.name = k_hostile;
    ranked.assessment.estimate.candidate.host = k_hostile;
    ranked.command = "vllm serve " + k_hostile;
  }
  advice.warnings.push_back(k_hostile);
  return advice;
}

/// Escape sequences in `text` that are not the report's own colours (src/report/style.hpp).
std::vector<std::string> foreign_escapes(const std::string& text)
{
  const std::vector<std::string> own = {"\x1b[1m",  "\x1b[2m",  "\x1b[31m", "\x1b[32m", "\x1b[33m",
                                        "\x1b[34m", "\x1b[35m", "\x1b[36m", "\x1b[0m"};
  std::vector<std::string> foreign;
  for (std::size_t at = text.find('\x1b'); at != std::string::npos; at = text.find('\x1b', at + 1)) {
    const bool is_own = std::any_of(own.begin(), own.end(),
                                    [&](const std::string& sequence) { return text.compare(at, sequence.size(), sequence) == 0; });
    if (!is_own) {
      foreign.push_back(text.substr(at, 8));
    }
  }
  return foreign;
}

std::size_t count_of(const std::string& text, const std::string& part)
{
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

} // namespace

TEST_CASE("advice text with colour on: only the report's own colour sequences, names shown escaped",
          "[report][terminal]")
{
  Style style;
  style.color = true;
  style.verbose = true;
  for (const std::string& text : {llmhw::report::advice(hostile_advice(), Format::text, style),
                                  llmhw::report::check(hostile_advice(), Format::text, style)}) {
    CHECK(foreign_escapes(text).empty());
    CHECK(count_of(text, "\x1b[1m") > 0); // colour is still on
    CHECK(text.find('\r') == std::string::npos);
    CHECK(text.find('\x07') == std::string::npos);
    CHECK(text.find("\xe2\x80\xae") == std::string::npos);
    CHECK_THAT(text, Catch::Contains("\\x1b[8mEVIL\\x0afake line\\x0d\\x07\\u202e"));
    // The name's line break is shown, not obeyed: no line starts with the text after it.
    CHECK(text.find("\nfake line") == std::string::npos);
  }
}

TEST_CASE("advice markdown: names shown escaped, on one line, the table intact", "[report][terminal]")
{
  Style style;
  style.verbose = true;
  const std::string markdown = llmhw::report::advice(hostile_advice(), Format::markdown, style);
  CHECK(markdown.find('\x1b') == std::string::npos);
  CHECK(markdown.find('\r') == std::string::npos);
  CHECK(markdown.find("\nfake line") == std::string::npos);
  // Every table row has as many cells as its header: no name broke a row in two.
  std::size_t header_bars = 0;
  for (std::size_t start = 0; start < markdown.size();) {
    const std::size_t end = markdown.find('\n', start);
    const std::string line = markdown.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with("|")) {
      header_bars = 0;
      continue;
    }
    const std::size_t bars = count_of(line, "|") - count_of(line, "\\|");
    if (header_bars == 0) {
      header_bars = bars;
    }
    CAPTURE(line);
    CHECK(bars == header_bars);
  }
}

TEST_CASE("advice JSON keeps the names as they were given", "[report][terminal]")
{
  const nlohmann::json json = nlohmann::json::parse(llmhw::report::advice(hostile_advice(), Format::json, {}));
  CHECK(json["model"]["name"] == k_hostile);
}

TEST_CASE("probe text: a hostile hostname, device model and warning are shown escaped, colours kept",
          "[report][terminal]")
{
  llmhw::probe::Inventory inventory;
  inventory.host.hostname = k_hostile;
  inventory.host.os = k_hostile;
  llmhw::probe::Device device;
  device.id = "gpu0";
  device.kind = llmhw::catalog::DeviceKind::gpu;
  device.model = k_hostile;
  device.sources = {k_hostile};
  device.field_sources["model"] = k_hostile;
  inventory.devices.push_back(device);
  inventory.warnings.push_back(k_hostile);
  Style style;
  style.color = true;
  style.verbose = true;
  const std::string text = llmhw::report::probe(inventory, Format::text, style);
  CHECK(foreign_escapes(text).empty());
  CHECK(count_of(text, "\x1b[33m") == 1); // the warning's colour
  CHECK(count_of(text, "\\x1b[8mEVIL") >= 4);
  CHECK(text.find("\nfake line") == std::string::npos);
  const std::string markdown = llmhw::report::probe(inventory, Format::markdown, style);
  CHECK(markdown.find('\x1b') == std::string::npos);
  CHECK(markdown.find("\nfake line") == std::string::npos);
}

TEST_CASE("terminal_safe lets through line breaks and the palette's own sequences only", "[report][terminal]")
{
  Style style;
  style.color = true;
  const auto colors = llmhw::report::detail::palette(style);
  using llmhw::report::detail::terminal_safe;
  CHECK(terminal_safe(colors.bold + "bold" + colors.reset + "\n", colors) == "\x1b[1mbold\x1b[0m\n");
  CHECK(terminal_safe("\x1b[8mx\x1b[0m\x1b]0;t\x07\tµ\n", colors) == "\\x1b[8mx\x1b[0m\\x1b]0;t\\x07\\x09µ\n");
  // Colour off: no escape is the report's own.
  CHECK(terminal_safe("\x1b[1mbold\x1b[0m", llmhw::report::detail::palette({})) == "\\x1b[1mbold\\x1b[0m");
}

TEST_CASE("advice markdown: backticks in a command's path cannot end its code block early", "[report][terminal]")
{
  llmhw::advice::Advice advice = llmhw::test::sample_advice();
  REQUIRE(advice.recommendation.has_value());
  advice.candidates.front().command = "vllm serve /models/```\n# Injected heading";
  const std::string markdown = llmhw::report::advice(advice, Format::markdown, {});
  // A four-backtick fence, the command on one line inside it.
  CHECK_THAT(markdown, Catch::Contains("````sh\nvllm serve /models/```\\x0a# Injected heading\n````\n"));
  CHECK(markdown.find("\n# Injected heading") == std::string::npos);
}
