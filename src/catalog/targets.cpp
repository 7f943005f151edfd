#include "llmhw/catalog/targets.hpp"

#include "llmhw/util/checked.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace llmhw::catalog {
namespace {

/// A catalog entry a name can refer to: a device or a system.
struct Named {
  const HardwareSpec* device = nullptr;
  const SystemSpec* system = nullptr;

  [[nodiscard]] const std::string& id() const { return system != nullptr ? system->id : device->id; }
};

/// Words that tools put in front of the same part ("NVIDIA GeForce RTX 4090", "Tesla T4", "AMD Radeon RX 7900 XTX")
/// and that people leave out when they type it ("4090", "7900 xtx").
constexpr std::array<std::string_view, 11> k_brand_words = {"nvidia", "geforce", "tesla", "amd",    "radeon", "rtx",
                                                            "gtx",    "rx",      "intel", "google", "apple"};

/// A normalized name without its leading brand words, so "A100-SXM4-80GB" meets "NVIDIA A100-SXM4-80GB".
std::string without_brands(std::string name)
{
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (const std::string_view word : k_brand_words) {
      if (name.size() > word.size() && name.starts_with(word)) {
        name.erase(0, word.size());
        stripped = true;
      }
    }
  }
  return name;
}

/// The words of a name, lowercased, without the leading brand words: "NVIDIA A100-SXM4-80GB" is a100 sxm4 80gb.
std::vector<std::string> name_words(std::string_view name)
{
  std::vector<std::string> words;
  std::string word;
  for (const char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) {
    words.push_back(std::move(word));
  }
  // The last word stays: "Apple" alone is not a blank name.
  std::size_t first = 0;
  while (first + 1 < words.size() &&
         std::find(k_brand_words.begin(), k_brand_words.end(), words[first]) != k_brand_words.end()) {
    ++first;
  }
  words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(first));
  return words;
}

/// A family name such as "a100", "aws-p5", "p4d" or "M3 Max 64GB" names every entry whose name starts with the same
/// word and holds the other words in the same order: "a100 80gb" is in "A100 SXM4 80GB" and "A100 PCIe 80GB".
bool in_family(const std::vector<std::string>& wanted, const std::vector<std::string>& words)
{
  if (wanted.empty() || words.empty() || wanted.front() != words.front()) {
    return false;
  }
  auto next = words.begin() + 1;
  for (auto want = wanted.begin() + 1; want != wanted.end(); ++want) {
    next = std::find(next, words.end(), *want);
    if (next == words.end()) {
      return false;
    }
    ++next;
  }
  return true;
}

/// How strictly a text must equal a name; lookup tries each in turn and stops at the first that matches.
enum class Match { id, normalized, brand_free, family };

/// What a text is compared with: a string for the exact kinds of match, words for a family.
struct Wanted {
  std::string text;
  std::vector<std::string> words;
};

template <typename Spec> bool matches(const Spec& spec, Match match, const Wanted& want)
{
  const std::string& wanted = want.text;
  if (match == Match::id) {
    return spec.id == wanted;
  }
  if (match == Match::family) {
    const auto member = [&](const std::string& name) { return in_family(want.words, name_words(name)); };
    return member(spec.id) || member(spec.name) || std::any_of(spec.aliases.begin(), spec.aliases.end(), member);
  }
  const auto key = [&](const std::string& name) {
    const std::string normalized = util::normalize_name(name);
    return match == Match::normalized ? normalized : without_brands(normalized);
  };
  return key(spec.id) == wanted || key(spec.name) == wanted ||
         std::any_of(spec.aliases.begin(), spec.aliases.end(),
                     [&](const std::string& alias) { return key(alias) == wanted; });
}

/// The entries a name refers to, from the strictest kind of match that finds any.
std::vector<Named> lookup(const Catalog& catalog, std::string_view text)
{
  const std::string normalized = util::normalize_name(text);
  if (normalized.empty()) {
    return {};
  }
  for (const Match match : {Match::id, Match::normalized, Match::brand_free, Match::family}) {
    const Wanted wanted{match == Match::id           ? util::to_lower(util::trim(text))
                        : match == Match::normalized ? normalized
                                                     : without_brands(normalized),
                        match == Match::family ? name_words(text) : std::vector<std::string>{}};
    std::vector<Named> found;
    for (const HardwareSpec& device : catalog.hardware) {
      if (matches(device, match, wanted)) {
        found.push_back({&device, nullptr});
      }
    }
    for (const SystemSpec& system : catalog.systems) {
      if (matches(system, match, wanted)) {
        found.push_back({nullptr, &system});
      }
    }
    if (!found.empty()) {
      return found;
    }
  }
  return {};
}

