#include "llmhw/util/json_fields.hpp"

#include "llmhw/util/input_file.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace llmhw::util {
namespace {

constexpr int k_max_depth = 64;

/// A first pass over the text that builds nothing: it refuses a document
/// nested too deep (the DOM and its users recurse), with more values than
/// `max_values` (each costs the DOM ~100 bytes: 64 MiB of [{},{},...] took
/// 2.3 GB) or with a number that is not finite, before the DOM is built.
class ShapeCheck : public nlohmann::json_sax<nlohmann::json> {
public:
  explicit ShapeCheck(std::uint64_t max_values) : m_max_values(max_values) {}

  [[nodiscard]] const std::optional<std::string>& problem() const { return m_problem; }

  bool null() override { return value(); }
  bool boolean(bool /*value*/) override { return value(); }
  bool number_integer(number_integer_t /*value*/) override { return value(); }
  bool number_unsigned(number_unsigned_t /*value*/) override { return value(); }
  bool number_float(number_float_t number, const string_t& /*text*/) override
  {
    if (!std::isfinite(number)) {
      return refuse("JSON number out of range (not finite)");
    }
    return value();
  }
  bool string(string_t& /*value*/) override { return value(); }
  bool binary(binary_t& /*value*/) override { return value(); }
  bool start_object(std::size_t /*elements*/) override { return open(); }
  bool key(string_t& /*value*/) override { return true; }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*elements*/) override { return open(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t byte, const std::string& /*token*/, const nlohmann::detail::exception& error) override
  {
    if (error.id == 406) { // out_of_range.406: a number literal beyond double
      return refuse("JSON number out of range (not finite)");
    }
    std::string what = error.what();
    const auto reason = what.find("error: ");
    if (reason != std::string::npos) {
      what = what.substr(reason + 7);
    }
    return refuse(fmt::format("not valid JSON at byte {}: {}", byte, what));
  }

private:
  bool value()
  {
    if (++m_values > m_max_values) {
      return refuse(fmt::format("JSON document holds more than {} values", m_max_values));
    }
    return true;
  }
  bool open()
  {
    if (++m_depth > k_max_depth) {
      return refuse(fmt::format("JSON nested deeper than {} levels", k_max_depth));
    }
    return value();
  }
  bool close()
  {
    --m_depth;
    return true;
  }
  bool refuse(std::string problem)
  {
    m_problem = std::move(problem);
    return false;
  }

  std::uint64_t m_max_values;
  std::uint64_t m_values = 0;
  int m_depth = 0;
  std::optional<std::string> m_problem;
};

std::string describe(const nlohmann::json& value)
{
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 40) {
    text = text.substr(0, 37) + "...";
  }
  return text;
}

} // namespace

Result<nlohmann::json> parse_json(std::string_view text, const std::string& input, std::uint64_t max_values)
{
  ShapeCheck check(max_values);
  if (!nlohmann::json::sax_parse(text, &check) || check.problem()) {
    return Error{input, check.problem().value_or("not valid JSON")};
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) { // the check above accepted it: not expected
    return Error{input, fmt::format("not valid JSON: {}", error.what())};
  }
}

Result<nlohmann::json> read_json_file(const std::string& path, JsonBounds bounds)
{
  auto text = read_input_file(path, bounds.max_bytes);
  if (!text) {
    return text.error();
  }
  return parse_json(*text, path, bounds.max_values);
}

JsonObject::JsonObject(const nlohmann::json& json, std::string input, std::string path)
    : m_json(json), m_input(std::move(input)), m_path(std::move(path))
{
}

