// --topology files that hwloc cannot load: exit 2, one line naming the file,
// nothing on stdout; never a crash. The crashing file is fuzz_topology's find.
#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using llmhw::test::lines;
using llmhw::test::run_llm_hw;

namespace {

const std::string k_fixtures = std::string(LLM_HW_TEST_FIXTURES) + "/topology/";
const std::map<std::string, std::string> k_no_nvml = {{"LLM_HW_NO_NVML", "1"}};

/// The one line on stderr of a bad-input run.
std::string bad_input_line(const std::vector<std::string>& arguments)
{
  INFO("llm-hw " << Catch::Detail::stringify(arguments));
  const auto result = run_llm_hw(arguments, k_no_nvml);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  const auto error_lines = lines(result.err);
  REQUIRE(error_lines.size() == 1);
  CHECK_THAT(error_lines[0], Catch::StartsWith("llm-hw: error: "));
  return error_lines[0];
}

} // namespace

TEST_CASE("a topology that crashes hwloc's XML importer exits 2 naming the file", "[cli][errors][topology]")
{
  // hwloc 2.9.0 dereferences NULL on a PU with a cpuset but no complete_cpuset.
  const std::string file = k_fixtures + "pu-without-complete-cpuset.xml";
  const std::string line = bad_input_line({"probe", "--topology", file});
  CHECK_THAT(line, Catch::Contains(file + ": hwloc crashed reading this XML topology"));
  CHECK_THAT(bad_input_line({"advise", "--topology", file, "--model", "llama-3.1-8b"}), Catch::Contains(file));
}

TEST_CASE("a topology in a format hwloc 2.9 refuses exits 2 naming the file", "[cli][errors][topology]")
{
  const std::string file = k_fixtures + "version-3.0.xml";
  CHECK(bad_input_line({"probe", "--topology", file}) ==
        "llm-hw: error: " + file + ": hwloc cannot read this XML topology");
}

TEST_CASE("a topology that is missing or larger than 64 MiB exits 2 before hwloc reads it", "[cli][errors][topology]")
{
  llmhw::test::TempDir dir;
  const std::string huge = dir.write("huge.xml", "<?xml version=\"1.0\"?>\n");
  std::filesystem::resize_file(huge, (64ULL << 20) + 1); // sparse: no disk used
  CHECK_THAT(bad_input_line({"probe", "--topology", huge}),
             Catch::Contains(huge + ": topology file of 67108865 bytes"));
  const std::string missing = (dir.path() / "missing.xml").string();
  CHECK_THAT(bad_input_line({"probe", "--topology", missing}), Catch::Contains(missing));
}

TEST_CASE("a well-formed topology still loads after the check", "[cli][topology]")
{
  const auto result = run_llm_hw({"probe", "--json", "--topology", k_fixtures + "one-core-two-threads.xml"}, k_no_nvml);
  REQUIRE(result.exit_code == 0);
  const auto probe = nlohmann::json::parse(result.out);
  const auto& cpu = probe.at("devices").at(0);
  CHECK(cpu.at("kind") == "cpu");
  CHECK(cpu.at("cores") == 1);
  CHECK(cpu.at("threads") == 2);
  CHECK(cpu.at("model") == "Intel(R) Xeon(R) CPU");
}
