// The hardware and system parsers reject entries that cannot be right, naming
// the entry and the field, so a typo in a user catalog file never turns into a
// silently wrong estimate.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/json_fields.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

using llmhw::catalog::Catalog;

namespace {

nlohmann::json gpu(const nlohmann::json& extra = nlohmann::json::object())
{
  nlohmann::json entry = {{"id", "test-gpu"}, {"name", "Test GPU"},         {"vendor", "Test"},
                          {"kind", "gpu"},    {"memory_bytes", 1ULL << 34}, {"memory_bandwidth_bytes_s", 1e12},
                          {"source", "test"}};
  entry.update(extra);
  return entry;
}

nlohmann::json cpu(const nlohmann::json& cpu_fields)
{
  nlohmann::json fields = {{"cores", 8}, {"memory_channels", 2}};
  fields.update(cpu_fields);
  return gpu({{"id", "test-cpu"}, {"kind", "cpu"}, {"cpu", fields}});
}

/// The error message from merging `document` into an empty catalog, or "" when it merges. The document goes
/// through its JSON text first, as a file would (the parser reads non-negative integers as unsigned).
std::string merge_error(const nlohmann::json& document)
{
  Catalog catalog;
  const auto status = llmhw::catalog::merge(catalog, nlohmann::json::parse(document.dump()), "mine.json");
  return status ? std::string() : status.error().message();
}

std::string hardware_error(const nlohmann::json& entry)
{
  return merge_error({{"hardware", {entry}}});
}

std::string system_error(const nlohmann::json& extra)
{
  nlohmann::json system = {{"id", "box"},          {"name", "Box"}, {"kind", "instance"},
                           {"device", "test-gpu"}, {"count", 8},    {"source", "test"}};
  system.update(extra);
  return merge_error({{"hardware", {gpu()}}, {"systems", {system}}});
}

} // namespace

TEST_CASE("a well-formed device with every optional field merges", "[catalog][hardware]")
{
  CHECK(hardware_error(gpu({{"precisions", {"bf16", "fp8"}},
                            {"peak_tflops", {{"bf16", 100}, {"fp8", 200}}},
                            {"compute_capability", "12.0"},
                            {"interconnect", {{"kind", "nvlink5"}, {"bandwidth_bytes_s", 9e11}}},
                            {"pcie_bandwidth_bytes_s", 6.4e10},
                            {"tdp_watts", 600}})) == "");
  CHECK(hardware_error(cpu({{"memory_transfer_rate_mts", 4267}, {"memory_bus_width_bits", 32}, {"threads", 16}})) ==
        "");
  CHECK(system_error({{"price_usd_per_hour", 12.5}, {"price_date", "2026-06-17"}, {"nodes", 1}}) == "");
}

TEST_CASE("bad device fields are errors naming the entry and the field", "[catalog][hardware]")
{
  CHECK_THAT(hardware_error(gpu({{"precisions", {"fp9"}}})),
             Catch::Contains("mine.json: hardware[0].precisions: 'fp9' is not one of"));
  CHECK_THAT(hardware_error(gpu({{"precisions", {"bf16", "bf16"}}})), Catch::Contains("'bf16' is listed twice"));
  CHECK_THAT(hardware_error(gpu({{"peak_tflops", {{"bf16", -1}}}})), Catch::Contains("peak_tflops.bf16"));
  CHECK_THAT(hardware_error(gpu({{"compute_capability", "nine"}})),
             Catch::Contains("compute_capability: 'nine' is not a major.minor pair"));
  CHECK_THAT(hardware_error(gpu({{"compute_capability", "9.0.1"}})), Catch::Contains("compute_capability"));
  CHECK_THAT(hardware_error(gpu({{"interconnect", {{"kind", "warp-drive"}}}})),
             Catch::Contains("interconnect.kind: 'warp-drive' is not a known interconnect"));
  // A link given in GB/s instead of bytes/s is caught low; one in bits/s is caught high.
  CHECK_THAT(hardware_error(gpu({{"interconnect", {{"kind", "nvlink4"}, {"bandwidth_bytes_s", 8e13}}}})),
             Catch::Contains("interconnect.bandwidth_bytes_s"));
  CHECK_THAT(hardware_error(gpu({{"tdp_watts", 0}})), Catch::Contains("tdp_watts: 0 W is outside"));
  CHECK_THAT(hardware_error(gpu({{"tdp_watts", 70000}})), Catch::Contains("tdp_watts"));
  CHECK_THAT(hardware_error(gpu({{"memory_bytes", 0}})), Catch::Contains("memory_bytes: must be positive"));
  CHECK_THAT(hardware_error(gpu({{"memory_bandwidth_bytes_s", 3.35e15}})),
             Catch::Contains("memory_bandwidth_bytes_s: must be positive and below 100 TB/s"));
}

