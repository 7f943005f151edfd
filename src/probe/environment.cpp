#include "llmhw/probe/probe.hpp"

#include "backends.hpp"

#include <cstdlib>
#include <string_view>

extern char** environ; // NOLINT: POSIX, for the TPU_* variables

namespace llmhw::probe {

const std::vector<std::string>& visibility_variables()
{
  static const std::vector<std::string> names = {"CUDA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES"};
  return names;
}

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
  std::map<std::string, std::string> cache_variables;
  for (const char* name : {"XDG_CACHE_HOME", "HOME"}) {
    if (const char* value = std::getenv(name); value != nullptr) {
      cache_variables[name] = value;
    }
  }
  environment.measurement_cache = detail::measurement_cache_file(cache_variables);
  for (const std::string& name : visibility_variables()) {
    if (const char* value = std::getenv(name.c_str()); value != nullptr) {
      environment.variables[name] = value; // an empty value is meaningful: no device visible
    }
  }
  // TPU VMs and GKE describe the slice in TPU_* variables (TPU_ACCELERATOR_TYPE, TPU_WORKER_ID, …).
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (text.starts_with("TPU_") && equals != std::string_view::npos && equals < 64) {
      environment.variables[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1, 256));
    }
  }
  return environment;
}

} // namespace llmhw::probe