/// "8xh100-sxm", "8 × h100-sxm", "16*tpu-v5e": a count, a multiplication sign and what is counted.
struct Counted {
  std::optional<std::uint64_t> count; ///< empty when the digits overflow
  std::string_view rest;
};

std::optional<Counted> split_count(std::string_view text)
{
  text = util::trim(text);
  const auto digits_end =
      std::find_if(text.begin(), text.end(), [](char c) { return !std::isdigit(static_cast<unsigned char>(c)); });
  const auto digits = static_cast<std::size_t>(digits_end - text.begin());
  if (digits == 0) {
    return std::nullopt;
  }
  const std::string_view after_digits = text.substr(digits);
  std::string_view rest = util::trim(after_digits);
  constexpr std::array<std::string_view, 4> k_signs = {"\xC3\x97", "x", "X", "*"}; // "×" in UTF-8 first
  const auto sign =
      std::find_if(k_signs.begin(), k_signs.end(), [&](std::string_view s) { return rest.starts_with(s); });
  if (sign == k_signs.end()) {
    return std::nullopt;
  }
  const std::string_view name = rest.substr(sign->size());
  // "7900 xtx" is a name, not 7900 × "tx": a sign set apart from the count is set apart from the name too.
  const bool spaced_count = rest.size() != after_digits.size();
  if (spaced_count && !name.empty() && std::isspace(static_cast<unsigned char>(name.front())) == 0) {
    return std::nullopt;
  }
  Counted counted{std::uint64_t{0}, util::trim(name)};
  for (const char c : text.substr(0, digits)) {
    const auto times_ten = counted.count ? util::checked_mul(*counted.count, 10) : std::nullopt;
    counted.count = times_ten ? util::checked_add(*times_ten, static_cast<std::uint64_t>(c - '0')) : std::nullopt;
  }
  return counted;
}

Result<TargetRef> make_target(const Catalog& catalog, const Named& named, std::uint64_t count, const std::string& input)
{
  const SystemSpec* system = named.system;
  const HardwareSpec* device = system != nullptr ? catalog.find_hardware(system->device) : named.device;
  if (device == nullptr) {
    return Error{input,
                 fmt::format("system '{}' is made of '{}', which is not in the catalog", system->id, system->device)};
  }
  const auto devices = system != nullptr ? util::checked_mul(count, system->count) : std::optional(count);
  if (!devices || *devices > k_max_target_devices) {
    return Error{input,
                 fmt::format("that is more than {} devices; a count this large is a typo", k_max_target_devices)};
  }
  TargetRef target;
  target.id = count == 1 ? named.id() : fmt::format("{}x{}", count, named.id());
  target.device = *device;
  target.device_count = static_cast<std::uint32_t>(*devices);
  if (system != nullptr) {
    // count <= devices <= k_max_target_devices and nodes <= system->count, so neither product overflows.
    target.system = *system;
    target.instances = static_cast<std::uint32_t>(count);
    target.nodes = target.instances * system->nodes.value_or(1);
    if (system->price_usd_per_hour) {
      target.price_usd_per_hour = *system->price_usd_per_hour * static_cast<double>(count);
    }
  }
  return target;
}

/// The ids of the entries that share the first word of `name` ("a100" for "a100-20gb"): the family a typo most
/// likely meant, ahead of names that are merely a few letters away.
std::vector<std::string> family_ids(const Catalog& catalog, std::string_view name)
{
  const std::vector<std::string> wanted = name_words(name);
  std::vector<std::string> ids;
  if (wanted.empty()) {
    return ids;
  }
  const auto add_if_family = [&](const auto& spec) {
    if (in_family({wanted.front()}, name_words(spec.id)) || in_family({wanted.front()}, name_words(spec.name))) {
      ids.push_back(spec.id);
    }
  };
  std::for_each(catalog.hardware.begin(), catalog.hardware.end(), add_if_family);
  std::for_each(catalog.systems.begin(), catalog.systems.end(), add_if_family);
  return ids;
}

