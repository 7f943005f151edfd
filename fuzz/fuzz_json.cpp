// util::parse_json and the typed accessors every outside JSON document goes through.
#include "llmhw/util/json_fields.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = llmhw::util::parse_json(text, "fuzz.json");
  if (!json || !json->is_object()) {
    return 0;
  }
  const llmhw::util::JsonObject root(*json, "fuzz.json", "");
  try {
    (void)root.optional_count("n", 1000);
    (void)root.optional_number("x");
    (void)root.optional_string("s");
    (void)root.strings("list");
    (void)root.boolean("b", false);
    for (const auto& item : root.objects("items")) {
      (void)item.optional_count("n");
    }
  } catch (const llmhw::InputError&) {
    // Rejections are expected; only crashes are bugs.
  }
  return 0;
}
