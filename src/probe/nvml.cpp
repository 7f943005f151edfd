// NVML through dlopen. The types and functions below follow nvml.h (NVML API
// reference, https://docs.nvidia.com/deploy/nvml-api/); no header is needed to build.
#include "nvml.hpp"
#include "pci.hpp"

#include <dlfcn.h>

#include <fmt/format.h>

#include <cstring>
#include <future>
#include <memory>
#include <thread>

namespace llmhw::probe::detail {
namespace {

// --- nvml.h, as much as the probe uses -------------------------------------------------------
using nvmlReturn_t = int; // enum; NVML_SUCCESS = 0
constexpr nvmlReturn_t NVML_SUCCESS = 0;
using nvmlDevice_t = struct nvmlDevice_st*;
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
struct nvmlPciInfo_t { // the v3 layout (nvmlDeviceGetPciInfo_v3)
  char busIdLegacy[16];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId; // device << 16 | vendor
  unsigned int pciSubSystemId;
  char busId[32];
};
constexpr unsigned int NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96;
constexpr unsigned int NVML_DEVICE_UUID_V2_BUFFER_SIZE = 96;
constexpr unsigned int NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;
constexpr int NVML_CLOCK_MEM = 2;
constexpr unsigned int NVML_NVLINK_MAX_LINKS = 18;
constexpr unsigned int NVML_FEATURE_ENABLED = 1;

using InitFn = nvmlReturn_t (*)();
using ShutdownFn = nvmlReturn_t (*)();
using CountFn = nvmlReturn_t (*)(unsigned int*);
using HandleFn = nvmlReturn_t (*)(unsigned int, nvmlDevice_t*);
using StringFn = nvmlReturn_t (*)(nvmlDevice_t, char*, unsigned int);
using MemoryFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlMemory_t*);
using PciFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlPciInfo_t*);
using CapabilityFn = nvmlReturn_t (*)(nvmlDevice_t, int*, int*);
using UintFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*);
using ClockFn = nvmlReturn_t (*)(nvmlDevice_t, int, unsigned int*);
using MigModeFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*, unsigned int*);
using MigHandleFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int, nvmlDevice_t*);
using LinkStateFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int, unsigned int*);
using DriverFn = nvmlReturn_t (*)(char*, unsigned int);
using CudaFn = nvmlReturn_t (*)(int*);
using ErrorStringFn = const char* (*)(nvmlReturn_t);
// -------------------------------------------------------------------------------------------

/// Memory sizes beyond this are a broken driver or library, not a GPU (64 TiB).
constexpr std::uint64_t k_max_plausible_bytes = std::uint64_t{1} << 46;

template <typename Fn> Fn symbol(void* library, const char* name)
{
  return reinterpret_cast<Fn>(dlsym(library, name)); // NOLINT: dlsym returns void*
}

/// A fixed-size string buffer that may come back without a NUL.
std::string bounded(const char* buffer, std::size_t size)
{
  return std::string(buffer, strnlen(buffer, size));
}

std::optional<std::string> architecture_name(unsigned int code)
{
  // nvmlDeviceArchitecture_t: NVML_DEVICE_ARCH_KEPLER 2 … HOPPER 9, BLACKWELL 10.
  switch (code) {
  case 2: return "kepler";
  case 3: return "maxwell";
  case 4: return "pascal";
  case 5: return "volta";
  case 6: return "turing";
  case 7: return "ampere";
  case 8: return "ada";
  case 9: return "hopper";
  case 10: return "blackwell";
  default: return std::nullopt;
  }
}

struct Api {
  InitFn init = nullptr;
  ShutdownFn shutdown = nullptr;
  CountFn count = nullptr;
  HandleFn handle = nullptr;
  StringFn name = nullptr;
  MemoryFn memory = nullptr;
  StringFn uuid = nullptr;
  PciFn pci = nullptr;
  CapabilityFn capability = nullptr;
  UintFn architecture = nullptr;
  ClockFn max_clock = nullptr;
  UintFn bus_width = nullptr;
  UintFn power_limit = nullptr;
  MigModeFn mig_mode = nullptr;
  UintFn max_migs = nullptr;
  MigHandleFn mig_handle = nullptr;
  LinkStateFn link_state = nullptr;
  DriverFn driver = nullptr;
  CudaFn cuda = nullptr;
  ErrorStringFn error_string = nullptr;
};

