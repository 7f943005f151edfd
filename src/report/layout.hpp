#pragma once
// Internal: small text layout helpers for the reports.

#include <cstdint>
#include <string>
#include <vector>

namespace llmhw::catalog {
struct Catalog;
struct ModelEntry;
} // namespace llmhw::catalog

namespace llmhw::report::detail {

/// Breaks `text` at spaces into lines of at most `width` columns (a word
/// longer than that gets a line of its own); the first line is `width` wide
/// too, so callers prefix each line with their own indent.
std::vector<std::string> wrap(const std::string& text, std::size_t width);

/// Escapes what markdown would read as markup in running text (not a table cell).
std::string markdown_text(const std::string& text);

/// `code` in a fenced code block of `language`, the fence longer than any run of backticks in the code (a path
/// with "```" in it cannot end the block early).
std::string markdown_code_block(const std::string& code, const std::string& language);


/// A catalog model's parameters, total and active per token.
struct ParameterFigures {
  std::uint64_t total = 0;
  std::uint64_t active = 0;
};

/// The figures `advise` works with, so that `models` and `advise` agree: counted from the entry's architecture
/// (model::load_entry); the catalog's declared figures only when its config cannot be read.
ParameterFigures parameter_figures(const catalog::ModelEntry& entry, const catalog::Catalog& catalog);

/// Parameters as people say them: "8.0B", "671B", "125M".
std::string format_params(std::uint64_t params);

} // namespace llmhw::report::detail
