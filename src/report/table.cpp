#include "table.hpp"

#include "layout.hpp"

#include "llmhw/util/text.hpp"

#include <algorithm>
#include <numeric>

namespace llmhw::report::detail {

std::size_t display_width(const std::string& text) { return util::display_width(text); }

namespace {

/// The first `width` columns of `text` (whole code points; at least one, so callers always progress).
std::string head(const std::string& text, std::size_t width)
{
  std::size_t columns = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    std::size_t next = end + 1;
    while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) {
      ++next;
    }
    if (columns == std::max<std::size_t>(width, 1)) {
      break;
    }
    ++columns;
    end = next;
  }
  return text.substr(0, end);
}

/// Columns of the widest word of a cell (words are what a wrapping column may not cut).
std::size_t longest_word(const std::string& text)
{
  std::size_t longest = 0;
  for (const std::string& word : util::split(text, ' ')) {
    longest = std::max(longest, display_width(word));
  }
  return longest;
}

} // namespace

std::string truncate(const std::string& text, std::size_t width)
{
  if (display_width(text) <= width) {
    return text;
  }
  if (width == 0) {
    return "";
  }
  std::string cut;
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool starts_code_point = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_code_point && ++columns > width - 1) {
      break;
    }
    cut += text[i];
  }
  return cut + "…";
}

std::string markdown_cell(const std::string& text)
{
  std::string cell;
  for (const char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\n' || c == '\r') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

void Table::add_section(std::string title)
{
  m_sections.emplace_back(m_rows.size(), std::move(title));
}

void Table::add_note(std::string note)
{
  if (!m_rows.empty()) {
    m_notes.emplace_back(m_rows.size() - 1, std::move(note));
  }
}

std::size_t Table::min_width() const
{
  std::size_t total = 2 * (m_columns.size() - 1);
  for (std::size_t c = 0; c < m_columns.size(); ++c) {
    std::size_t width = display_width(m_columns[c].header);
    for (const auto& row : m_rows) {
      width = std::max(width, m_columns[c].wraps ? longest_word(row[c]) : display_width(row[c]));
    }
    total += width;
  }
  return total;
}

void Table::add_row(std::vector<std::string> cells)
{
  cells.resize(m_columns.size());
  m_rows.push_back(std::move(cells));
}

std::string Table::text(int width, const std::string& header_style, const std::string& reset) const
{
  const std::size_t n = m_columns.size();
  std::vector<std::size_t> widths(n);
  for (std::size_t c = 0; c < n; ++c) {
    widths[c] = display_width(m_columns[c].header);
    for (const auto& row : m_rows) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  // Shrink the widest shrinkable column until the table fits: first down to 8
  // columns (or its header's width; a wrapping column to its longest word, so
  // that no word is cut), then, on very narrow terminals, to 4.
  std::vector<std::size_t> words(n);
  for (std::size_t c = 0; c < n; ++c) {
    for (const auto& row : m_rows) {
      words[c] = m_columns[c].wraps ? std::max(words[c], longest_word(row[c])) : 0;
    }
  }
  const auto total = [&] { return std::accumulate(widths.begin(), widths.end(), std::size_t{0}) + 2 * (n - 1); };
  for (const std::size_t floor : {std::size_t{8}, std::size_t{4}}) {
    while (width > 0 && total() > static_cast<std::size_t>(width)) {
      std::size_t widest = n;
      for (std::size_t c = 0; c < n; ++c) {
        const std::size_t least =
            floor == 8 ? std::max({floor, display_width(m_columns[c].header), words[c]}) : floor;
        if (m_columns[c].shrinkable && widths[c] > least && (widest == n || widths[c] > widths[widest])) {
          widest = c;
        }
      }
      if (widest == n) {
        break;
      }
      --widths[widest];
    }
  }

  // One row on as many lines as its wrapping cells need; other cells stay on the first line.
  const auto render = [&](const std::vector<std::string>& cells) {
    std::vector<std::vector<std::string>> parts(n);
    std::size_t height = 1;
    for (std::size_t c = 0; c < n; ++c) {
      if (m_columns[c].wraps && display_width(cells[c]) > widths[c]) {
        for (const std::string& part : wrap(cells[c], widths[c])) {
          // A word wider than the column continues on the next line, cut at the column's edge.
          for (std::string rest = part; !rest.empty();) {
            const std::string piece = head(rest, widths[c]);
            parts[c].push_back(piece);
            rest.erase(0, piece.size());
          }
        }
      } else {
        parts[c].push_back(truncate(cells[c], widths[c]));
      }
      height = std::max(height, parts[c].size());
    }
    std::string out;
    for (std::size_t line_index = 0; line_index < height; ++line_index) {
      std::string line;
      for (std::size_t c = 0; c < n; ++c) {
        const std::string cell = line_index < parts[c].size() ? parts[c][line_index] : "";
        const std::string pad(widths[c] - display_width(cell), ' ');
        const bool last = c + 1 == n;
        line += m_columns[c].right_aligned ? pad + cell : (last ? cell : cell + pad);
        if (!last) {
          line += "  ";
        }
      }
      // Lines end where their text does (an empty last cell leaves no trailing spaces).
      while (!line.empty() && line.back() == ' ') {
        line.pop_back();
      }
      out += line + "\n";
    }
    return out;
  };

  std::vector<std::string> headers;
  for (const Column& column : m_columns) {
    headers.push_back(column.header);
  }
  std::string header_line = render(headers);
  header_line.pop_back();
  std::string out = header_style + header_line + reset + "\n";
  auto section = m_sections.begin();
  for (std::size_t r = 0; r < m_rows.size(); ++r) {
    for (; section != m_sections.end() && section->first == r; ++section) {
      out += (r == 0 ? "" : "\n") + header_style + section->second + reset + "\n";
    }
    out += render(m_rows[r]);
    for (const auto& [row, note] : m_notes) {
      if (row == r) {
        for (const std::string& line : wrap(note, width > 14 ? static_cast<std::size_t>(width) - 4 : 10)) {
          out += "    " + line + "\n";
        }
      }
    }
  }
  return out;
}

std::string Table::markdown() const
{
  // Appends piece by piece: GCC 12 warns (-Wrestrict, a false positive) on
  // chains of operator+ over temporaries at -O3.
  const auto add_row = [](std::string& out, const auto& cells, const auto& text_of) {
    out += '|';
    for (const auto& cell : cells) {
      out += ' ';
      out += markdown_cell(text_of(cell));
      out += " |";
    }
    out += '\n';
  };
  std::string out;
  add_row(out, m_columns, [](const Column& column) { return column.header; });
  add_row(out, m_columns, [](const Column& column) { return std::string(column.right_aligned ? "---:" : "---"); });
  auto section = m_sections.begin();
  for (std::size_t r = 0; r < m_rows.size(); ++r) {
    for (; section != m_sections.end() && section->first == r; ++section) {
      // A heading row: the title, bold, in the first cell.
      std::vector<std::string> heading(m_columns.size());
      heading[0] = "**" + section->second + "**";
      add_row(out, heading, [](const std::string& cell) { return cell; });
    }
    add_row(out, m_rows[r], [](const std::string& cell) { return cell; });
  }
  return out;
}

} // namespace llmhw::report::detail