Api bind(void* library)
{
  Api api;
  api.init = symbol<InitFn>(library, "nvmlInit_v2");
  api.shutdown = symbol<ShutdownFn>(library, "nvmlShutdown");
  api.count = symbol<CountFn>(library, "nvmlDeviceGetCount_v2");
  api.handle = symbol<HandleFn>(library, "nvmlDeviceGetHandleByIndex_v2");
  api.name = symbol<StringFn>(library, "nvmlDeviceGetName");
  api.memory = symbol<MemoryFn>(library, "nvmlDeviceGetMemoryInfo");
  api.uuid = symbol<StringFn>(library, "nvmlDeviceGetUUID");
  api.pci = symbol<PciFn>(library, "nvmlDeviceGetPciInfo_v3");
  api.capability = symbol<CapabilityFn>(library, "nvmlDeviceGetCudaComputeCapability");
  api.architecture = symbol<UintFn>(library, "nvmlDeviceGetArchitecture");
  api.max_clock = symbol<ClockFn>(library, "nvmlDeviceGetMaxClockInfo");
  api.bus_width = symbol<UintFn>(library, "nvmlDeviceGetMemoryBusWidth");
  api.power_limit = symbol<UintFn>(library, "nvmlDeviceGetPowerManagementLimit");
  api.mig_mode = symbol<MigModeFn>(library, "nvmlDeviceGetMigMode");
  api.max_migs = symbol<UintFn>(library, "nvmlDeviceGetMaxMigDeviceCount");
  api.mig_handle = symbol<MigHandleFn>(library, "nvmlDeviceGetMigDeviceHandleByIndex");
  api.link_state = symbol<LinkStateFn>(library, "nvmlDeviceGetNvLinkState");
  api.driver = symbol<DriverFn>(library, "nvmlSystemGetDriverVersion");
  api.cuda = symbol<CudaFn>(library, "nvmlSystemGetCudaDriverVersion_v2");
  if (api.cuda == nullptr) {
    api.cuda = symbol<CudaFn>(library, "nvmlSystemGetCudaDriverVersion");
  }
  api.error_string = symbol<ErrorStringFn>(library, "nvmlErrorString");
  return api;
}

std::string describe(const Api& api, nvmlReturn_t code)
{
  const char* text = api.error_string != nullptr ? api.error_string(code) : nullptr;
  return text != nullptr ? fmt::format("{} (code {})", bounded(text, 200), code) : fmt::format("code {}", code);
}

/// Memory of a device, or nothing when the figure is absurd (zero, or more than any GPU has).
bool read_memory(const Api& api, nvmlDevice_t device, std::uint64_t& total, std::optional<std::uint64_t>& free,
                 const std::string& label, std::vector<std::string>& warnings)
{
  nvmlMemory_t memory{};
  if (api.memory(device, &memory) != NVML_SUCCESS) {
    warnings.push_back(label + ": NVML cannot read its memory");
    return false;
  }
  if (memory.total == 0 || memory.total > k_max_plausible_bytes) {
    warnings.push_back(fmt::format("{}: NVML reports {} bytes of memory; ignored", label, memory.total));
    return false;
  }
  total = memory.total;
  if (memory.free <= memory.total) {
    free = memory.free;
  }
  return true;
}