TEST_CASE("bad CPU fields are errors", "[catalog][hardware]")
{
  CHECK_THAT(hardware_error(cpu({{"cores", 0}})), Catch::Contains("cpu.cores: must be at least 1"));
  CHECK_THAT(hardware_error(cpu({{"threads", 4}})),
             Catch::Contains("cpu.threads: 4 threads is fewer than the 8 cores"));
  CHECK_THAT(hardware_error(cpu({{"memory_channels", 0}})), Catch::Contains("cpu.memory_channels: must be at least 1"));
  CHECK_THAT(hardware_error(cpu({{"memory_transfer_rate_mts", 48}})), Catch::Contains("48 MT/s is below any DRAM"));
  CHECK_THAT(hardware_error(cpu({{"memory_bus_width_bits", 12}})),
             Catch::Contains("memory_bus_width_bits: 12 is not a whole number of bytes wide"));
  CHECK_THAT(hardware_error(cpu({{"boost_clock_ghz", 4800}})), Catch::Contains("boost_clock_ghz: 4800 GHz is outside"));
  CHECK_THAT(hardware_error(gpu({{"kind", "cpu"}})), Catch::Contains("cpu: missing"));
}

TEST_CASE("bad system fields are errors", "[catalog][hardware]")
{
  CHECK_THAT(system_error({{"price_usd_per_hour", 12.5}}), Catch::Contains("price_date: missing"));
  CHECK_THAT(system_error({{"price_usd_per_hour", 12.5}, {"price_date", "June 2026"}}),
             Catch::Contains("price_date: 'June 2026' is not a date like 2026-06-17"));
  CHECK_THAT(system_error({{"price_date", "2026-13-01"}}), Catch::Contains("price_date"));
  CHECK_THAT(system_error({{"nodes", 0}}), Catch::Contains("nodes: 0 hosts for 8 devices"));
  CHECK_THAT(system_error({{"nodes", 9}}), Catch::Contains("nodes: 9 hosts for 8 devices"));
  CHECK_THAT(system_error({{"count", 0}}), Catch::Contains("count: must be at least 1"));
}

TEST_CASE("the user catalog example in docs/hardware.md loads", "[catalog][hardware]")
{
  std::ifstream doc(std::string(LLM_HW_SOURCE_DIR) + "/docs/hardware.md");
  REQUIRE(doc.good());
  const std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
  const std::size_t begin = text.find("```json\n");
  REQUIRE(begin != std::string::npos);
  const std::size_t end = text.find("```", begin + 8);
  REQUIRE(end != std::string::npos);
  const auto example = llmhw::util::parse_json(text.substr(begin + 8, end - begin - 8), "docs/hardware.md");
  REQUIRE(example.ok());
  Catalog catalog = llmhw::catalog::load({}).value();
  REQUIRE(llmhw::catalog::merge(catalog, *example, "docs/hardware.md").ok());
  REQUIRE(catalog.find_system("lab-4x4090") != nullptr);
  CHECK(catalog.find_system("lab-4x4090")->count == 4);
  // The example replaces the built-in p5 entry by id, adding a price.
  CHECK(catalog.find_system("aws-p5.48xlarge")->price_usd_per_hour == 40.0);
}
