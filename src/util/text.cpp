#include "llmhw/util/text.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <numeric>

namespace llmhw::util {

std::string to_lower(std::string_view text)
{
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string normalize_name(std::string_view text)
{
  std::string normalized;
  normalized.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      normalized.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  return normalized;
}

std::size_t edit_distance(std::string_view a, std::string_view b)
{
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

namespace {

/// Words this long that begin a candidate are plausible however much is left out ("max_ttft" → "max_ttft_ms").
constexpr std::size_t k_min_abbreviation = 3;

/// The best candidate fewer than `limit` edits from `word` or begun by it: fewest edits, and of those one that
/// begins with the whole of `word`, else the first.
std::optional<std::string> best_candidate(std::string_view word, std::span<const std::string> candidates,
                                          std::size_t limit)
{
  const std::string needle = to_lower(word);
  std::optional<std::string> best;
  bool best_extends = false;
  std::size_t best_distance = limit;
  for (const std::string& candidate : candidates) {
    const std::string lower = to_lower(candidate);
    const std::size_t distance = edit_distance(needle, lower);
    const bool extends = lower.starts_with(needle);
    if (distance >= limit && !(extends && needle.size() >= k_min_abbreviation)) {
      continue;
    }
    if (!best || distance < best_distance || (distance == best_distance && extends && !best_extends)) {
      best = candidate;
      best_extends = extends;
      best_distance = distance;
    }
  }
  return best;
}

} // namespace

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates)
{
  // Or a third of the word, at least two edits: "vllmm" → "vllm", but not "tgi" → "mlx".
  return best_candidate(word, candidates, std::max<std::size_t>(2, word.size() / 3) + 1);
}

std::optional<std::string> nearest(std::string_view word, std::span<const std::string> candidates)
{
  return best_candidate(word, candidates, SIZE_MAX);
}

std::string join(std::span<const std::string> parts, std::string_view separator)
{
  std::string joined;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      joined += separator;
    }
    joined += parts[i];
  }
  return joined;
}

std::string_view trim(std::string_view text)
{
  const auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!text.empty() && is_space(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string> split(std::string_view text, char separator)
{
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    fields.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) {
      return fields;
    }
    start = end + 1;
  }
}

namespace {

/// Bytes of the valid UTF-8 sequence at the start of `text` (2 to 4), or 0 when there is none. Follows the
/// Unicode table of well-formed sequences: no overlong forms, no surrogates, nothing above U+10FFFF.
std::size_t utf8_sequence_length(std::string_view text)
{
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    second_low = lead == 0xE0 ? 0xA0 : 0x80;  // E0 80–9F would be overlong
    second_high = lead == 0xED ? 0x9F : 0xBF; // ED A0–BF would be a surrogate
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    second_low = lead == 0xF0 ? 0x90 : 0x80;  // F0 80–8F would be overlong
    second_high = lead == 0xF4 ? 0x8F : 0xBF; // F4 90 and above would pass U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < second_low || byte(1) > second_high) {
    return 0;
  }
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) {
      return 0;
    }
  }
  return length;
}

char32_t decode_utf8(std::string_view sequence)
{
  const auto byte = [&](std::size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(sequence[i])); };
  char32_t code_point = byte(0) & (sequence.size() == 2 ? 0x1F : sequence.size() == 3 ? 0x0F : 0x07);
  for (std::size_t i = 1; i < sequence.size(); ++i) {
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  return code_point;
}

/// Characters a terminal or a text renderer acts on rather than shows: C1 controls, bidi controls, line breaks.
bool is_invisible_control(char32_t code_point)
{
  return (code_point >= 0x80 && code_point <= 0x9F) || code_point == 0x061C || code_point == 0x200E ||
         code_point == 0x200F || (code_point >= 0x2028 && code_point <= 0x202E) ||
         (code_point >= 0x2066 && code_point <= 0x2069);
}

} // namespace

std::string printable(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      out += text[i];
      ++i;
      continue;
    }
    const std::size_t length = byte < 0x80 ? 0 : utf8_sequence_length(text.substr(i));
    if (length == 0) {
      // A control character or a byte that is not valid UTF-8.
      out += fmt::format("\\x{:02x}", byte);
      ++i;
      continue;
    }
    const std::string_view sequence = text.substr(i, length);
    if (const char32_t code_point = decode_utf8(sequence); is_invisible_control(code_point)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(code_point));
    } else {
      out += sequence;
    }
    i += length;
  }
  return out;
}

std::size_t display_width(std::string_view text)
{
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      // An ANSI colour sequence (ESC [ … m) takes no columns.
      i = std::min(text.find('m', i), text.size() - 1);
      continue;
    }
    columns += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 ? 1 : 0;
  }
  return columns;
}

std::vector<std::string> wrap(std::string_view text, std::size_t width)
{
  std::vector<std::string> lines;
  std::string line;
  std::size_t line_width = 0;
  for (const std::string& word : split(text, ' ')) {
    if (word.empty()) {
      continue;
    }
    const std::size_t word_width = display_width(word);
    if (!line.empty() && line_width + 1 + word_width > width) {
      lines.push_back(std::move(line));
      line.clear();
      line_width = 0;
    }
    if (!line.empty()) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += word_width;
  }
  if (!line.empty() || lines.empty()) {
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string plural(std::uint64_t count, std::string_view singular, std::string_view plural_form)
{
  if (count == 1) {
    return std::string(singular);
  }
  return plural_form.empty() ? std::string(singular) + "s" : std::string(plural_form);
}

std::string count_of(std::uint64_t count, std::string_view singular, std::string_view plural_form)
{
  return units::group_thousands(count) + " " + plural(count, singular, plural_form);
}

} // namespace llmhw::util
