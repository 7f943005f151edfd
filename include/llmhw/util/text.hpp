#pragma once
// Small text helpers that know nothing about llm-hw.

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

} // namespace llmhw::util
