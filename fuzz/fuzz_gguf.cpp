// A GGUF file handed to --model: the header reader, then the model built from it.
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/gguf.hpp"
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
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("llm-hw-fuzz-" + std::to_string(getpid()) + ".gguf")).string();
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  (void)llmhw::model::gguf::read_header(path);
  if (auto model = llmhw::model::load(path, catalog)) {
    (void)llmhw::model::kv_cache_bytes(model->arch, 100'000, 2.0);
    (void)llmhw::model::weight_bytes(*model, *catalog.find_quant("q4_k_m"));
  }
  return 0;
}
