#include "llmhw/util/text.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace llmhw::util;

TEST_CASE("normalize_name ignores case and punctuation", "[util][text]")
{
  CHECK(normalize_name("NVIDIA GeForce RTX-4090") == normalize_name("nvidia geforce rtx 4090"));
  CHECK(normalize_name("A100-SXM4-80GB") == "a100sxm480gb");
}

TEST_CASE("edit_distance counts single-character edits", "[util][text]")
{
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("same", "same") == 0);
}

TEST_CASE("closest_match suggests near names and nothing for far ones", "[util][text]")
{
  const std::vector<std::string> names = {"llama-3.1-8b", "llama-3.1-70b", "qwen3-8b"};
  CHECK(closest_match("llama-3.1-7b", names) == "llama-3.1-8b");
  CHECK(closest_match("LLAMA-3.1-70B", names) == "llama-3.1-70b");
  CHECK_FALSE(closest_match("stable-diffusion-xl", names).has_value());
}

TEST_CASE("closest_match prefers the same family and accepts abbreviations", "[util][text]")
{
  // One edit from each; the one that begins the same way is the likelier meaning.
  const std::vector<std::string> parts = {"mi25", "mi210", "mi250x"};
  CHECK(closest_match("mi250", parts) == "mi250x");
  // A word that begins a candidate is an abbreviation of it, however much is left out.
  const std::vector<std::string> fields = {"max_ttft_ms", "max_tpot_ms", "min_tok_s"};
  CHECK(closest_match("max_ttft", fields) == "max_ttft_ms");
  // Too short to be an abbreviation, too far to be a typo.
  CHECK_FALSE(closest_match("ma", fields).has_value());
  CHECK(nearest("zzz", fields).has_value());
  CHECK_FALSE(nearest("zzz", std::vector<std::string>{}).has_value());
}

TEST_CASE("split keeps empty fields and trim drops surrounding blanks", "[util][text]")
{
  CHECK(split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
  CHECK(trim("  x y \n") == "x y");
}
