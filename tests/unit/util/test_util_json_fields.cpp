#include "llmhw/util/json_fields.hpp"

#include <catch2/catch.hpp>

#include <string>

using llmhw::InputError;
using llmhw::util::JsonObject;
using llmhw::util::parse_json;

namespace {

/// The message a JsonObject accessor fails with.
template <typename Access> std::string failure_of(Access access)
{
  try {
    access();
  } catch (const InputError& error) {
    return error.error.message();
  }
  return "";
}

} // namespace

TEST_CASE("parse_json names the byte where the document breaks", "[util][json]")
{
  auto parsed = parse_json("{\"a\": 1,, }", "broken.json");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().input == "broken.json");
  CHECK_THAT(parsed.error().problem, Catch::Contains("not valid JSON at byte 9"));
}

TEST_CASE("parse_json refuses nesting deep enough to exhaust the stack", "[util][json]")
{
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto parsed = parse_json(deep, "deep.json");
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().problem, Catch::Contains("nested deeper than 64"));
  // Brackets inside strings are not nesting.
  CHECK(parse_json("{\"s\": \"" + std::string(1000, '[') + "\"}", "s.json").ok());
}

TEST_CASE("parse_json refuses numbers that overflow to infinity", "[util][json]")
{
  auto parsed = parse_json("{\"x\": 1e400}", "big.json");
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().problem, Catch::Contains("not finite"));
}

TEST_CASE("parse_json refuses NaN and Infinity in every spelling", "[util][json]")
{
  // RFC 8259 has no NaN or Infinity; nlohmann rejects the literals, and
  // numbers too large for a double overflow to infinity, which is refused too.
  for (const char* text : {R"({"x": NaN})", R"({"x": nan})", R"({"x": Infinity})", R"({"x": -Infinity})",
                           R"({"x": inf})", R"({"x": -1e400})", R"({"x": [1, 2, 1e309]})"}) {
    INFO(text);
    CHECK_FALSE(parse_json(text, "odd.json").ok());
  }
}

TEST_CASE("counts take the whole 64-bit range and nothing past it", "[util][json]")
{
  auto parsed = parse_json(R"({"max": 18446744073709551615, "over": 18446744073709551616, "minus_zero": -0,
                               "negative": -1, "big_negative": -9223372036854775809, "exp": 1.7e19})",
                           "edges.json");
  REQUIRE(parsed.ok());
  const JsonObject root(*parsed, "edges.json", "");
  CHECK(root.count("max") == UINT64_MAX);
  CHECK(root.count("minus_zero") == 0U);
  CHECK(root.count("exp") == 17'000'000'000'000'000'000ULL);
  // 2^64 no longer fits an integer: nlohmann keeps it as a double, which is refused.
  CHECK_THAT(failure_of([&] { (void)root.count("over"); }), Catch::Contains("expected a non-negative integer"));
  CHECK_THAT(failure_of([&] { (void)root.count("negative"); }), Catch::Contains("expected a non-negative integer"));
  CHECK_THAT(failure_of([&] { (void)root.count("big_negative"); }), Catch::Contains("expected a non-negative integer"));
}

TEST_CASE("JsonObject accessors name the file and the field path", "[util][json]")
{
  const nlohmann::json document = nlohmann::json::parse(R"({"gpu": {"memory_bytes": "80GB", "count": -2,
                                                            "big": 8.5e10, "half": 1.5, "flag": "yes"}})");
  const JsonObject root(document, "hw.json", "");
  const JsonObject gpu = root.object("gpu");

  CHECK(failure_of([&] { (void)gpu.count("memory_bytes"); }) ==
        "hw.json: gpu.memory_bytes: expected a non-negative integer, got \"80GB\"");
  CHECK_THAT(failure_of([&] { (void)gpu.count("count"); }), Catch::Contains("gpu.count: expected a non-negative"));
  CHECK(gpu.count("big") == 85'000'000'000ULL); // exponent form of an integer is an integer
  CHECK_THAT(failure_of([&] { (void)gpu.count("half"); }), Catch::Contains("got 1.5"));
  CHECK_THAT(failure_of([&] { (void)gpu.count("big", 1000); }), Catch::Contains("larger than the limit 1000"));
  CHECK_THAT(failure_of([&] { (void)gpu.boolean("flag", false); }), Catch::Contains("expected true or false"));
  CHECK_THAT(failure_of([&] { (void)gpu.string("name"); }), Catch::Contains("gpu.name: missing"));
  CHECK_FALSE(gpu.optional_number("absent").has_value());
}

TEST_CASE("JsonObject rejects unknown keys, naming the first", "[util][json]")
{
  const nlohmann::json document = nlohmann::json::parse(R"({"id": "x", "memroy_bytes": 1})");
  const JsonObject root(document, "typo.json", "hardware[0]");
  CHECK(failure_of([&] {
          root.reject_unknown_keys({"id", "memory_bytes"});
        }) == "typo.json: hardware[0]: unknown field 'memroy_bytes'; did you mean 'memory_bytes'?");
  // Nothing near enough: no guess.
  const nlohmann::json other = nlohmann::json::parse(R"({"colour": "red"})");
  CHECK(failure_of([&] {
          JsonObject(other, "typo.json", "").reject_unknown_keys({"id", "memory_bytes"});
        }) == "typo.json: unknown field 'colour'");
}

TEST_CASE("objects() names the index of a bad array element", "[util][json]")
{
  const nlohmann::json document = nlohmann::json::parse(R"({"models": [{"id": "a"}, 42]})");
  const JsonObject root(document, "m.json", "");
  CHECK(failure_of([&] { (void)root.objects("models"); }) == "m.json: models[1]: expected an object, got 42");
}

TEST_CASE("counts accept integers built in C++ as well as parsed ones", "[util][json]")
{
  const nlohmann::json document = {{"signed", 7}, {"negative", -7}};
  const JsonObject root(document, "built", "");
  CHECK(root.count("signed") == 7);
  CHECK_THAT(failure_of([&] { (void)root.count("negative"); }), Catch::Contains("expected a non-negative integer"));
}
