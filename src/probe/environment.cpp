#include "llmhw/probe/probe.hpp"

#include <cstdlib>
#include <string_view>

namespace llmhw::probe {

Environment Environment::from_process()
{
  Environment environment;
  if (const char* root = std::getenv("LLM_HW_ROOT"); root != nullptr && *root != '\0') {
    environment.root = root;
  }
  if (const char* library = std::getenv("LLM_HW_NVML_LIB"); library != nullptr && *library != '\0') {
    environment.nvml_library = library;
  }
  if (const char* skip = std::getenv("LLM_HW_NO_NVML"); skip != nullptr && std::string_view(skip) == "1") {
    environment.skip_nvml = true;
  }
  return environment;
}

} // namespace llmhw::probe
