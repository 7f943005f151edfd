#include "sysfs.hpp"

#include <fstream>

namespace llmhw::probe::detail {

std::string under_root(const std::string& root, const std::string& path)
{
  if (root.empty() || root == "/") {
    return path;
  }
  if (root.back() == '/') {
    return root + path.substr(path.starts_with('/') ? 1 : 0);
  }
  return path.starts_with('/') ? root + path : root + "/" + path;
}

std::optional<std::string> read_file(const std::string& root, const std::string& path)
{
  constexpr std::size_t k_max_bytes = 1 << 20;
  std::ifstream file(under_root(root, path), std::ios::binary);
  if (!file) {
    return std::nullopt;
  }
  std::string content(k_max_bytes, '\0');
  file.read(content.data(), static_cast<std::streamsize>(content.size()));
  if (file.bad()) {
    return std::nullopt;
  }
  content.resize(static_cast<std::size_t>(file.gcount()));
  return content;
}

} // namespace llmhw::probe::detail
