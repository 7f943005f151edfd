// NVML through dlopen, in a child process: a driver library can crash, abort, exit, hang or
// print, and none of that may reach llm-hw. The child asks the library and writes what it said
// as JSON to a pipe; the parent waits for it with one deadline and judges the answer as
// untrusted input. The types and functions below follow nvml.h (NVML API reference,
// https://docs.nvidia.com/deploy/nvml-api/); no header is needed to build.
#include "nvml.hpp"
#include "pci.hpp"

#include "llmhw/util/json_fields.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
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

// --- The child: asks the library and writes down what it said, checking nothing ----------------
// Every figure goes to the parent as NVML gave it; the parent alone judges what is plausible.

using nlohmann::json;

/// Reading stops here: past it, a lying library only costs time. 64 GPUs is more than any host
/// holds (HGX and DGX boards have 8, the largest PCIe servers 20); 16 MIG slots are more than the
/// 7 any GPU has, so a flood still shows as one.
constexpr unsigned int k_max_gpus_read = 64;
constexpr unsigned int k_max_mig_slots_read = 16;

void put_string(json& out, const char* key, StringFn function, nvmlDevice_t device)
{
  char text[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {}; // also NVML_DEVICE_UUID_V2_BUFFER_SIZE
  if (function != nullptr && function(device, text, sizeof text) == NVML_SUCCESS) {
    out[key] = bounded(text, sizeof text);
  }
}

void put_memory(json& out, const Api& api, nvmlDevice_t device)
{
  nvmlMemory_t memory{};
  if (api.memory(device, &memory) == NVML_SUCCESS) {
    out["memory_total"] = memory.total;
    out["memory_free"] = memory.free;
  }
}

void put_uint(json& out, const char* key, UintFn function, nvmlDevice_t device)
{
  unsigned int value = 0;
  if (function != nullptr && function(device, &value) == NVML_SUCCESS) {
    out[key] = value;
  }
}

json read_migs(const Api& api, nvmlDevice_t device)
{
  json migs = json::array();
  unsigned int slots = 0;
  if (api.max_migs == nullptr || api.mig_handle == nullptr || api.max_migs(device, &slots) != NVML_SUCCESS) {
    return migs;
  }
  for (unsigned int slot = 0; slot < std::min(slots, k_max_mig_slots_read); ++slot) {
    nvmlDevice_t mig = nullptr;
    if (api.mig_handle(device, slot, &mig) != NVML_SUCCESS || mig == nullptr) {
      continue; // an empty slot: NVML_ERROR_NOT_FOUND
    }
    json instance = {{"slot", slot}};
    put_string(instance, "name", api.name, mig);
    put_string(instance, "uuid", api.uuid, mig);
    put_memory(instance, api, mig);
    migs.push_back(std::move(instance));
  }
  return migs;
}

json read_device(const Api& api, nvmlDevice_t device, unsigned int index)
{
  json gpu = {{"index", index}};
  put_string(gpu, "name", api.name, device);
  put_string(gpu, "uuid", api.uuid, device);
  put_memory(gpu, api, device);
  if (api.pci != nullptr) {
    nvmlPciInfo_t pci{};
    if (api.pci(device, &pci) == NVML_SUCCESS) {
      gpu["bus_id"] = bounded(pci.busId, sizeof pci.busId);
      gpu["pci_device_id"] = pci.pciDeviceId;
    }
  }
  int major = 0;
  int minor = 0;
  if (api.capability != nullptr && api.capability(device, &major, &minor) == NVML_SUCCESS) {
    gpu["cc_major"] = major;
    gpu["cc_minor"] = minor;
  }
  put_uint(gpu, "architecture", api.architecture, device);
  unsigned int clock = 0;
  if (api.max_clock != nullptr && api.max_clock(device, NVML_CLOCK_MEM, &clock) == NVML_SUCCESS) {
    gpu["memory_clock_mhz"] = clock;
  }
  put_uint(gpu, "bus_width", api.bus_width, device);
  put_uint(gpu, "power_limit_mw", api.power_limit, device);
  if (api.link_state != nullptr) {
    unsigned int active = 0;
    bool answered = false;
    for (unsigned int link = 0; link < NVML_NVLINK_MAX_LINKS; ++link) {
      unsigned int state = 0;
      if (api.link_state(device, link, &state) == NVML_SUCCESS) {
        answered = true;
        active += state == NVML_FEATURE_ENABLED ? 1 : 0;
      }
    }
    if (answered) {
      gpu["nvlink_active"] = active;
    }
  }
  unsigned int current = 0;
  unsigned int pending = 0;
  if (api.mig_mode != nullptr && api.mig_mode(device, &current, &pending) == NVML_SUCCESS) {
    gpu["mig_enabled"] = current == NVML_FEATURE_ENABLED;
    if (current == NVML_FEATURE_ENABLED) {
      gpu["migs"] = read_migs(api, device);
    }
  }
  return gpu;
}

/// Everything the library at `path` says, as it said it.
json ask_library(const std::string& path)
{
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    return {{"loaded", false}, {"load_error", bounded(why != nullptr ? why : "?", 400)}};
  }
  json answer = {{"loaded", true}};
  const Api api = bind(library);
  if (api.init == nullptr || api.count == nullptr || api.handle == nullptr || api.name == nullptr ||
      api.memory == nullptr) {
    answer["missing_symbols"] = true;
    return answer;
  }
  if (const nvmlReturn_t code = api.init(); code != NVML_SUCCESS) {
    answer["init_error"] = describe(api, code);
    return answer;
  }
  unsigned int count = 0;
  if (const nvmlReturn_t code = api.count(&count); code != NVML_SUCCESS) {
    answer["count_error"] = describe(api, code);
  }
  answer["count"] = count;
  json gpus = json::array();
  unsigned int no_handle = 0;
  unsigned int null_handle = 0;
  for (unsigned int index = 0; index < std::min(count, k_max_gpus_read); ++index) {
    nvmlDevice_t device = nullptr;
    if (api.handle(index, &device) != NVML_SUCCESS) {
      ++no_handle;
    } else if (device == nullptr) {
      ++null_handle; // "success" with a NULL handle: passing it on would crash the library
    } else {
      gpus.push_back(read_device(api, device, index));
    }
  }
  answer["gpus"] = std::move(gpus);
  answer["no_handle"] = no_handle;
  answer["null_handle"] = null_handle;
  if (api.driver != nullptr) {
    char version[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
    if (api.driver(version, sizeof version) == NVML_SUCCESS) {
      answer["driver"] = bounded(version, sizeof version);
    }
  }
  int cuda = 0;
  if (api.cuda != nullptr && api.cuda(&cuda) == NVML_SUCCESS) {
    answer["cuda"] = cuda;
  }
  if (api.shutdown != nullptr) {
    api.shutdown();
  }
  return answer;
}

// --- The process boundary -----------------------------------------------------------------------

/// The child's answer is a few KB (64 GPUs × 16 MIG slots stays under 300 KB); more is garbage.
constexpr std::size_t k_max_answer_bytes = std::size_t{1} << 20;
/// The exit status of a child whose library called exit(): see exit_before_anything_else.
constexpr int k_library_called_exit = 117;
/// After SIGKILL, how long to wait for the child to be reaped: a process stuck in the kernel
/// (a hung driver's ioctl) cannot die until it returns, and the probe must not wait for that.
constexpr std::chrono::milliseconds k_reap_grace{500};

/// Registered in the child before the library loads, so it runs before every handler and static
/// destructor inherited from llm-hw: a library that calls exit() must not run those in the child
/// (a test's temporary-directory cleanup, buffered output of the parent).
void exit_before_anything_else()
{
  _exit(k_library_called_exit);
}

void write_all(int fd, const std::string& bytes)
{
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    written += static_cast<std::size_t>(n);
  }
}

