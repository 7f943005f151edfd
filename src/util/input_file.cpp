#include "llmhw/util/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace llmhw::util {
namespace {

/// Why `open` failed, in words a user can act on.
std::string open_problem(int error)
{
  switch (error) {
  case ENOENT: return "not found";
  case EACCES:
  case EPERM: return "permission denied";
  case ELOOP: return "symbolic link loop (too many levels of links)";
  case ENOTDIR: return "a part of the path is not a folder";
  case ENAMETOOLONG: return "path too long";
  case ENXIO: return "is a socket or a device without a driver, not a file";
  default: return fmt::format("cannot open: {}", std::strerror(error));
  }
}

std::string not_regular(unsigned mode)
{
  return fmt::format("is {}, not a file", file_type_name(mode));
}

} // namespace

std::string_view file_type_name(unsigned mode)
{
  switch (mode & S_IFMT) {
  case S_IFREG: return "a regular file";
  case S_IFDIR: return "a folder";
  case S_IFIFO: return "a named pipe (FIFO)";
  case S_IFCHR: return "a character device";
  case S_IFBLK: return "a block device";
  case S_IFSOCK: return "a socket";
  default: return "not a regular file";
  }
}

bool path_present(const std::string& path)
{
  struct stat status {};
  // A folder on the way that cannot be searched hides whether the file is
  // there; the user meant a path all the same.
  return ::lstat(path.c_str(), &status) == 0 || errno == EACCES || errno == ELOOP;
}

Result<InputFile> InputFile::open(const std::string& path)
{
  // stat first, so a device is never opened at all (opening one can have
  // effects: a tape rewinds, a terminal becomes ours); fstat after the open
  // is what counts, since the path may change in between.
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    return Error{path, open_problem(errno)};
  }
  if (!S_ISREG(status.st_mode)) {
    return Error{path, not_regular(status.st_mode)};
  }
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (descriptor < 0) {
    return Error{path, open_problem(errno)};
  }
  if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(descriptor);
    return Error{path, not_regular(status.st_mode)};
  }
  return InputFile(descriptor, path, static_cast<std::uint64_t>(status.st_size));
}

InputFile::InputFile(int descriptor, std::string path, std::uint64_t size)
    : m_descriptor(descriptor), m_path(std::move(path)), m_size(size)
{
}

InputFile::InputFile(InputFile&& other) noexcept
    : m_descriptor(std::exchange(other.m_descriptor, -1)), m_path(std::move(other.m_path)), m_size(other.m_size)
{
}

InputFile& InputFile::operator=(InputFile&& other) noexcept
{
  if (this != &other) {
    if (m_descriptor >= 0) {
      ::close(m_descriptor);
    }
    m_descriptor = std::exchange(other.m_descriptor, -1);
    m_path = std::move(other.m_path);
    m_size = other.m_size;
  }
  return *this;
}

InputFile::~InputFile()
{
  if (m_descriptor >= 0) {
    ::close(m_descriptor);
  }
}

Result<std::uint64_t> InputFile::read_at(void* out, std::uint64_t bytes, std::uint64_t offset) const
{
  auto* target = static_cast<char*>(out);
  std::uint64_t done = 0;
  while (done < bytes) {
    const ssize_t got = ::pread(m_descriptor, target + done, bytes - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return Error{m_path, fmt::format("read error: {}", std::strerror(errno))};
    }
    if (got == 0) {
      break;
    }
    done += static_cast<std::uint64_t>(got);
  }
  return done;
}

Result<std::string> InputFile::read_up_to(std::uint64_t limit) const
{
  constexpr std::uint64_t k_first_chunk = 4096; // a sysfs attribute is at most one page
  // Sequential reads, not pread: some procfs files cannot seek.
  std::uint64_t capacity = std::clamp<std::uint64_t>(m_size + 1, std::min(k_first_chunk, limit), limit);
  std::string text(capacity, '\0');
  std::uint64_t length = 0;
  while (length < limit) {
    if (length == capacity) {
      capacity = std::min(capacity * 2, limit);
      text.resize(capacity);
    }
    const ssize_t got = ::read(m_descriptor, text.data() + length, capacity - length);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return Error{m_path, fmt::format("read error: {}", std::strerror(errno))};
    }
    if (got == 0) {
      break;
    }
    length += static_cast<std::uint64_t>(got);
  }
  text.resize(length);
  return text;
}

Result<std::string> InputFile::read_all(std::uint64_t max_bytes) const
{
  auto text = read_up_to(max_bytes + 1); // the byte past the limit is what says "too large"
  if (text && text->size() > max_bytes) {
    return Error{m_path, fmt::format("file larger than the limit of {} bytes", max_bytes)};
  }
  return text;
}

Result<std::string> read_input_file(const std::string& path, std::uint64_t max_bytes)
{
  auto file = InputFile::open(path);
  if (!file) {
    return file.error();
  }
  return file->read_all(max_bytes);
}

} // namespace llmhw::util
