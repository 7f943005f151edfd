#include "support/run_binary.hpp"

#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace llmhw::test {
namespace {

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& overrides)
{
  std::map<std::string, std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const auto equals = text.find('=');
    if (equals != std::string::npos) {
      variables[text.substr(0, equals)] = text.substr(equals + 1);
    }
  }
  for (const auto& [name, value] : overrides) {
    if (value.empty()) {
      variables.erase(name);
    } else {
      variables[name] = value;
    }
  }
  std::vector<std::string> result;
  for (const auto& [name, value] : variables) {
    result.push_back(name + "=" + value);
  }
  return result;
}

/// How long one run may take before it is killed: a hang guard well inside
/// CTest's 60 s, so a hanging llm-hw fails its test with a clear flag.
constexpr auto k_hang_guard = std::chrono::seconds(30);

/// Reads both pipes until both close, so neither can fill up and block the
/// child; false when `deadline` passed first.
bool drain(int out_fd, int err_fd, std::string& out, std::string& err, std::chrono::steady_clock::time_point deadline)
{
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&out, &err};
  int open = 2;
  char buffer[65536];
  while (open > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      for (const pollfd& fd : fds) {
        if (fd.fd >= 0) {
          close(fd.fd);
        }
      }
      return false;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) < 0) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open;
        } else {
          sinks[i]->append(buffer, static_cast<std::size_t>(n));
        }
      }
    }
  }
  return true;
}

} // namespace

RunResult run_llm_hw(const std::vector<std::string>& arguments, const std::map<std::string, std::string>& environment)
{
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);

  std::vector<std::string> argv_text = {LLM_HW_BINARY};
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : argv_text) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);
  std::vector<std::string> env_text = merged_environment(environment);
  std::vector<char*> envp;
  for (std::string& variable : env_text) {
    envp.push_back(variable.data());
  }
  envp.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, LLM_HW_BINARY, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error(std::string("cannot start llm-hw: ") + std::strerror(spawned));
  }
  RunResult result;
  if (!drain(out_pipe[0], err_pipe[0], result.out, result.err, std::chrono::steady_clock::now() + k_hang_guard)) {
    result.timed_out = true;
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::vector<std::string> lines(const std::string& text)
{
  std::vector<std::string> result;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    result.push_back(line);
  }
  return result;
}

} // namespace llmhw::test

#include <pty.h>

namespace llmhw::test {

RunResult run_llm_hw_in_terminal(const std::vector<std::string>& arguments,
                                 const std::map<std::string, std::string>& environment, int columns)
{
  std::vector<std::string> env_text = merged_environment(environment);
  std::vector<std::string> argv_text = {LLM_HW_BINARY};
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());

  winsize size{};
  size.ws_row = 50;
  size.ws_col = static_cast<unsigned short>(columns);
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) {
    throw std::runtime_error("forkpty failed");
  }
  if (pid == 0) {
    std::vector<char*> argv;
    for (std::string& argument : argv_text) {
      argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (std::string& variable : env_text) {
      envp.push_back(variable.data());
    }
    envp.push_back(nullptr);
    execve(LLM_HW_BINARY, argv.data(), envp.data());
    _exit(127);
  }
  RunResult result;
  char buffer[65536];
  while (true) {
    const ssize_t n = read(master, buffer, sizeof buffer);
    if (n <= 0) {
      break;   // EIO once the child has exited and closed the terminal
    }
    result.out.append(buffer, static_cast<std::size_t>(n));
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

} // namespace llmhw::test
