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

TEST_CASE("split keeps empty fields and trim drops surrounding blanks", "[util][text]")
{
  CHECK(split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
  CHECK(trim("  x y \n") == "x y");
}