/// The suggestion for a name that matches nothing: the nearest of its family, else the nearest name of all.
std::optional<std::string> nearest_target(const Catalog& catalog, std::string_view name)
{
  const std::vector<std::string> family = family_ids(catalog, name);
  return family.empty() ? util::closest_match(name, catalog.target_names()) : util::nearest(name, family);
}

Error unknown_target(const Catalog& catalog, std::string_view name, std::optional<std::uint64_t> count,
                     const std::string& input)
{
  if (auto match = nearest_target(catalog, name)) {
    const std::string suggestion = count ? fmt::format("{}x{}", *count, *match) : *match;
    return Error{input, fmt::format("unknown target; did you mean '{}'? (see llm-hw targets)", suggestion)};
  }
  return Error{input, "unknown target (see llm-hw targets)"};
}

/// "matches several targets: a100-sxm4-80gb, a100-sxm4-40gb, …; name one", at most a screenful of ids.
Error ambiguous_target(const std::vector<Named>& found, const std::string& input)
{
  constexpr std::size_t k_listed = 8;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < found.size() && i < k_listed; ++i) {
    ids.push_back(found[i].id());
  }
  const std::string more =
      found.size() > k_listed ? fmt::format(" and {} more (see llm-hw targets)", found.size() - k_listed) : "";
  return Error{input, fmt::format("matches several targets: {}{}; name one", util::join(ids, ", "), more)};
}

} // namespace

Result<TargetRef> resolve_target(const Catalog& catalog, std::string_view text)
{
  const std::string input = fmt::format("--target {}", util::trim(text));
  if (util::trim(text).empty()) {
    return Error{"--target", "empty target; name a catalog id such as h100-sxm, or all"};
  }
  // The whole text first, so that a name which happens to start with digits and an x still resolves.
  std::vector<Named> found = lookup(catalog, text);
  std::optional<Counted> counted;
  std::string_view name = text;
  if (found.empty()) {
    counted = split_count(text);
    if (counted) {
      name = counted->rest;
      if (name.empty()) {
        return Error{input, "a count needs a target after it, as in 8xh100-sxm"};
      }
      found = lookup(catalog, name);
    }
  }
  if (util::to_lower(util::trim(name)) == "all") {
    return Error{input, "'all' stands alone: --target all ranks every catalog target"};
  }
  if (found.empty()) {
    return unknown_target(catalog, name, counted ? counted->count : std::nullopt, input);
  }
  if (found.size() > 1) {
    return ambiguous_target(found, input);
  }
  // An overflowing count is simply too many devices.
  const std::uint64_t count = counted ? counted->count.value_or(UINT64_MAX) : 1;
  if (count == 0) {
    return Error{input, "a count of 0 names no devices"};
  }
  return make_target(catalog, found.front(), count, input);
}

std::vector<TargetRef> all_targets(const Catalog& catalog)
{
  std::vector<TargetRef> targets;
  const auto add = [&](const Named& named) {
    if (auto target = make_target(catalog, named, 1, named.id())) {
      targets.push_back(std::move(target.value()));
    }
  };
  for (const bool cpus : {false, true}) {
    for (const HardwareSpec& device : catalog.hardware) {
      if ((device.kind == DeviceKind::cpu) == cpus) {
        add({&device, nullptr});
      }
    }
  }
  for (const SystemSpec& system : catalog.systems) {
    add({nullptr, &system});
  }
  return targets;
}

Result<std::vector<TargetRef>> resolve_targets(const Catalog& catalog, std::span<const std::string> texts)
{
  std::vector<TargetRef> targets;
  std::set<std::string> seen;
  const auto keep = [&](TargetRef target) {
    if (seen.insert(target.id).second) {
      targets.push_back(std::move(target));
    }
  };
  for (const std::string& text : texts) {
    if (util::to_lower(util::trim(text)) == "all") {
      for (TargetRef& target : all_targets(catalog)) {
        keep(std::move(target));
      }
      continue;
    }
    auto target = resolve_target(catalog, text);
    if (!target) {
      return target.error();
    }
    keep(std::move(target.value()));
  }
  return targets;
}

} // namespace llmhw::catalog
