#pragma once
// A fresh temporary folder for one test, removed when the test ends.

#include <filesystem>
#include <string>

namespace llmhw::test {

class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

  /// Writes `content` to `name` inside the folder and returns its full path.
  std::string write(const std::string& name, const std::string& content) const;

private:
  std::filesystem::path m_path;
};

} // namespace llmhw::test
