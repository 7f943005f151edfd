// A stand-in for libnvidia-ml.so.1 with the real C ABI (function names, argument
// types and struct layouts of nvml.h), describing GPUs read from the file named by
// $FAKE_NVML_CONFIG. The probe loads it through $LLM_HW_NVML_LIB exactly as it
// loads the real library. Built twice: in full, and with FAKE_NVML_MINIMAL defined
// exporting only the five functions the probe requires.
//
// Config file: "key = value" lines; "[gpu]" starts a GPU, "[mig]" a MIG instance of
// the last GPU. Top-level keys: driver, cuda (12070), fault (one or more of the names
// below). GPU keys: name, uuid, bus_id, pci_device_id (hex),
// memory_total, memory_free (bytes), cc (9.0), arch (NVML code), memory_clock_mhz,
// bus_width, power_limit_mw, nvlink_active (links up of 18), mig (1 = enabled).
// MIG keys: name, uuid, memory_total, memory_free.
//
// Faults, the ways a broken driver library fails:
//   init_fails          nvmlInit_v2 returns NVML_ERROR_DRIVER_NOT_LOADED
//   init_blocks         nvmlInit_v2 sleeps 30 s (a hung driver)
//   init_aborts         nvmlInit_v2 calls abort()
//   init_exits_zero     nvmlInit_v2 calls _exit(0)
//   init_calls_exit     nvmlInit_v2 calls exit(0), running atexit handlers
//   constructor_sleeps  the library's constructor sleeps 30 s: dlopen itself hangs
//   prints_to_stdout    nvmlInit_v2 writes garbage to stdout and stderr
//   memory_segfault     nvmlDeviceGetMemoryInfo dies of SIGSEGV
//   count_fails         nvmlDeviceGetCount_v2 returns NVML_ERROR_UNKNOWN
//   count_huge          the count is 10,000; handles past the configured GPUs repeat them
//   null_handles        two more GPUs counted than configured, their handles NULL with success
//   garbage_bus_ids     two more GPUs: one with a malformed bus id, one repeating GPU 0's
//   mig_flood           every GPU in MIG mode with 64 instances
//   absurd_clock        memory clock 99,999 MHz and bus width 16,384 bit (410 TB/s)
//   names_without_nul   strings fill the buffer with no terminator
//   answers_garbage     nvmlInit_v2 writes a JSON document of the wrong shape to the pipes the
//                       process opened for writing, then _exit(0): the answer read is not the caller's
//   answers_too_much    the same with 2 MiB of spaces

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Mig {
  std::string name;
  std::string uuid;
  unsigned long long memory_total = 0;
  unsigned long long memory_free = 0;
};

struct Gpu {
  std::string name;
  std::string uuid;
  std::string bus_id;
  unsigned int pci_device_id = 0;
  unsigned long long memory_total = 0;
  unsigned long long memory_free = 0;
  int cc_major = 0;
  int cc_minor = 0;
  unsigned int arch = 0;
  unsigned int memory_clock_mhz = 0;
  unsigned int bus_width = 0;
  unsigned int power_limit_mw = 0;
  unsigned int nvlink_active = 0;
  bool mig = false;
  std::vector<Mig> migs;
  bool is_mig = false; // handles of MIG instances point at their own Gpu records
};

struct Config {
  std::string driver = "550.00";
  int cuda = 12040;
  std::string fault;
  std::vector<Gpu> gpus;
  std::vector<Gpu> mig_handles; // one record per MIG instance, for nvmlDevice_t
};

