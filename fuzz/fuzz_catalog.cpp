// A user catalog file (--catalog FILE) merged over the built-in catalog.
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/json_fields.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const llmhw::catalog::Catalog builtin = llmhw::catalog::load({}).value();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = llmhw::util::parse_json(text, "user.json");
  if (!json) {
    return 0;
  }
  llmhw::catalog::Catalog catalog = builtin;
  if (llmhw::catalog::merge(catalog, *json, "user.json")) {
    // Lookups over what was merged must hold up too.
    for (const auto& spec : catalog.hardware) {
      (void)catalog.find_hardware(spec.name);
    }
    (void)catalog.find_model("llama-3.1-8b");
  }
  return 0;
}
