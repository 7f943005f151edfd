// Files from outside are read only when they are regular files, within a
// size limit; anything else is refused at once with what it is.
#include "llmhw/util/input_file.hpp"
#include "llmhw/util/json_fields.hpp"
#include "support/temp_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using llmhw::test::TempDir;
using llmhw::util::InputFile;
using llmhw::util::read_input_file;

namespace {

std::string problem_opening(const std::string& path)
{
  auto file = InputFile::open(path);
  REQUIRE_FALSE(file.ok());
  CHECK(file.error().input == path);
  return file.error().problem;
}

std::string fifo_in(const TempDir& dir, const std::string& name)
{
  const std::string path = (dir.path() / name).string();
  REQUIRE(mkfifo(path.c_str(), 0600) == 0);
  return path;
}

} // namespace

TEST_CASE("a regular file is read whole, within its limit", "[util][input]")
{
  const TempDir dir;
  const std::string path = dir.write("small.txt", "0x10de\n");
  CHECK(read_input_file(path, 100).value() == "0x10de\n");
  CHECK(read_input_file(path, 7).value() == "0x10de\n");
  const auto too_big = read_input_file(path, 6);
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.error().problem == "file larger than the limit of 6 bytes");
  CHECK(InputFile::open(path).value().read_up_to(4).value() == "0x10");
}

TEST_CASE("a file larger than the first read chunk is read in full", "[util][input]")
{
  const TempDir dir;
  const std::string content(100'000, 'x');
  const std::string path = dir.write("big.txt", content);
  CHECK(read_input_file(path, 1 << 20).value() == content);
}

TEST_CASE("a FIFO, a device and a folder are refused without blocking", "[util][input]")
{
  const TempDir dir;
  CHECK(problem_opening(fifo_in(dir, "pipe.json")) == "is a named pipe (FIFO), not a file");
  const std::string zero = (dir.path() / "zero.json").string();
  std::filesystem::create_symlink("/dev/zero", zero);
  CHECK(problem_opening(zero) == "is a character device, not a file");
  CHECK(problem_opening(dir.path().string()) == "is a folder, not a file");
}

TEST_CASE("missing files and link loops each get their own words", "[util][input]")
{
  const TempDir dir;
  CHECK(problem_opening((dir.path() / "absent.json").string()) == "not found");
  const std::string loop = (dir.path() / "loop.json").string();
  std::filesystem::create_symlink(loop, loop);
  CHECK_THAT(problem_opening(loop), Catch::StartsWith("symbolic link loop"));
  const std::string file = dir.write("file", "x");
  CHECK(problem_opening(file + "/below.json") == "a part of the path is not a folder");
}

TEST_CASE("an unreadable file is refused as permission denied", "[util][input]")
{
  if (geteuid() == 0) {
    SUCCEED("running as root: chmod 000 does not deny root's reads; not testable here");
    return;
  }
  const TempDir dir;
  const std::string path = dir.write("secret.json", "{}");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  CHECK(problem_opening(path) == "permission denied");
}

TEST_CASE("read_json_file refuses a FIFO, and JSON with more values than its bounds", "[util][input][json]")
{
  const TempDir dir;
  const auto fifo = llmhw::util::read_json_file(fifo_in(dir, "config.json"), llmhw::util::k_config_json_bounds);
  REQUIRE_FALSE(fifo.ok());
  CHECK(fifo.error().problem == "is a named pipe (FIFO), not a file");

  std::string many = "[";
  for (int i = 0; i < 2000; ++i) {
    many += "{},";
  }
  many += "{}]";
  const auto refused = llmhw::util::parse_json(many, "many.json", 1000);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message() == "many.json: JSON document holds more than 1000 values");
  CHECK(llmhw::util::parse_json(many, "many.json", 3000).ok());
}