NvmlGpu read_gpu(const Api& api, nvmlDevice_t device, unsigned int index, std::vector<std::string>& warnings)
{
  NvmlGpu gpu;
  char text[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
  if (api.name(device, text, sizeof text) == NVML_SUCCESS) {
    gpu.name = bounded(text, sizeof text);
  }
  const std::string label = fmt::format("NVML GPU {}", index);
  read_memory(api, device, gpu.memory_total_bytes, gpu.memory_free_bytes, label, warnings);
  if (api.uuid != nullptr) {
    char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
    if (api.uuid(device, uuid, sizeof uuid) == NVML_SUCCESS) {
      gpu.uuid = bounded(uuid, sizeof uuid);
    }
  }
  if (api.pci != nullptr) {
    nvmlPciInfo_t pci{};
    if (api.pci(device, &pci) == NVML_SUCCESS) {
      gpu.bus_id = normalize_bus_id(bounded(pci.busId, sizeof pci.busId));
      gpu.device_id = fmt::format("{:04x}", pci.pciDeviceId >> 16);
    }
  }
  int major = 0;
  int minor = 0;
  if (api.capability != nullptr && api.capability(device, &major, &minor) == NVML_SUCCESS && major > 0 && major < 100 &&
      minor >= 0 && minor < 100) {
    gpu.compute_capability = fmt::format("{}.{}", major, minor);
  }
  unsigned int value = 0;
  if (api.architecture != nullptr && api.architecture(device, &value) == NVML_SUCCESS) {
    gpu.architecture = architecture_name(value);
  }
  if (api.max_clock != nullptr && api.max_clock(device, NVML_CLOCK_MEM, &value) == NVML_SUCCESS && value > 0 &&
      value < 100000) {
    gpu.memory_clock_mhz = value;
  }
  if (api.bus_width != nullptr && api.bus_width(device, &value) == NVML_SUCCESS && value > 0 && value <= 16384) {
    gpu.memory_bus_width_bits = value;
  }
  if (api.power_limit != nullptr && api.power_limit(device, &value) == NVML_SUCCESS && value > 0 &&
      value < 10'000'000) {
    gpu.power_limit_watts = value / 1000.0; // milliwatts
  }
  if (api.link_state != nullptr) {
    std::uint32_t active = 0;
    bool answered = false;
    for (unsigned int link = 0; link < NVML_NVLINK_MAX_LINKS; ++link) {
      unsigned int state = 0;
      if (api.link_state(device, link, &state) == NVML_SUCCESS) {
        answered = true;
        active += state == NVML_FEATURE_ENABLED ? 1 : 0;
      }
    }
    if (answered) {
      gpu.nvlink_active = active;
    }
  }
  unsigned int current = 0;
  unsigned int pending = 0;
  if (api.mig_mode != nullptr && api.mig_mode(device, &current, &pending) == NVML_SUCCESS) {
    gpu.mig_enabled = current == NVML_FEATURE_ENABLED;
  }
  if (gpu.mig_enabled.value_or(false) && api.max_migs != nullptr && api.mig_handle != nullptr) {
    unsigned int slots = 0;
    if (api.max_migs(device, &slots) == NVML_SUCCESS) {
      for (unsigned int slot = 0; slot < std::min(slots, 64u); ++slot) {
        nvmlDevice_t mig = nullptr;
        if (api.mig_handle(device, slot, &mig) != NVML_SUCCESS || mig == nullptr) {
          continue; // an empty slot: NVML_ERROR_NOT_FOUND
        }
        NvmlMig instance;
        char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
        if (api.name(mig, name, sizeof name) == NVML_SUCCESS) {
          instance.name = bounded(name, sizeof name);
        }
        if (api.uuid != nullptr) {
          char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
          if (api.uuid(mig, uuid, sizeof uuid) == NVML_SUCCESS) {
            instance.uuid = bounded(uuid, sizeof uuid);
          }
        }
        if (read_memory(api, mig, instance.memory_total_bytes, instance.memory_free_bytes,
                        fmt::format("{} MIG {}", label, slot), warnings)) {
          gpu.migs.push_back(std::move(instance));
        }
      }
    }
  }
  return gpu;
}

/// Everything NVML says, on the calling thread (which may never return).
NvmlReport query(void* library)
{
  NvmlReport report;
  const Api api = bind(library);
  if (api.init == nullptr || api.count == nullptr || api.handle == nullptr || api.name == nullptr ||
      api.memory == nullptr) {
    report.warnings.push_back("NVML: the library lacks nvmlInit_v2, nvmlDeviceGetCount_v2, "
                              "nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetName or nvmlDeviceGetMemoryInfo");
    return report;
  }
  if (const nvmlReturn_t code = api.init(); code != NVML_SUCCESS) {
    report.warnings.push_back("NVML cannot initialise: " + describe(api, code) +
                              "; NVIDIA GPUs come from PCI and the catalog");
    return report;
  }
  unsigned int count = 0;
  if (const nvmlReturn_t code = api.count(&count); code != NVML_SUCCESS) {
    report.warnings.push_back("NVML cannot count devices: " + describe(api, code));
  }
  count = std::min(count, 64u);
  for (unsigned int index = 0; index < count; ++index) {
    nvmlDevice_t device = nullptr;
    if (api.handle(index, &device) != NVML_SUCCESS) {
      report.warnings.push_back(fmt::format("NVML GPU {}: no handle", index));
      continue;
    }
    report.gpus.push_back(read_gpu(api, device, index, report.warnings));
  }
  if (api.driver != nullptr) {
    char version[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
    if (api.driver(version, sizeof version) == NVML_SUCCESS) {
      report.driver_version = bounded(version, sizeof version);
    }
  }
  int cuda = 0;
  if (api.cuda != nullptr && api.cuda(&cuda) == NVML_SUCCESS && cuda > 0 && cuda < 1'000'000) {
    report.cuda_version = fmt::format("{}.{}", cuda / 1000, (cuda % 1000) / 10); // 12070 → "12.7"
  }
  if (api.shutdown != nullptr) {
    api.shutdown();
  }
  report.available = true;
  return report;
}

} // namespace

NvmlReport query_nvml(const std::string& library, std::chrono::milliseconds timeout)
{
  const std::string path = library.empty() ? "libnvidia-ml.so.1" : library;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    NvmlReport report;
    if (!library.empty()) { // no NVIDIA driver is the common case, not worth a warning
      const char* why = dlerror();
      report.warnings.push_back("cannot load NVML from " + library + ": " + (why != nullptr ? why : "?"));
    }
    return report;
  }
  // A hung driver can block nvmlInit forever: query on a thread and stop waiting after `timeout`.
  // The library stays loaded (a blocked thread may still be inside it).
  auto promise = std::make_shared<std::promise<NvmlReport>>();
  std::future<NvmlReport> future = promise->get_future();
  std::thread([promise, handle] { promise->set_value(query(handle)); }).detach();
  if (future.wait_for(timeout) != std::future_status::ready) {
    NvmlReport report;
    report.warnings.push_back(fmt::format("NVML did not answer within {} ms; abandoned (NVIDIA GPUs come from PCI "
                                          "and the catalog)",
                                          timeout.count()));
    return report;
  }
  return future.get();
}

} // namespace llmhw::probe::detail
