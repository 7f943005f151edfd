// --target values (one per line), as the command line or a requirements
// file's "targets" carry them: ids, aliases, vendor names, counts ("8x", "8×").
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/catalog/targets.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const llmhw::catalog::Catalog catalog = llmhw::catalog::load({}).value();
  std::vector<std::string> texts;
  std::string line;
  for (std::size_t i = 0; i < size && texts.size() < 16; ++i) {
    if (data[i] == '\n') {
      texts.push_back(line);
      line.clear();
    } else {
      line.push_back(static_cast<char>(data[i]));
    }
  }
  texts.push_back(line);
  if (auto targets = llmhw::catalog::resolve_targets(catalog, texts)) {
    for (const auto& target : *targets) {
      if (target.device_count == 0 || target.device_count > llmhw::catalog::k_max_target_devices) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
