// A requirements file handed to --requirements: read into the options, then
// checked as the command line's own values are (counts, times, catalog names).
#include "../src/cli/options.hpp"
#include "../src/cli/requirements.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/catalog/targets.hpp"

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
      std::filesystem::temp_directory_path() / ("llm-hw-fuzz-requirements-" + std::to_string(getpid()));
  static const std::string path = (std::filesystem::create_directories(folder), folder / "requirements.json").string();
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  llmhw::cli::Options options;
  options.command = "check";
  if (!llmhw::cli::apply_requirements_file(path, options)) {
    return 0;
  }
  if (!llmhw::cli::check_catalog_names(options, catalog)) {
    return 0;
  }
  (void)llmhw::cli::workload_overrides(options);
  (void)llmhw::catalog::resolve_targets(catalog, options.targets);
  return 0;
}
