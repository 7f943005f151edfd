#pragma once
// Internal: bounds-checked reading of a binary file's header. Reads go
// through a 1 MiB window so skipping a 150,000-string tokenizer array costs
// no system calls; nothing past what the caller asks for is ever read, so an
// 8 GB model opens as fast as a small one. Every failure throws InputError
// naming the file and the byte offset.

#include "llmhw/util/input_file.hpp"
#include "llmhw/util/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::model::detail {

class FileReader {
public:
  /// Opens `path`; throws InputError when it is not a regular file or cannot be opened.
  explicit FileReader(std::string path);

  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] std::uint64_t size() const { return m_size; }
  [[nodiscard]] std::uint64_t offset() const { return m_offset; }
  [[nodiscard]] std::uint64_t remaining() const { return m_size - m_offset; }

  /// Numbers are little-endian unless the file says otherwise (GGUF v3).
  void set_big_endian(bool big_endian) { m_big_endian = big_endian; }

  void read(void* out, std::uint64_t bytes, std::string_view what);
  void skip(std::uint64_t bytes, std::string_view what);
  void seek(std::uint64_t offset) { m_offset = offset; }

  std::uint8_t u8(std::string_view what);
  std::uint16_t u16(std::string_view what);
  std::uint32_t u32(std::string_view what);
  std::uint64_t u64(std::string_view what);
  float f32(std::string_view what);
  double f64(std::string_view what);

  /// Fails at `offset` with `problem`.
  [[noreturn]] void fail_at(std::uint64_t offset, const std::string& problem) const;

private:
  template <typename T> T number(std::string_view what);

  util::InputFile m_file;
  std::string m_path;
  std::uint64_t m_size = 0;
  std::uint64_t m_offset = 0;
  bool m_big_endian = false;
  std::vector<char> m_window; ///< bytes [m_window_offset, m_window_offset + m_window.size())
  std::uint64_t m_window_offset = 0;
};

} // namespace llmhw::model::detail