/// The child: stdin, stdout and stderr on /dev/null (a library that prints must not corrupt
/// llm-hw's output, JSON included), the answer to `fd`, then _exit: no atexit handler, no flush
/// of stdio buffers copied from the parent.
///
/// After fork() in a process with threads only async-signal-safe calls are strictly allowed, as a
/// lock held by another thread stays held in the child. The probe forks from the thread that called
/// detect() while llm-hw runs no other (the --measure threads are joined before), so no lock the
/// child needs (malloc's, the loader's) can be held; glibc also resets malloc's locks in a child.
/// Should anything still block in the child, it ends like a hung driver: killed at the deadline.
[[noreturn]] void answer_in_child(const std::string& path, int fd)
{
  const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int stream = 0; stream <= 2 && null >= 0; ++stream) {
    dup2(null, stream);
  }
  std::atexit(exit_before_anything_else);
  try {
    write_all(fd, ask_library(path).dump(-1, ' ', false, json::error_handler_t::replace));
  } catch (...) {
    _exit(1); // out of memory: no answer, the parent says so
  }
  _exit(0);
}

struct Collected {
  std::string bytes;
  bool complete = false;  ///< the child closed the pipe (exited, normally or not)
  bool too_large = false; ///< more than k_max_answer_bytes
};

/// Reads the child's pipe until end of file, `deadline` or k_max_answer_bytes.
Collected collect(int fd, std::chrono::steady_clock::time_point deadline)
{
  Collected collected;
  char buffer[1 << 16];
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      return collected;
    }
    pollfd ready{fd, POLLIN, 0};
    const int polled = poll(&ready, 1, static_cast<int>(std::min<long long>(left, 60'000)));
    if (polled < 0 && errno != EINTR) {
      return collected;
    }
    if (polled <= 0) {
      continue;
    }
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
      continue;
    }
    if (n <= 0) {
      collected.complete = n == 0;
      return collected;
    }
    if (collected.bytes.size() + static_cast<std::size_t>(n) > k_max_answer_bytes) {
      collected.too_large = true;
      return collected;
    }
    collected.bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

struct Ending {
  std::optional<int> status; ///< from waitpid; empty when it could not be reaped
  bool killed = false;       ///< still running at the deadline
};

/// Waits for the child until `deadline`, then kills it and waits k_reap_grace more. A child that
/// cannot be reaped even then (stuck in the kernel) stays a zombie until llm-hw exits.
Ending reap(pid_t child, std::chrono::steady_clock::time_point deadline)
{
  Ending ending;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) {
      ending.status = status;
      return ending;
    }
    if (done < 0 && errno != EINTR) {
      return ending; // ECHILD: SIGCHLD ignored, the child was reaped for us
    }
    const auto now = std::chrono::steady_clock::now();
    if (!ending.killed && now >= deadline) {
      kill(child, SIGKILL);
      ending.killed = true;
      deadline = now + k_reap_grace;
    } else if (ending.killed && now >= deadline) {
      return ending;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

NvmlReport with_warning(std::string warning)
{
  NvmlReport report;
  report.warnings.push_back(std::move(warning));
  return report;
}

constexpr const char* k_fallback = "; NVIDIA GPUs come from PCI and the catalog";

/// A warning for a child that ended without a usable answer; nothing when it answered.
std::optional<std::string> ending_problem(const Collected& collected, const Ending& ending,
                                          std::chrono::milliseconds timeout)
{
  if (collected.too_large) {
    return fmt::format("NVML's answer was malformed (more than {} bytes){}", k_max_answer_bytes, k_fallback);
  }
  if (!collected.complete || ending.killed) {
    return fmt::format("NVML did not answer within {} ms; stopped{}", timeout.count(), k_fallback);
  }
  const std::optional<int>& status = ending.status;
  if (status && WIFSIGNALED(*status)) {
    const int signal = WTERMSIG(*status);
    const char* name = strsignal(signal);
    return fmt::format("NVML crashed (signal {}, {}) while being queried{}", signal, name != nullptr ? name : "?",
                       k_fallback);
  }
  if (status && WIFEXITED(*status) && WEXITSTATUS(*status) == k_library_called_exit) {
    return fmt::format("NVML called exit() while being queried{}", k_fallback);
  }
  if (status && WIFEXITED(*status) && (WEXITSTATUS(*status) != 0 || collected.bytes.empty())) {
    return fmt::format("NVML exited (status {}) without answering{}", WEXITSTATUS(*status), k_fallback);
  }
  return std::nullopt;
}

// --- The parent: the child's bytes are untrusted input -------------------------------------------

/// Memory sizes beyond this are a broken driver or library, not a GPU (64 TiB).
constexpr std::uint64_t k_max_plausible_bytes = std::uint64_t{1} << 46;
/// No GPU can be split into more MIG instances than it has compute slices: 7 on A100, H100,
/// H200, B200 (NVIDIA MIG User Guide, "Supported GPUs").
constexpr std::size_t k_max_mig_instances = 7;

/// A string field no longer than NVML's own buffer for it; longer is a malformed answer.
std::optional<std::string> text(const util::JsonObject& object, std::string_view key, std::size_t max_length)
{
  auto value = object.optional_string(key);
  if (value && value->size() > max_length) {
    object.fail(key, fmt::format("longer than {} bytes", max_length));
  }
  return value;
}

/// An integer field within [low, high]; anything else (a fraction, a string) is malformed, an
/// out-of-range number only absent.
std::optional<std::int64_t> integer(const util::JsonObject& object, std::string_view key, std::int64_t low,
                                    std::int64_t high)
{
  const auto value = object.optional_number(key);
  if (value && std::floor(*value) != *value) {
    object.fail(key, "expected an integer");
  }
  if (!value || *value < static_cast<double>(low) || *value > static_cast<double>(high)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*value);
}

/// Total and free memory, or nothing when the total is absurd (zero, or more than any GPU has).
bool read_memory(const util::JsonObject& object, std::uint64_t& total, std::optional<std::uint64_t>& free,
                 const std::string& label, std::vector<std::string>& warnings)
{
  const auto reported = object.optional_count("memory_total");
  if (!reported) {
    warnings.push_back(label + ": NVML cannot read its memory");
    return false;
  }
  if (*reported == 0 || *reported > k_max_plausible_bytes) {
    warnings.push_back(fmt::format("{}: NVML reports {} bytes of memory; ignored", label, *reported));
    return false;
  }
  total = *reported;
  if (const auto unused = object.optional_count("memory_free"); unused && *unused <= total) {
    free = unused;
  }
  return true;
}

std::vector<NvmlMig> migs_from(const util::JsonObject& gpu, const std::string& label,
                               std::vector<std::string>& warnings)
{
  const std::vector<util::JsonObject> instances = gpu.objects("migs");
  if (instances.size() > k_max_mig_slots_read) {
    gpu.fail("migs", fmt::format("more than {} instances", k_max_mig_slots_read));
  }
  if (instances.size() > k_max_mig_instances) {
    warnings.push_back(fmt::format("{}: NVML reports {}{} MIG instances, more than the {} a GPU can hold; "
                                   "its MIG instances are ignored",
                                   label, instances.size() == k_max_mig_slots_read ? "at least " : "", instances.size(),
                                   k_max_mig_instances));
    return {};
  }
  std::vector<NvmlMig> migs;
  for (const util::JsonObject& object : instances) {
    NvmlMig mig;
    mig.name = text(object, "name", NVML_DEVICE_NAME_V2_BUFFER_SIZE).value_or("");
    mig.uuid = text(object, "uuid", NVML_DEVICE_UUID_V2_BUFFER_SIZE);
    const auto slot = object.optional_count("slot", k_max_mig_slots_read);
    if (read_memory(object, mig.memory_total_bytes, mig.memory_free_bytes,
                    fmt::format("{} MIG {}", label, slot.value_or(0)), warnings)) {
      migs.push_back(std::move(mig));
    }
  }
  return migs;
}

NvmlGpu gpu_from(const util::JsonObject& object, std::vector<std::string>& warnings)
{
  NvmlGpu gpu;
  const std::string label = fmt::format("NVML GPU {}", object.count("index", k_max_gpus_read));
  gpu.name = text(object, "name", NVML_DEVICE_NAME_V2_BUFFER_SIZE).value_or("");
  gpu.uuid = text(object, "uuid", NVML_DEVICE_UUID_V2_BUFFER_SIZE);
  read_memory(object, gpu.memory_total_bytes, gpu.memory_free_bytes, label, warnings);
  if (const auto bus_id = text(object, "bus_id", sizeof nvmlPciInfo_t{}.busId); bus_id && !bus_id->empty()) {
    gpu.bus_id = normalize_bus_id(*bus_id);
    gpu.device_id = fmt::format("{:04x}", object.count("pci_device_id", UINT32_MAX) >> 16);
  }
  const auto major = integer(object, "cc_major", 1, 99);
  const auto minor = integer(object, "cc_minor", 0, 99);
  if (major && minor) {
    gpu.compute_capability = fmt::format("{}.{}", *major, *minor);
  }
  if (const auto code = integer(object, "architecture", 0, UINT32_MAX)) {
    gpu.architecture = architecture_name(static_cast<unsigned int>(*code));
  }
  if (const auto clock = integer(object, "memory_clock_mhz", 1, 99'999)) {
    gpu.memory_clock_mhz = static_cast<std::uint32_t>(*clock);
  }
  if (const auto width = integer(object, "bus_width", 1, 16384)) {
    gpu.memory_bus_width_bits = static_cast<std::uint32_t>(*width);
  }
  if (const auto milliwatts = integer(object, "power_limit_mw", 1, 9'999'999)) {
    gpu.power_limit_watts = static_cast<double>(*milliwatts) / 1000.0;
  }
  if (const auto links = integer(object, "nvlink_active", 0, NVML_NVLINK_MAX_LINKS)) {
    gpu.nvlink_active = static_cast<std::uint32_t>(*links);
  }
  if (object.has("mig_enabled")) {
    gpu.mig_enabled = object.boolean("mig_enabled", false);
  }
  gpu.migs = migs_from(object, label, warnings);
  return gpu;
}

/// "0000:18:00.0": what sysfs names a PCI function (domain:bus:device.function, hex).
bool is_bus_id(const std::string& id)
{
  static constexpr std::string_view k_shape = "hhhh:hh:hh.f";
  if (id.size() != k_shape.size()) {
    return false;
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool ok = k_shape[i] == 'h'   ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                    : k_shape[i] == 'f' ? c >= '0' && c <= '7'
                                        : c == k_shape[i];
    if (!ok) {
      return false;
    }
  }
  return true;
}

/// Drops GPUs whose bus id is malformed or was already seen: each would otherwise become a GPU
/// of its own beside the PCI device it lies about (10 GPUs on an 8-GPU host).
void drop_bad_bus_ids(std::vector<NvmlGpu>& gpus, std::vector<std::string>& warnings)
{
  std::vector<std::string> seen;
  std::vector<std::string> malformed;
  std::vector<std::string> repeated;
  std::erase_if(gpus, [&](const NvmlGpu& gpu) {
    if (!gpu.bus_id) {
      return false;
    }
    if (!is_bus_id(*gpu.bus_id)) {
      malformed.push_back(*gpu.bus_id);
      return true;
    }
    if (std::find(seen.begin(), seen.end(), *gpu.bus_id) != seen.end()) {
      repeated.push_back(*gpu.bus_id);
      return true;
    }
    seen.push_back(*gpu.bus_id);
    return false;
  });
  if (!malformed.empty()) {
    warnings.push_back(fmt::format("NVML reports {} GPU(s) with a malformed bus id (\"{}\"); ignored", malformed.size(),
                                   malformed.front()));
  }
  if (!repeated.empty()) {
    warnings.push_back(fmt::format("NVML reports {} GPU(s) with a bus id it already gave another ({}); ignored",
                                   repeated.size(), repeated.front()));
  }
}

/// The report the child's answer describes, judged as untrusted input.
NvmlReport report_from(const util::JsonObject& answer, const std::string& library)
{
  NvmlReport report;
  if (!answer.boolean("loaded", false)) {
    if (!library.empty()) { // no NVIDIA driver is the common case, not worth a warning
      report.warnings.push_back(
          fmt::format("cannot load NVML from {}: {}", library, text(answer, "load_error", 400).value_or("?")));
    }
    return report;
  }
  if (answer.boolean("missing_symbols", false)) {
    report.warnings.push_back("NVML: the library lacks nvmlInit_v2, nvmlDeviceGetCount_v2, "
                              "nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetName or nvmlDeviceGetMemoryInfo");
    return report;
  }
  if (const auto error = text(answer, "init_error", 400)) {
    report.warnings.push_back(fmt::format("NVML cannot initialise: {}{}", *error, k_fallback));
    return report;
  }
  if (const auto error = text(answer, "count_error", 400)) {
    report.warnings.push_back("NVML cannot count devices: " + *error);
  }
  report.device_count = answer.optional_count("count", UINT32_MAX).value_or(0);
  if (report.device_count > k_max_gpus_read) {
    report.warnings.push_back(fmt::format("NVML reports {} GPUs, more than a host holds; only the first {} were read",
                                          report.device_count, k_max_gpus_read));
  }
  const std::vector<util::JsonObject> gpus = answer.objects("gpus");
  if (gpus.size() > k_max_gpus_read) {
    answer.fail("gpus", fmt::format("more than {} GPUs", k_max_gpus_read));
  }
  for (const util::JsonObject& gpu : gpus) {
    report.gpus.push_back(gpu_from(gpu, report.warnings));
  }
  if (const auto missing = answer.optional_count("no_handle", k_max_gpus_read).value_or(0); missing > 0) {
    report.warnings.push_back(fmt::format("NVML gave no handle for {} GPU(s)", missing));
  }
  if (const auto null = answer.optional_count("null_handle", k_max_gpus_read).value_or(0); null > 0) {
    report.warnings.push_back(fmt::format("NVML gave a NULL handle for {} GPU(s); skipped", null));
  }
  drop_bad_bus_ids(report.gpus, report.warnings);
  report.driver_version = text(answer, "driver", NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE);
  if (const auto cuda = integer(answer, "cuda", 1, 999'999)) {
    report.cuda_version = fmt::format("{}.{}", *cuda / 1000, (*cuda % 1000) / 10); // 12070 → "12.7"
  }
  report.available = true;
  return report;
}

} // namespace

NvmlReport query_nvml(const std::string& library, std::chrono::milliseconds timeout)
{
  const std::string path = library.empty() ? "libnvidia-ml.so.1" : library;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int pipe_ends[2] = {-1, -1};
  if (pipe2(pipe_ends, O_CLOEXEC) != 0) {
    return with_warning(fmt::format("cannot query NVML: pipe: {}{}", std::strerror(errno), k_fallback));
  }
  const pid_t child = fork();
  if (child < 0) {
    const int error = errno;
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    return with_warning(fmt::format("cannot query NVML: fork: {}{}", std::strerror(error), k_fallback));
  }
  if (child == 0) {
    close(pipe_ends[0]);
    answer_in_child(path, pipe_ends[1]);
  }
  close(pipe_ends[1]);
  const Collected collected = collect(pipe_ends[0], deadline);
  close(pipe_ends[0]);
  const Ending ending =
      reap(child, collected.complete && !collected.too_large ? deadline : std::chrono::steady_clock::now());
  if (auto problem = ending_problem(collected, ending, timeout)) {
    return with_warning(std::move(*problem));
  }
  return parse_nvml_answer(collected.bytes, library);
}

NvmlReport parse_nvml_answer(std::string_view answer_bytes, const std::string& library)
{
  const auto document = util::parse_json(answer_bytes, "NVML's answer");
  const auto answer =
      document ? util::root_object(document.value(), "NVML's answer") : Result<util::JsonObject>(document.error());
  if (!answer) {
    return with_warning(fmt::format("NVML's answer was malformed ({}){}", answer.error().message(), k_fallback));
  }
  try {
    return report_from(answer.value(), library);
  } catch (const InputError& error) {
    return with_warning(fmt::format("NVML's answer was malformed ({}){}", error.error.message(), k_fallback));
  }
}

} // namespace llmhw::probe::detail
