#include "llmhw/util/text.hpp"

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

} // namespace llmhw::util
