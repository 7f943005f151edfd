// A .safetensors file handed to --model: the header reader, then the model.
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/model/safetensors.hpp"

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
      std::filesystem::temp_directory_path() / ("llm-hw-fuzz-" + std::to_string(getpid()));
  static const std::string path = (std::filesystem::create_directories(folder), folder / "model.safetensors").string();
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  (void)llmhw::model::safetensors::read_header(path);
  if (auto model = llmhw::model::load(path, catalog)) {
    (void)llmhw::model::kv_bytes_per_token(model->arch, 2.0);
  }
  return 0;
}
