#pragma once
// Internal: a plain table, rendered for a terminal (aligned, fitted to the
// width) or as a markdown table.

#include <string>
#include <utility>
#include <vector>

namespace llmhw::report::detail {

struct Column {
  std::string header;
  bool right_aligned = false;
  bool shrinkable = false; ///< may be narrowed to fit the terminal: cut with an ellipsis, or wrapped
  bool wraps = false;      ///< a narrowed cell continues on the next lines, broken at spaces, instead of being cut
};

class Table {
public:
  explicit Table(std::vector<Column> columns) : m_columns(std::move(columns)) {}

  void add_row(std::vector<std::string> cells);
  /// A heading line between rows ("GPUs", "Cloud instances"), in text a line of its own before the rows it names.
  void add_section(std::string title);
  /// In text, a line under the last row, indented and wrapped at the table's width (words are not cut);
  /// markdown leaves it out (put the same text in a column there).
  void add_note(std::string note);
  /// The fewest columns the text table takes with nothing cut: wrapping columns as wide as their longest word.
  [[nodiscard]] std::size_t min_width() const;
  [[nodiscard]] bool empty() const { return m_rows.empty(); }

  /// Two spaces between columns; shrinkable columns are cut to fit `width`.
  [[nodiscard]] std::string text(int width, const std::string& header_style, const std::string& reset) const;
  [[nodiscard]] std::string markdown() const;

private:
  std::vector<Column> m_columns;
  std::vector<std::vector<std::string>> m_rows;
  std::vector<std::pair<std::size_t, std::string>> m_sections; ///< a title, shown before the row at that index
  std::vector<std::pair<std::size_t, std::string>> m_notes;    ///< a note, shown after the row at that index
};

/// Columns a UTF-8 string takes (code points, ANSI colour sequences take none; no wide-character handling).
std::size_t display_width(const std::string& text);

/// Cut to `width` columns with a trailing "…".
std::string truncate(const std::string& text, std::size_t width);

/// Escapes | and line breaks for a markdown cell.
std::string markdown_cell(const std::string& text);

} // namespace llmhw::report::detail
