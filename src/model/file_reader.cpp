#include "file_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace llmhw::model::detail {
namespace {

constexpr std::uint64_t k_window_bytes = 1 << 20;

util::InputFile open_or_throw(const std::string& path)
{
  auto file = util::InputFile::open(path);
  if (!file) {
    throw InputError{file.error()};
  }
  return std::move(file.value());
}

template <typename T> T byte_swap(T value)
{
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  std::reverse(bytes, bytes + sizeof(T));
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

} // namespace

FileReader::FileReader(std::string path) : m_file(open_or_throw(path)), m_path(std::move(path)), m_size(m_file.size())
{
}

void FileReader::fail_at(std::uint64_t offset, const std::string& problem) const
{
  throw InputError{Error{m_path, fmt::format("offset {}: {}", offset, problem)}};
}

void FileReader::read(void* out, std::uint64_t bytes, std::string_view what)
{
  if (bytes > remaining()) {
    fail_at(m_offset, fmt::format("{} ({} bytes) runs past the end of the file ({} bytes)", what, bytes, m_size));
  }
  auto* target = static_cast<char*>(out);
  while (bytes > 0) {
    const bool in_window = m_offset >= m_window_offset && m_offset < m_window_offset + m_window.size();
    if (!in_window) {
      const std::uint64_t length = std::min<std::uint64_t>(k_window_bytes, m_size - m_offset);
      m_window.resize(length);
      const auto got = m_file.read_at(m_window.data(), length, m_offset);
      if (!got || *got != length) { // the file shrank since it was opened
        m_window.clear();
        fail_at(m_offset, "read error");
      }
      m_window_offset = m_offset;
    }
    const std::uint64_t start = m_offset - m_window_offset;
    const std::uint64_t chunk = std::min<std::uint64_t>(bytes, m_window.size() - start);
    std::memcpy(target, m_window.data() + start, chunk);
    target += chunk;
    bytes -= chunk;
    m_offset += chunk;
  }
}

void FileReader::skip(std::uint64_t bytes, std::string_view what)
{
  if (bytes > remaining()) {
    fail_at(m_offset, fmt::format("{} ({} bytes) runs past the end of the file ({} bytes)", what, bytes, m_size));
  }
  m_offset += bytes;
}

template <typename T> T FileReader::number(std::string_view what)
{
  T value{};
  read(&value, sizeof(T), what);
  return m_big_endian ? byte_swap(value) : value;
}

std::uint8_t FileReader::u8(std::string_view what)
{
  return number<std::uint8_t>(what);
}
std::uint16_t FileReader::u16(std::string_view what)
{
  return number<std::uint16_t>(what);
}
std::uint32_t FileReader::u32(std::string_view what)
{
  return number<std::uint32_t>(what);
}
std::uint64_t FileReader::u64(std::string_view what)
{
  return number<std::uint64_t>(what);
}
float FileReader::f32(std::string_view what)
{
  return number<float>(what);
}
double FileReader::f64(std::string_view what)
{
  return number<double>(what);
}

} // namespace llmhw::model::detail
