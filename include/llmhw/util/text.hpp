#pragma once
// Small text helpers that know nothing about llm-hw.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::util {

std::string to_lower(std::string_view text);

/// Lower-cases and drops everything but letters and digits, so that
/// "NVIDIA GeForce RTX-4090" and "nvidia geforce rtx 4090" compare equal.
std::string normalize_name(std::string_view text);

/// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is close enough to be a plausible typo, or begins with `word` (three
/// characters at least: an abbreviation). Of equally close ones, one that begins with all of `word`: the same
/// family is the likelier meaning ("mi250" → "mi250x" rather than "mi25"); else the first.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);

/// The candidate closest to `word` by the same ranking, however far; empty only when there are no candidates.
std::optional<std::string> nearest(std::string_view word, std::span<const std::string> candidates);

std::string join(std::span<const std::string> parts, std::string_view separator);

std::string_view trim(std::string_view text);

/// Splits on one character; empty fields are kept.
std::vector<std::string> split(std::string_view text, char separator);

/// Columns `text` takes on a terminal: one per UTF-8 code point; ANSI colour sequences (ESC [ … m) take none
/// (no wide-character handling).
std::size_t display_width(std::string_view text);

/// `text` broken at spaces into lines of at most `width` columns (display_width); a word wider than that gets a
/// line of its own, whole: words are never cut in two.
std::vector<std::string> wrap(std::string_view text, std::size_t width);

/// "user" or "users": `singular` when `count` is one, else `plural` (by default `singular` + "s").
std::string plural(std::uint64_t count, std::string_view singular, std::string_view plural_form = {});

/// "1 user", "8 users", "1,000 users": the count, with thousands separators, and its word (plural()).
std::string count_of(std::uint64_t count, std::string_view singular, std::string_view plural_form = {});

/// `text` safe to show on a terminal: everything that is not printable UTF-8 becomes visible text.
///  - a C0 control (0x00–0x1F, tab and newline included: one value stays on one line), DEL (0x7F), and a byte
///    that is not part of valid UTF-8 (stray continuation bytes, overlong forms, surrogates, cut-off sequences)
///    becomes the four characters `\xHH` (lower-case hex of the byte);
///  - a C1 control (U+0080–U+009F; 0x9B is the one-byte CSI some terminals obey), a bidirectional-text control
///    (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and paragraph separators
///    (U+2028, U+2029) become the six characters `\uHHHH`.
/// Every other valid UTF-8 character is kept as it is ("Ryzen™", "µs", "→", CJK).
std::string printable(std::string_view text);

} // namespace llmhw::util
