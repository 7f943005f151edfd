#pragma once
// Opening a file that came from outside (a model, catalog, probe JSON, a
// sysfs attribute). Only regular files are read: a FIFO would block the open
// or the first read forever, /dev/zero never ends, a folder reads as an
// error. Every refusal names what the path is instead ("is a named pipe
// (FIFO), not a file"), so the user sees one clear line.

#include "llmhw/util/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace llmhw::util {

/// A regular file opened for reading; closed when destroyed.
class InputFile {
public:
  /// Opens `path` without blocking (O_NONBLOCK, so a FIFO cannot hang the
  /// open) and refuses anything that is not a regular file once open.
  static Result<InputFile> open(const std::string& path);

  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  [[nodiscard]] const std::string& path() const { return m_path; }
  /// The size fstat reported when the file was opened (0 for procfs files).
  [[nodiscard]] std::uint64_t size() const { return m_size; }

  /// Reads up to `bytes` at `offset`; the count read (short at the end of
  /// the file), or an Error on a read failure.
  Result<std::uint64_t> read_at(void* out, std::uint64_t bytes, std::uint64_t offset) const;

  /// The whole file; an Error naming `max_bytes` when it holds more. The
  /// buffer grows with what is read (procfs files report size 0), so a
  /// 5-byte sysfs attribute costs a small allocation, not `max_bytes`.
  Result<std::string> read_all(std::uint64_t max_bytes) const;

  /// The file's first `limit` bytes (all of it when shorter).
  Result<std::string> read_up_to(std::uint64_t limit) const;

private:
  InputFile(int descriptor, std::string path, std::uint64_t size);

  int m_descriptor = -1;
  std::string m_path;
  std::uint64_t m_size = 0;
};

/// Reads the whole regular file at `path` (at most `max_bytes`).
Result<std::string> read_input_file(const std::string& path, std::uint64_t max_bytes);

/// Whether anything is at `path`, a broken or looping link included (or a
/// folder on the way denies the search): a name
/// the user meant as a file, to be opened (and its problem reported) rather
/// than looked up as a catalog or preset name.
bool path_present(const std::string& path);

/// "a named pipe (FIFO)", "a character device", "a folder"…: what a file of
/// mode `mode` (st_mode) is, for messages.
std::string_view file_type_name(unsigned mode);

} // namespace llmhw::util
