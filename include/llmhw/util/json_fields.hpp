#pragma once
// Typed, bounds-checked access to JSON documents that come from outside
// (catalog files, workload files, probe JSON from other hosts). Every failure
// names the input and the path to the field: "my.json: targets[2].memory_bytes:
// expected a non-negative integer, got \"80GB\"".

#include "llmhw/util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::util {

/// How much of a JSON document from outside llm-hw will hold. Every null,
/// boolean, number, string, object and array counts as one value; the DOM
/// costs about 100 bytes a value, so `max_values` is what bounds memory, and
/// `max_bytes` bounds the text read. Each kind of file has its own bounds,
/// sized from the largest real file of that kind (docs/reliability.md).
struct JsonBounds {
  std::uint64_t max_bytes;
  std::uint64_t max_values;
};

/// A model's config.json: real ones are below 100 KB and 3,000 values.
inline constexpr JsonBounds k_config_json_bounds{4ULL << 20, 100'000};
/// A safetensors index: DeepSeek-V3's names 91,000 tensors in 8.9 MB.
inline constexpr JsonBounds k_safetensors_index_bounds{32ULL << 20, 1'000'000};
/// A catalog file: the built-in catalog is 250 KB and 8,000 values in all.
inline constexpr JsonBounds k_catalog_bounds{8ULL << 20, 200'000};
/// A probe JSON (--hardware): an 8-GPU host's is below 100 KB.
inline constexpr JsonBounds k_probe_json_bounds{4ULL << 20, 100'000};
/// A Kubernetes node list (--hardware): a node is 2-20 KB and up to 1,000 values with its image list, so this holds
/// a list of over 1,000 nodes.
inline constexpr JsonBounds k_node_list_bounds{32ULL << 20, 1'000'000};
/// A workload or requirements file: a few dozen fields.
inline constexpr JsonBounds k_small_file_bounds{1ULL << 20, 10'000};

/// Parses `text` as JSON. Rejects nesting deeper than 64 levels, more than
/// `max_values` values and numbers that are not finite, before building the
/// document, so no outside document can exhaust the stack or the memory.
Result<nlohmann::json> parse_json(std::string_view text, const std::string& input,
                                  std::uint64_t max_values = k_catalog_bounds.max_values);

/// Reads a whole regular file within `bounds` and parses it as JSON.
Result<nlohmann::json> read_json_file(const std::string& path, JsonBounds bounds);

/// One JSON object and where it sits, for error messages. Accessors throw
/// InputError; the entry point of each parser catches it and returns the Error.
class JsonObject {
public:
  JsonObject(const nlohmann::json& json, std::string input, std::string path);

  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] const nlohmann::json& json() const { return m_json; }

  [[nodiscard]] std::string string(std::string_view key) const;
  [[nodiscard]] std::optional<std::string> optional_string(std::string_view key) const;
  [[nodiscard]] double number(std::string_view key) const;
  [[nodiscard]] std::optional<double> optional_number(std::string_view key) const;
  /// A non-negative integer no larger than `max`.
  [[nodiscard]] std::uint64_t count(std::string_view key, std::uint64_t max = UINT64_MAX) const;
  [[nodiscard]] std::optional<std::uint64_t> optional_count(std::string_view key, std::uint64_t max = UINT64_MAX) const;
  [[nodiscard]] bool boolean(std::string_view key, bool fallback) const;
  [[nodiscard]] std::vector<std::string> strings(std::string_view key) const;
  /// An object of strings (Kubernetes labels, a probe's field sources) of at most `max_entries` entries, each
  /// name and value at most `max_length` characters; an absent key is an empty map.
  [[nodiscard]] std::map<std::string, std::string> string_map(std::string_view key, std::size_t max_entries,
                                                              std::size_t max_length) const;
  [[nodiscard]] JsonObject object(std::string_view key) const;
  [[nodiscard]] std::optional<JsonObject> optional_object(std::string_view key) const;
  /// The elements of an array of objects; an absent key is an empty array.
  [[nodiscard]] std::vector<JsonObject> objects(std::string_view key) const;

  /// Fails on any key not in `known` (catches typos in hand-written files).
  void reject_unknown_keys(std::initializer_list<std::string_view> known) const;
  void reject_unknown_keys(const std::vector<std::string>& known) const;

  [[noreturn]] void fail(std::string_view key, const std::string& problem) const;

private:
  [[nodiscard]] const nlohmann::json* find(std::string_view key) const;
  [[nodiscard]] std::string field_path(std::string_view key) const;

  const nlohmann::json& m_json;
  std::string m_input;
  std::string m_path;
};

/// The root of a document as a JsonObject; an Error if it is not an object.
Result<JsonObject> root_object(const nlohmann::json& json, const std::string& input);

} // namespace llmhw::util
