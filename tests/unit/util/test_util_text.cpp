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

TEST_CASE("printable writes C0 controls and DEL as \\xHH, tab and newline included", "[util][text][printable]")
{
  CHECK(printable("\x1b[31mred") == "\\x1b[31mred");
  CHECK(printable("bell\a") == "bell\\x07");
  CHECK(printable("over\rwrite") == "over\\x0dwrite");
  CHECK(printable("back\bspace") == "back\\x08space");
  CHECK(printable("two\nlines\tand a tab") == "two\\x0alines\\x09and a tab");
  CHECK(printable(std::string("nul\0byte", 8)) == "nul\\x00byte");
  CHECK(printable("del\x7f") == "del\\x7f");
  CHECK(printable("\x1f") == "\\x1f");
}

TEST_CASE("printable writes C1 controls and bidi controls as \\uHHHH", "[util][text][printable]")
{
  CHECK(printable("\xc2\x9b"
                  "31m") == "\\u009b31m"); // CSI
  CHECK(printable("\xc2\x80\xc2\x9f") == "\\u0080\\u009f");
  CHECK(printable("abc\xe2\x80\xae"
                  "fdp.exe") == "abc\\u202efdp.exe"); // right-to-left override
  CHECK(printable("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad") == "\\u202a\\u202b\\u202c\\u202d");
  CHECK(printable("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9") == "\\u2066\\u2067\\u2068\\u2069");
  CHECK(printable("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c") == "\\u200e\\u200f\\u061c");
  CHECK(printable("\xe2\x80\xa8\xe2\x80\xa9") == "\\u2028\\u2029"); // line and paragraph separators
}

TEST_CASE("printable writes each byte that is not valid UTF-8 as \\xHH", "[util][text][printable]")
{
  CHECK(printable("caf\xe9") == "caf\\xe9");                           // Latin-1, not UTF-8
  CHECK(printable("\x9b"
                  "31m") == "\\x9b31m");                             // a bare C1 byte
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");                        // overlong '/'
  CHECK(printable("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");               // overlong, three bytes
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");               // a UTF-16 surrogate
  CHECK(printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");      // above U+10FFFF
  CHECK(printable("\xe2\x84") == "\\xe2\\x84");                        // cut off
  CHECK(printable("\xe2\x84x") == "\\xe2\\x84x");                      // cut off, then ASCII
  CHECK(printable("\xff\xfe") == "\\xff\\xfe");
}

TEST_CASE("printable keeps printable ASCII and valid multibyte UTF-8 as it is", "[util][text][printable]")
{
  const std::vector<std::string> kept = {
      "AMD Ryzen\xe2\x84\xa2 9 7950X", // ™
      "12 \xc2\xb5s",                  // µ
      "\xc2\xa0non-breaking",          // U+00A0, just past the C1 range
      "Llama \xe2\x86\x92 Qwen",       // →
      "\xe6\xb7\xb1\xe5\xba\xa6\xe6\xb1\x82\xe7\xb4\xa2", // 深度求索
      "\xf0\x9f\x9a\x80 rocket",       // U+1F680, four bytes
      "\xf4\x8f\xbf\xbf",              // U+10FFFF, the last code point
      "\xe2\x80\x94 em dash, \xe2\x80\xa6 ellipsis, \xe2\x80\xaf narrow space", // U+2014, U+2026, U+202F
      "C:\\models\\x",                 // backslashes stay single
      " !\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~",
  };
  for (const std::string& text : kept) {
    CAPTURE(text);
    CHECK(printable(text) == text);
  }
  CHECK(printable("") == "");
}

TEST_CASE("printable output holds no control character whatever the input", "[util][text][printable]")
{
  // Every single byte, and every two-byte sequence: the result is printable ASCII or kept UTF-8 only.
  const auto clean = [](const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto byte = static_cast<unsigned char>(text[i]);
      if (byte < 0x20 || byte == 0x7F) {
        return false;
      }
      if (byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
        return false;
      }
    }
    return printable(text) == text; // what printable left is kept by it again
  };
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string input{static_cast<char>(a), static_cast<char>(b)};
      CAPTURE(a, b);
      REQUIRE(clean(printable(input)));
    }
  }
}

TEST_CASE("count_of says one thing in the singular and everything else in the plural", "[util]")
{
  using llmhw::util::count_of;
  CHECK(count_of(1, "user") == "1 user");
  CHECK(count_of(0, "user") == "0 users");
  CHECK(count_of(8, "user") == "8 users");
  CHECK(count_of(1000, "user") == "1,000 users");
  CHECK(count_of(2, "safetensors header") == "2 safetensors headers");
  CHECK(count_of(1, "copy", "copies") == "1 copy");
  CHECK(count_of(3, "copy", "copies") == "3 copies");
}

TEST_CASE("wrap breaks between words, never inside one, and counts code points", "[util]")
{
  using llmhw::util::wrap;
  CHECK(wrap("one two three", 7) == std::vector<std::string>{"one two", "three"});
  // A word longer than the width keeps a line of its own, whole.
  CHECK(wrap("a meta-llama/Llama-3.1-8B-Instruct b", 10) ==
        std::vector<std::string>{"a", "meta-llama/Llama-3.1-8B-Instruct", "b"});
  // "µs →" is 4 columns, not 7 bytes.
  CHECK(wrap("µs → µs →", 4) == std::vector<std::string>{"µs →", "µs →"});
  CHECK(llmhw::util::display_width("\x1b[1mbold\x1b[0m µs") == 7);
}
