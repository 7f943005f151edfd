// A workload file handed to --workload: read, checked field by field, and
// resolved against its preset, as `llm-hw advise --workload FILE` does.
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/workload/workload.hpp"

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
      (std::filesystem::temp_directory_path() / ("llm-hw-fuzz-workload-" + std::to_string(getpid()) + ".json"))
          .string();
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  llmhw::workload::Overrides overrides;
  overrides.workload = path;
  if (auto workload = llmhw::workload::resolve(overrides, catalog)) {
    // What resolve() promises its callers: a context that holds prompt and output.
    if (workload->context < workload->prompt_tokens + workload->output_tokens || workload->concurrency == 0) {
      __builtin_trap();
    }
  }
  return 0;
}
