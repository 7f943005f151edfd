#include "hwloc_xml_check.hpp"

#include "llmhw/util/input_file.hpp"

#include <fcntl.h>
#include <hwloc.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <thread>

namespace llmhw::probe::detail {
namespace {

/// What the child reports through its exit status.
enum ChildExit : int {
  k_loaded = 0,
  k_refused = 1, ///< hwloc rejected the file cleanly
};

/// In the child: let a crash kill it outright (no sanitizer or fuzzer report
/// for a fault in hwloc), keep hwloc's complaints off the user's terminal, and
/// load the file as the parent will.
[[noreturn]] void load_in_child(const char* path)
{
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (const int signal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) {
    sigaction(signal, &default_action, nullptr);
  }
  if (const int null = open("/dev/null", O_WRONLY); null >= 0) {
    dup2(null, STDERR_FILENO);
    dup2(null, STDOUT_FILENO);
  }
  hwloc_topology_t topology = nullptr;
  if (hwloc_topology_init(&topology) != 0 || hwloc_topology_set_xml(topology, path) != 0 ||
      hwloc_topology_load(topology) != 0) {
    _exit(k_refused);
  }
  _exit(k_loaded); // skip destructors and atexit handlers that belong to the parent
}

} // namespace

Status check_hwloc_xml(const std::string& path, std::chrono::milliseconds limit)
{
  // hwloc opens the file itself, blocking: a FIFO or device is refused first.
  auto file = util::InputFile::open(path);
  if (!file) {
    return file.error();
  }
  const std::uint64_t bytes = file->size();
  if (bytes > k_max_topology_xml_bytes) {
    return Error{path, fmt::format("topology file of {} bytes is larger than the limit of {} bytes", bytes,
                                   k_max_topology_xml_bytes)};
  }
  const pid_t child = fork();
  if (child < 0) {
    return Error{path, "cannot start a process to check the topology"};
  }
  if (child == 0) {
    load_in_child(path.c_str());
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  pid_t waited = 0;
  while ((waited = waitpid(child, &status, WNOHANG)) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      return Error{path, fmt::format("hwloc did not finish loading this XML topology within {} ms", limit.count())};
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  if (waited < 0) {
    return Error{path, "cannot check the topology (waitpid failed)"};
  }
  if (WIFSIGNALED(status)) {
    return Error{path, fmt::format("hwloc crashed reading this XML topology (signal {}); the file is malformed",
                                   WTERMSIG(status))};
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != k_loaded) {
    return Error{path, "hwloc cannot read this XML topology"};
  }
  return Ok{};
}

} // namespace llmhw::probe::detail