std::string trim(const std::string& text)
{
  const auto first = text.find_first_not_of(" \t\r");
  const auto last = text.find_last_not_of(" \t\r");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

Config load()
{
  Config config;
  const char* path = std::getenv("FAKE_NVML_CONFIG");
  if (path == nullptr) {
    return config;
  }
  std::ifstream file(path);
  std::string line;
  Gpu* gpu = nullptr;
  Mig* mig = nullptr;
  while (std::getline(file, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (line == "[gpu]") {
      config.gpus.emplace_back();
      gpu = &config.gpus.back();
      mig = nullptr;
      continue;
    }
    if (line == "[mig]" && gpu != nullptr) {
      gpu->migs.emplace_back();
      mig = &gpu->migs.back();
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string::npos) {
      continue;
    }
    const std::string key = trim(line.substr(0, equals));
    const std::string value = trim(line.substr(equals + 1));
    const auto number = [&value] { return std::strtoull(value.c_str(), nullptr, 0); };
    if (mig != nullptr) {
      if (key == "name")
        mig->name = value;
      if (key == "uuid")
        mig->uuid = value;
      if (key == "memory_total")
        mig->memory_total = number();
      if (key == "memory_free")
        mig->memory_free = number();
    } else if (gpu != nullptr) {
      if (key == "name")
        gpu->name = value;
      if (key == "uuid")
        gpu->uuid = value;
      if (key == "bus_id")
        gpu->bus_id = value;
      if (key == "pci_device_id")
        gpu->pci_device_id = static_cast<unsigned int>(number());
      if (key == "memory_total")
        gpu->memory_total = number();
      if (key == "memory_free")
        gpu->memory_free = number();
      if (key == "cc") {
        gpu->cc_major = std::atoi(value.c_str());
        gpu->cc_minor = std::atoi(value.substr(value.find('.') + 1).c_str());
      }
      if (key == "arch")
        gpu->arch = static_cast<unsigned int>(number());
      if (key == "memory_clock_mhz")
        gpu->memory_clock_mhz = static_cast<unsigned int>(number());
      if (key == "bus_width")
        gpu->bus_width = static_cast<unsigned int>(number());
      if (key == "power_limit_mw")
        gpu->power_limit_mw = static_cast<unsigned int>(number());
      if (key == "nvlink_active")
        gpu->nvlink_active = static_cast<unsigned int>(number());
      if (key == "mig")
        gpu->mig = number() != 0;
    } else {
      if (key == "driver")
        config.driver = value;
      if (key == "cuda")
        config.cuda = static_cast<int>(number());
      if (key == "fault")
        config.fault = value;
    }
  }
  if (config.fault.find("garbage_bus_ids") != std::string::npos && !config.gpus.empty()) {
    const std::string first_bus_id = config.gpus.front().bus_id;
    for (const std::string& bus_id : {std::string("zz:bogus:\x7f"), first_bus_id}) {
      Gpu liar = config.gpus.front();
      liar.bus_id = bus_id;
      liar.mig = false;
      liar.migs.clear();
      config.gpus.push_back(liar);
    }
  }
  for (Gpu& parent : config.gpus) {
    for (const Mig& instance : parent.migs) {
      Gpu handle;
      handle.name = instance.name;
      handle.uuid = instance.uuid;
      handle.memory_total = instance.memory_total;
      handle.memory_free = instance.memory_free;
      handle.is_mig = true;
      config.mig_handles.push_back(handle);
    }
  }
  return config;
}

/// Read again at every nvmlInit_v2, so one test process can describe several machines.
Config& config()
{
  static Config loaded = load();
  return loaded;
}

bool fault(const char* name)
{
  return config().fault.find(name) != std::string::npos;
}

int copy_string(const std::string& text, char* buffer, unsigned int length)
{
  if (buffer == nullptr || length == 0) {
    return 2; // NVML_ERROR_INVALID_ARGUMENT
  }
  if (fault("names_without_nul")) {
    // A broken library filling the whole buffer with no terminator.
    std::memset(buffer, 'X', length);
    std::memcpy(buffer, text.data(), std::min<std::size_t>(text.size(), length));
    return 0;
  }
  if (text.size() + 1 > length) {
    return 7; // NVML_ERROR_INSUFFICIENT_SIZE
  }
  std::memcpy(buffer, text.c_str(), text.size() + 1);
  return 0;
}

Gpu* gpu(void* handle)
{
  return static_cast<Gpu*>(handle);
}

#ifndef FAKE_NVML_MINIMAL
/// The one MIG instance mig_flood hands out for every slot of every GPU.
Gpu& flood_instance()
{
  static Gpu instance = [] {
    Gpu mig;
    mig.name = "NVIDIA H100 80GB HBM3 MIG 1g.10gb";
    mig.uuid = "MIG-00000000-0000-0000-0000-000000000000";
    mig.memory_total = 10ull << 30;
    mig.memory_free = 10ull << 30;
    mig.is_mig = true;
    return mig;
  }();
  return instance;
}
#endif

/// Writes `text` to the pipes this process opened itself for writing: write ends with FD_CLOEXEC
/// set. Pipes inherited across exec (a test runner's) lack the flag and are left alone.
void write_to_own_pipes(const std::string& text)
{
  for (int fd = 3; fd < 1024; ++fd) {
    struct stat status {};
    const int flags = fcntl(fd, F_GETFL);
    const int fd_flags = fcntl(fd, F_GETFD);
    if (fstat(fd, &status) == 0 && S_ISFIFO(status.st_mode) && flags >= 0 && (flags & O_ACCMODE) == O_WRONLY &&
        fd_flags >= 0 && (fd_flags & FD_CLOEXEC) != 0) {
      (void)!write(fd, text.data(), text.size());
    }
  }
}

/// GPUs counted beyond the configured ones by null_handles.
constexpr unsigned int k_phantoms = 2;

__attribute__((constructor)) void sleep_when_loaded()
{
  if (fault("constructor_sleeps")) {
    std::this_thread::sleep_for(std::chrono::seconds(30)); // dlopen does not return before this
  }
}

} // namespace

extern "C" {

struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

struct nvmlPciInfo_t {
  char busIdLegacy[16];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  char busId[32];
};

__attribute__((visibility("default"))) int nvmlInit_v2()
{
  config() = load();
  const bool fails = fault("init_fails");
  if (fault("init_blocks")) {
    std::this_thread::sleep_for(std::chrono::seconds(30)); // a hung driver; touches nothing after
  }
  if (fault("init_aborts")) {
    std::abort();
  }
  if (fault("init_exits_zero")) {
    _exit(0);
  }
  if (fault("init_calls_exit")) {
    std::exit(0);
  }
  if (fault("answers_garbage")) {
    write_to_own_pipes("{\"loaded\": true, \"count\": 1, \"gpus\": [{\"index\": \"zero\"}]}");
    _exit(0);
  }
  if (fault("answers_too_much")) {
    write_to_own_pipes(std::string(2u << 20, ' '));
    _exit(0);
  }
  if (fault("prints_to_stdout")) {
    std::printf("NVML: \x1b[31mgarbage on stdout\n{\"devices\": [");
    std::fflush(stdout);
    std::fprintf(stderr, "NVML: garbage on stderr\n");
    const char raw[] = "raw bytes on fd 1\n";
    (void)!write(1, raw, sizeof raw - 1);
  }
  return fails ? 9 : 0; // NVML_ERROR_DRIVER_NOT_LOADED
}

__attribute__((visibility("default"))) int nvmlDeviceGetCount_v2(unsigned int* count)
{
  if (fault("count_fails")) {
    return 999; // NVML_ERROR_UNKNOWN
  }
  const auto configured = static_cast<unsigned int>(config().gpus.size());
  *count = fault("count_huge") ? 10'000 : fault("null_handles") ? configured + k_phantoms : configured;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void** device)
{
  std::vector<Gpu>& gpus = config().gpus;
  if (index >= gpus.size() && fault("null_handles")) {
    *device = nullptr; // "success", and a handle every other call would crash on
    return 0;
  }
  if (index >= gpus.size() && fault("count_huge") && !gpus.empty()) {
    *device = &gpus[index % gpus.size()];
    return 0;
  }
  if (index >= gpus.size()) {
    return 2;
  }
  *device = &gpus[index];
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetName(void* device, char* name, unsigned int length)
{
  return copy_string(gpu(device)->name, name, length);
}

__attribute__((visibility("default"))) int nvmlDeviceGetMemoryInfo(void* device, nvmlMemory_t* memory)
{
  if (fault("memory_segfault")) {
    std::signal(SIGSEGV, SIG_DFL); // die as a real segfault does, whatever handler a sanitizer set
    std::raise(SIGSEGV);
  }
  memory->total = gpu(device)->memory_total;
  memory->free = gpu(device)->memory_free;
  memory->used = memory->total >= memory->free ? memory->total - memory->free : 0;
  return 0;
}

#ifndef FAKE_NVML_MINIMAL

__attribute__((visibility("default"))) int nvmlShutdown()
{
  return 0;
}

__attribute__((visibility("default"))) const char* nvmlErrorString(int code)
{
  return code == 9 ? "Driver Not Loaded" : "Unknown Error";
}

__attribute__((visibility("default"))) int nvmlDeviceGetUUID(void* device, char* uuid, unsigned int length)
{
  return gpu(device)->uuid.empty() ? 3 : copy_string(gpu(device)->uuid, uuid, length); // 3: NOT_SUPPORTED
}

__attribute__((visibility("default"))) int nvmlDeviceGetPciInfo_v3(void* device, nvmlPciInfo_t* pci)
{
  std::memset(pci, 0, sizeof *pci);
  std::strncpy(pci->busId, gpu(device)->bus_id.c_str(), sizeof pci->busId - 1);
  pci->pciDeviceId = gpu(device)->pci_device_id;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetCudaComputeCapability(void* device, int* major, int* minor)
{
  *major = gpu(device)->cc_major;
  *minor = gpu(device)->cc_minor;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetArchitecture(void* device, unsigned int* arch)
{
  *arch = gpu(device)->arch;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetMaxClockInfo(void* device, int type, unsigned int* clock)
{
  if (type != 2 || gpu(device)->memory_clock_mhz == 0) { // NVML_CLOCK_MEM
    return 3;
  }
  *clock = fault("absurd_clock") ? 99'999 : gpu(device)->memory_clock_mhz;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetMemoryBusWidth(void* device, unsigned int* width)
{
  if (gpu(device)->bus_width == 0) {
    return 3;
  }
  *width = fault("absurd_clock") ? 16'384 : gpu(device)->bus_width;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetPowerManagementLimit(void* device, unsigned int* limit)
{
  if (gpu(device)->power_limit_mw == 0) {
    return 3;
  }
  *limit = gpu(device)->power_limit_mw;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetMigMode(void* device, unsigned int* current,
                                                                unsigned int* pending)
{
  *current = gpu(device)->mig || fault("mig_flood") ? 1 : 0;
  *pending = *current;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetMaxMigDeviceCount(void* device, unsigned int* count)
{
  *count = fault("mig_flood") ? 64 : gpu(device)->mig ? 7 : 0;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetMigDeviceHandleByIndex(void* device, unsigned int index,
                                                                               void** mig)
{
  if (fault("mig_flood")) {
    *mig = &flood_instance();
    return 0;
  }
  Gpu* parent = gpu(device);
  if (index >= parent->migs.size()) {
    return 6; // NVML_ERROR_NOT_FOUND: an empty slot
  }
  std::size_t offset = 0;
  for (const Gpu& other : config().gpus) {
    if (&other == parent) {
      break;
    }
    offset += other.migs.size();
  }
  *mig = &config().mig_handles[offset + index];
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetNvLinkState(void* device, unsigned int link,
                                                                    unsigned int* active)
{
  if (gpu(device)->nvlink_active == 0) {
    return 3; // no NVLink on this board
  }
  *active = link < gpu(device)->nvlink_active ? 1 : 0;
  return 0;
}

__attribute__((visibility("default"))) int nvmlSystemGetDriverVersion(char* version, unsigned int length)
{
  return copy_string(config().driver, version, length);
}

__attribute__((visibility("default"))) int nvmlSystemGetCudaDriverVersion_v2(int* version)
{
  *version = config().cuda;
  return 0;
}

#endif
}