const nlohmann::json* JsonObject::find(std::string_view key) const
{
  const auto it = m_json.find(key);
  if (it == m_json.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

std::string JsonObject::field_path(std::string_view key) const
{
  return m_path.empty() ? std::string(key) : fmt::format("{}.{}", m_path, key);
}

void JsonObject::fail(std::string_view key, const std::string& problem) const
{
  const std::string where = key.empty() ? m_path : field_path(key);
  throw InputError{Error{m_input, where.empty() ? problem : fmt::format("{}: {}", where, problem)}};
}

bool JsonObject::has(std::string_view key) const
{
  return find(key) != nullptr;
}

std::string JsonObject::string(std::string_view key) const
{
  auto value = optional_string(key);
  if (!value) {
    fail(key, "missing (expected a string)");
  }
  return *value;
}

std::optional<std::string> JsonObject::optional_string(std::string_view key) const
{
  const nlohmann::json* value = find(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    fail(key, fmt::format("expected a string, got {}", describe(*value)));
  }
  return value->get<std::string>();
}

double JsonObject::number(std::string_view key) const
{
  auto value = optional_number(key);
  if (!value) {
    fail(key, "missing (expected a number)");
  }
  return *value;
}

std::optional<double> JsonObject::optional_number(std::string_view key) const
{
  const nlohmann::json* value = find(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_number()) {
    fail(key, fmt::format("expected a number, got {}", describe(*value)));
  }
  const double number = value->get<double>();
  if (!std::isfinite(number)) {
    fail(key, "expected a finite number");
  }
  return number;
}

std::uint64_t JsonObject::count(std::string_view key, std::uint64_t max) const
{
  auto value = optional_count(key, max);
  if (!value) {
    fail(key, "missing (expected a non-negative integer)");
  }
  return *value;
}

std::optional<std::uint64_t> JsonObject::optional_count(std::string_view key, std::uint64_t max) const
{
  const nlohmann::json* value = find(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  std::uint64_t count = 0;
  if (value->is_number_unsigned()) {
    count = value->get<std::uint64_t>();
  } else if (value->is_number_integer() && value->get<std::int64_t>() >= 0) {
    count = static_cast<std::uint64_t>(value->get<std::int64_t>()); // built in C++ rather than parsed
  } else if (value->is_number_float() && value->get<double>() >= 0 && value->get<double>() < 1.8e19 &&
             std::floor(value->get<double>()) == value->get<double>()) {
    count = static_cast<std::uint64_t>(value->get<double>()); // 8.5e10 written in exponent form
  } else {
    fail(key, fmt::format("expected a non-negative integer, got {}", describe(*value)));
  }
  if (count > max) {
    fail(key, fmt::format("{} is larger than the limit {}", count, max));
  }
  return count;
}

bool JsonObject::boolean(std::string_view key, bool fallback) const
{
  const nlohmann::json* value = find(key);
  if (value == nullptr) {
    return fallback;
  }
  if (!value->is_boolean()) {
    fail(key, fmt::format("expected true or false, got {}", describe(*value)));
  }
  return value->get<bool>();
}

std::vector<std::string> JsonObject::strings(std::string_view key) const
{
  std::vector<std::string> values;
  const nlohmann::json* array = find(key);
  if (array == nullptr) {
    return values;
  }
  if (!array->is_array()) {
    fail(key, fmt::format("expected an array of strings, got {}", describe(*array)));
  }
  for (const nlohmann::json& item : *array) {
    if (!item.is_string()) {
      fail(key, fmt::format("expected an array of strings, found {}", describe(item)));
    }
    values.push_back(item.get<std::string>());
  }
  return values;
}

JsonObject JsonObject::object(std::string_view key) const
{
  auto value = optional_object(key);
  if (!value) {
    fail(key, "missing (expected an object)");
  }
  return *value;
}

std::optional<JsonObject> JsonObject::optional_object(std::string_view key) const
{
  const nlohmann::json* value = find(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_object()) {
    fail(key, fmt::format("expected an object, got {}", describe(*value)));
  }
  return JsonObject(*value, m_input, field_path(key));
}

std::vector<JsonObject> JsonObject::objects(std::string_view key) const
{
  std::vector<JsonObject> values;
  const nlohmann::json* array = find(key);
  if (array == nullptr) {
    return values;
  }
  if (!array->is_array()) {
    fail(key, fmt::format("expected an array, got {}", describe(*array)));
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const nlohmann::json& item = (*array)[i];
    const std::string item_path = fmt::format("{}[{}]", field_path(key), i);
    if (!item.is_object()) {
      throw InputError{Error{m_input, fmt::format("{}: expected an object, got {}", item_path, describe(item))}};
    }
    values.emplace_back(item, m_input, item_path);
  }
  return values;
}

void JsonObject::reject_unknown_keys(std::initializer_list<std::string_view> known) const
{
  reject_unknown_keys(std::vector<std::string>(known.begin(), known.end()));
}

void JsonObject::reject_unknown_keys(const std::vector<std::string>& known) const
{
  for (const auto& [key, value] : m_json.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      const auto match = closest_match(key, known);
      fail("", match ? fmt::format("unknown field '{}'; did you mean '{}'?", key, *match)
                     : fmt::format("unknown field '{}'", key));
    }
  }
}

std::map<std::string, std::string> JsonObject::string_map(std::string_view key, std::size_t max_entries,
                                                         std::size_t max_length) const
{
  std::map<std::string, std::string> out;
  const auto child = optional_object(key);
  if (!child) {
    return out;
  }
  if (child->json().size() > max_entries) {
    fail(key, fmt::format("more than {} entries", max_entries));
  }
  for (const auto& [name, value] : child->json().items()) {
    if (!value.is_string()) {
      child->fail(name, "expected a string");
    }
    if (name.size() > max_length || value.get_ref<const std::string&>().size() > max_length) {
      child->fail(name, fmt::format("longer than {} characters", max_length));
    }
    out[name] = value.get<std::string>();
  }
  return out;
}

Result<JsonObject> root_object(const nlohmann::json& json, const std::string& input)
{
  if (!json.is_object()) {
    return Error{input, "expected a JSON object at the top level"};
  }
  return JsonObject(json, input, "");
}

} // namespace llmhw::util
