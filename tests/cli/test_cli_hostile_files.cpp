// Files that are not files, and files far larger than any real one, given
// wherever llm-hw reads a file: exit code 2, one line naming the file and
// what it is, nothing on stdout, and no hang (run_llm_hw kills a run after 30 s).
#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using llmhw::test::lines;
using llmhw::test::run_llm_hw;
using llmhw::test::TempDir;

namespace {

void require_refused(const std::vector<std::string>& arguments, const std::string& file, const std::string& problem,
                     const std::map<std::string, std::string>& environment = {})
{
  INFO("llm-hw " << Catch::Detail::stringify(arguments));
  const auto started = std::chrono::steady_clock::now();
  const auto result = run_llm_hw(arguments, environment);
  CHECK_FALSE(result.timed_out);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10)); // hang guard
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  const auto error_lines = lines(result.err);
  REQUIRE(error_lines.size() == 1);
  CHECK_THAT(error_lines[0], Catch::StartsWith("llm-hw: error: ") && Catch::Contains(file) && Catch::Contains(problem));
}

std::string make_fifo(const TempDir& dir, const std::string& name)
{
  const std::string path = (dir.path() / name).string();
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  REQUIRE(mkfifo(path.c_str(), 0600) == 0);
  return path;
}

constexpr const char* k_fifo = "is a named pipe (FIFO), not a file";

} // namespace

TEST_CASE("a FIFO as a model file is refused, whatever its name", "[cli][errors][hostile]")
{
  const TempDir dir;
  for (const std::string name : {"model", "model.gguf", "model.safetensors", "config.json"}) {
    const std::string fifo = make_fifo(dir, "fifo-" + name + "/" + name);
    require_refused({"check", "--model", fifo}, fifo, k_fifo);
  }
}

TEST_CASE("a FIFO in a model folder is refused", "[cli][errors][hostile]")
{
  const TempDir dir;
  const std::string fifo = make_fifo(dir, "folder/config.json");
  require_refused({"check", "--model", (dir.path() / "folder").string()}, fifo, k_fifo);
}

TEST_CASE("a FIFO as a catalog, hardware, workload or requirements file is refused", "[cli][errors][hostile]")
{
  const TempDir dir;
  const std::string fifo = make_fifo(dir, "pipe.json");
  require_refused({"models", "--catalog", fifo}, fifo, k_fifo);
  require_refused({"advise", "--model", "llama-3.1-8b", "--hardware", fifo}, fifo, k_fifo);
  require_refused({"check", "--model", "llama-3.1-8b", "--workload", fifo}, fifo, k_fifo);
  require_refused({"check", "--requirements", fifo}, fifo, k_fifo);
}

TEST_CASE("a FIFO in the catalog folder is refused", "[cli][errors][hostile]")
{
  const TempDir dir;
  const std::string fifo = make_fifo(dir, "catalog/team.json");
  require_refused({"models"}, fifo, k_fifo, {{"LLM_HW_CATALOG_DIR", (dir.path() / "catalog").string()}});
}

TEST_CASE("a FIFO that a requirements file names is refused", "[cli][errors][hostile]")
{
  const TempDir dir;
  const std::string fifo = make_fifo(dir, "weights.gguf");
  const std::string requirements = dir.write("needs.json", R"({"model": "weights.gguf"})");
  require_refused({"check", "--requirements", requirements}, fifo, k_fifo);
  const std::string workload_fifo = make_fifo(dir, "load.json");
  const std::string names_workload =
      dir.write("needs-workload.json", R"({"model": "llama-3.1-8b", "workload": "load.json"})");
  require_refused({"check", "--requirements", names_workload}, workload_fifo, k_fifo);
}

TEST_CASE("devices, folders and link loops given as files say what they are", "[cli][errors][hostile]")
{
  const TempDir dir;
  const std::string zero = (dir.path() / "zero.gguf").string();
  std::filesystem::create_symlink("/dev/zero", zero);
  require_refused({"check", "--model", zero}, zero, "is a character device, not a file");
  const std::string null = (dir.path() / "null.json").string();
  std::filesystem::create_symlink("/dev/null", null);
  require_refused({"models", "--catalog", null}, null, "is a character device, not a file");
  require_refused({"advise", "--model", "llama-3.1-8b", "--hardware", dir.path().string()}, dir.path().string(),
                  "is a folder, not a file");
  const std::string loop = (dir.path() / "loop.gguf").string();
  std::filesystem::create_symlink(loop, loop);
  require_refused({"check", "--model", loop}, loop, "symbolic link loop");
  require_refused({"check", "--model", "llama-3.1-8b", "--workload", loop}, loop, "symbolic link loop");
  const std::string dangling = (dir.path() / "gone.gguf").string();
  std::filesystem::create_symlink(dir.path() / "nowhere", dangling);
  require_refused({"check", "--model", dangling}, dangling, "not found");
  const std::string fifo_topology = make_fifo(dir, "topology.xml");
  require_refused({"probe", "--topology", fifo_topology}, fifo_topology, k_fifo);
}

TEST_CASE("JSON files far larger than any real one are refused before they are parsed", "[cli][errors][hostile]")
{
  const TempDir dir;
  // 5 MiB of [{},{},…] as a config.json (the limit is 4 MiB; real ones are below 100 KB).
  std::string huge = "[";
  while (huge.size() < (5u << 20)) {
    huge += "{},";
  }
  huge += "{}]";
  const std::string config = dir.write("big-model/config.json", huge);
  require_refused({"check", "--model", config}, config, "file larger than the limit of 4194304 bytes");

  // 250,000 empty entries in 750 KB: within the catalog's byte limit, beyond its 200,000 values.
  std::string entries = R"({"hardware": [)";
  for (int i = 0; i < 250'000; ++i) {
    entries += "{},";
  }
  entries += "{}]}";
  const std::string catalog = dir.write("many.json", entries);
  require_refused({"models", "--catalog", catalog}, catalog, "more than 200000 values");

  const std::string probe = dir.write("probe.json", entries);
  require_refused({"advise", "--model", "llama-3.1-8b", "--hardware", probe}, probe, "more than 100000 values");
}

TEST_CASE("a safetensors header longer than 16 MiB is refused before it is read", "[cli][errors][hostile]")
{
  const TempDir dir;
  const std::uint64_t claimed = 20ULL << 20;
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i) {
    file[static_cast<std::size_t>(i)] = static_cast<char>((claimed >> (8 * i)) & 0xff);
  }
  file += std::string(claimed, ' ');
  const std::string path = dir.write("model.safetensors", file);
  require_refused({"check", "--model", path}, path, "exceeds the limit of 16777216 bytes");
}

TEST_CASE("a catalog price of 1e308 is refused naming the field", "[cli][errors][hostile]")
{
  const TempDir dir;
  const std::string catalog = dir.write("priced.json", R"({
    "hardware": [{"id": "lab-gpu", "name": "Lab GPU", "vendor": "Lab", "kind": "gpu", "memory_bytes": 17179869184,
                  "memory_bandwidth_bytes_s": 1e12, "source": "test"}],
    "systems": [{"id": "lab-box", "name": "Lab box", "kind": "instance", "device": "lab-gpu", "count": 1,
                 "price_usd_per_hour": 1e308, "price_date": "2026-06-17", "source": "test"}]})");
  require_refused({"models", "--catalog", catalog}, catalog, "systems[0].price_usd_per_hour");
}
