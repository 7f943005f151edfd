#include "sysfs.hpp"

#include "llmhw/util/input_file.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <sstream>

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
  // A sysfs or procfs attribute is a regular file; anything else under the
  // root (a FIFO, a link to /dev/zero) is unreadable, never waited on. The
  // buffer grows with the file: 20,000 PCI functions read 100,000 small
  // attributes, and a 1 MiB buffer for each took 7 s.
  constexpr std::size_t k_max_bytes = 1 << 20; // /proc/cpuinfo of 1,000 CPUs is cut here; its first
                                                // entries say what the probe needs
  auto file = util::InputFile::open(under_root(root, path));
  if (!file) {
    return std::nullopt;
  }
  auto text = file->read_up_to(k_max_bytes);
  if (!text) {
    return std::nullopt;
  }
  return std::move(text.value());
}

std::optional<std::string> read_line(const std::string& root, const std::string& path)
{
  const auto text = read_file(root, path);
  if (!text) {
    return std::nullopt;
  }
  const std::string first = text->substr(0, text->find('\n'));
  return std::string(util::trim(first));
}

std::optional<std::uint64_t> read_uint(const std::string& root, const std::string& path)
{
  const auto line = read_line(root, path);
  if (!line || line->empty()) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(line->data(), line->data() + line->size(), value);
  if (error != std::errc{} || end != line->data() + line->size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> read_hex_id(const std::string& root, const std::string& path)
{
  auto line = read_line(root, path);
  if (!line) {
    return std::nullopt;
  }
  std::string digits = *line;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits = digits.substr(2);
  }
  if (digits.empty() || digits.size() > 8 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isxdigit(c) != 0; })) {
    return std::nullopt;
  }
  std::transform(digits.begin(), digits.end(), digits.begin(), [](unsigned char c) { return std::tolower(c); });
  while (digits.size() < 4) {
    digits.insert(digits.begin(), '0');
  }
  return digits;
}

Result<std::vector<std::string>> try_list_dir(const std::string& root, const std::string& path)
{
  std::vector<std::string> names;
  const std::string folder = under_root(root, path);
  std::error_code error;
  std::filesystem::directory_iterator it(folder, error);
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    names.push_back(it->path().filename().string());
  }
  if (error) {
    return Error{folder, fmt::format("cannot be listed: {}", error.message())};
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> list_dir(const std::string& root, const std::string& path)
{
  auto names = try_list_dir(root, path);
  return names ? std::move(names.value()) : std::vector<std::string>{};
}

bool exists(const std::string& root, const std::string& path)
{
  std::error_code error;
  return std::filesystem::exists(std::filesystem::symlink_status(under_root(root, path), error));
}

std::optional<std::string> link_target_name(const std::string& root, const std::string& path)
{
  std::error_code error;
  const auto target = std::filesystem::read_symlink(under_root(root, path), error);
  if (error) {
    return std::nullopt;
  }
  return target.filename().string();
}

std::optional<std::string> field_value(const std::string& text, const std::string& key, char separator)
{
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto at = line.find(separator);
    if (at == std::string::npos) {
      continue;
    }
    if (util::trim(std::string_view(line).substr(0, at)) == key) {
      return std::string(util::trim(std::string_view(line).substr(at + 1)));
    }
  }
  return std::nullopt;
}

} // namespace llmhw::probe::detail
