// Local model stores (`models --local`, `--model name:tag`): an Ollama manifest and a Hugging
// Face refs/main, written into fixture stores laid out as those tools lay them out, then
// scanned and looked up. Both files are written by other programs (or people) and read as
// outside input; the input is split at the first NUL byte into the manifest and the ref.
#include "llmhw/model/local_stores.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, std::string_view text)
{
  fs::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const fs::path root = fs::temp_directory_path() / ("llm-hw-fuzz-stores-" + std::to_string(getpid()));
  if (size > (64U << 10)) { // a manifest is a few hundred bytes; larger inputs only slow the run down
    return 0;
  }
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  const std::string_view manifest = input.substr(0, split);
  const std::string_view ref = split == std::string_view::npos ? std::string_view{} : input.substr(split + 1);
  std::error_code ignored;
  fs::remove_all(root, ignored);
  write(root / "ollama/manifests/registry.ollama.ai/library/fuzz/latest", manifest);
  // A blob the manifest may name (sha256 of nothing); it holds no GGUF, so loading it must fail cleanly.
  write(root / "ollama/blobs/sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "");
  write(root / "hf/models--org--fuzz/refs/main", ref);
  write(root / "hf/models--org--fuzz/snapshots/0123456789abcdef0123456789abcdef01234567/config.json", "{}");

  llmhw::model::StoreRoots roots;
  roots.hf_hub = (root / "hf").string();
  roots.ollama = (root / "ollama").string();
  const llmhw::model::LocalScan scan = llmhw::model::scan_local_stores(roots);
  for (const auto& model : scan.models) {
    // Whatever a manifest says, what is read stays inside the store it came from.
    if (model.path.rfind(root.string(), 0) != 0) {
      __builtin_trap();
    }
  }
  (void)llmhw::model::find_local("fuzz", scan);
  (void)llmhw::model::find_local("org/fuzz", scan);
  return 0;
}
