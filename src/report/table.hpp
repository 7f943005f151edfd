#pragma once
// Internal: a plain table, rendered for a terminal (aligned, fitted to the
// width) or as a markdown table.

#include <string>
#include <vector>

namespace llmhw::report::detail {

struct Column {
  std::string header;
  bool right_aligned = false;
  bool shrinkable = false; ///< may be cut (with an ellipsis) to fit the terminal
};

class Table {
public:
  explicit Table(std::vector<Column> columns) : m_columns(std::move(columns)) {}

  void add_row(std::vector<std::string> cells);
  [[nodiscard]] bool empty() const { return m_rows.empty(); }

  /// Two spaces between columns; shrinkable columns are cut to fit `width`.
  [[nodiscard]] std::string text(int width, const std::string& header_style, const std::string& reset) const;
  [[nodiscard]] std::string markdown() const;

private:
  std::vector<Column> m_columns;
  std::vector<std::vector<std::string>> m_rows;
};

/// Columns a UTF-8 string takes (code points, ANSI colour sequences take none; no wide-character handling).
std::size_t display_width(const std::string& text);

/// Cut to `width` columns with a trailing "…".
std::string truncate(const std::string& text, std::size_t width);

/// Escapes | and line breaks for a markdown cell.
std::string markdown_cell(const std::string& text);

} // namespace llmhw::report::detail
