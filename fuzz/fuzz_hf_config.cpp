// A config.json handed to --model: parsed, its parameters derived, its KV cache sized.
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const llmhw::catalog::Catalog catalog = llmhw::catalog::load({}).value();
  static const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("llm-hw-fuzz-config-" + std::to_string(getpid()));
  static const std::string path = (std::filesystem::create_directories(folder), folder / "config.json").string();
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  if (auto model = llmhw::model::load(path, catalog)) {
    (void)llmhw::model::kv_cache_bytes(model->arch, 1'000'000, 2.0);
    (void)llmhw::model::weight_bytes_read_per_token(*model, *catalog.find_quant("int4"));
  }
  return 0;
}
