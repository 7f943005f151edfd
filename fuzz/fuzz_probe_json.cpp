// probe::parse_inventory_json: a probe JSON from another host (--hardware FILE).
#include "llmhw/probe/probe.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)llmhw::probe::parse_inventory_json(text, "fuzz.json"); // errors are expected; crashes are bugs
  return 0;
}
