// An hwloc XML topology handed to --topology: loaded by hwloc and read by the
// probe's CPU backend, in-process, with no NVML and an empty root, so only the
// XML varies.
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/probe/probe.hpp"

#include <hwloc.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

// hwloc loads its plugins when the first topology is created and unloads them
// when the last is destroyed; one topology kept for the whole run keeps them
// loaded, so each input costs a parse, not a dlopen of every plugin.
struct KeepHwlocComponentsLoaded {
  hwloc_topology_t topology = nullptr;
  KeepHwlocComponentsLoaded() { hwloc_topology_init(&topology); }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const KeepHwlocComponentsLoaded keep_loaded;
  static const llmhw::catalog::Catalog catalog = llmhw::catalog::load({}).value();
  static const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("llm-hw-fuzz-topology-" + std::to_string(getpid()));
  static const std::string path = (std::filesystem::create_directories(folder / "root"), folder / "topo.xml").string();
  // Real exports run to a few hundred KiB (a 384-PU SGI UV is 320 KiB); larger
  // inputs only slow the run down.
  if (size > (1U << 20)) {
    return 0;
  }
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  llmhw::probe::Environment environment;
  environment.root = (folder / "root").string();
  environment.topology_xml = path;
  environment.skip_nvml = true;
  (void)llmhw::probe::detect(environment, catalog);
  return 0;
}
