// probe::read_inventory_json: the probe's JSON read back (for --hardware FILE),
// round-tripped against the writer, and the ways a file can be wrong.

#include "probe_fixture.hpp"

#include "llmhw/report/report.hpp"

#include "support/temp_dir.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

using namespace llmhw::test;
using llmhw::probe::Inventory;

namespace {

std::string probe_json(const Inventory& inventory)
{
  return llmhw::report::probe(inventory, llmhw::report::Format::json, llmhw::report::Style{});
}

std::string error_of(const std::string& text)
{
  const auto read = llmhw::probe::parse_inventory_json(text, "host.json");
  REQUIRE_FALSE(read);
  return read.error().message();
}

} // namespace

TEST_CASE("probe JSON round-trips through the reader for every fixture machine", "[probe][json]")
{
  ::setenv("FAKE_NVML_CONFIG", (machine_root("hgx-h100") + "/nvml.conf").c_str(), 1);
  for (const char* machine : {"this-vm", "hgx-h100", "mi300x-2", "tpu-v5e-4", "laptop-4090", "graviton3"}) {
    auto environment = fixture_environment(machine);
    if (std::string(machine) == "hgx-h100") {
      environment.skip_nvml = false;
      environment.nvml_library = LLM_HW_FAKE_NVML;
    }
    const Inventory original = probe_machine(environment);
    const std::string written = probe_json(original);
    const TempDir dir;
    const auto read = llmhw::probe::read_inventory_json(dir.write("host.json", written));
    REQUIRE(read);
    CHECK(probe_json(*read) == written); // same document again: nothing lost or altered
    CHECK(read->devices.size() == original.devices.size());
  }
}

TEST_CASE("probe JSON reader: every error names the file and the field", "[probe][json]")
{
  const std::string valid = probe_json(probe_machine(fixture_environment("this-vm")));
  nlohmann::json document = nlohmann::json::parse(valid);
  const auto with = [&](const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json copy = document;
    change(copy);
    return copy.dump();
  };
  CHECK(error_of(with([](auto& d) { d["schema"] = "llm-hw/probe/v2"; })) ==
        "host.json: schema: expected \"llm-hw/probe/v1\", got \"llm-hw/probe/v2\"");
  CHECK(error_of(with([](auto& d) {
          d["devices"][0]["memory_bytes"] = "24GB";
        })).starts_with("host.json: devices[0].memory_bytes: expected a non-negative integer"));
  CHECK(error_of(with([](auto& d) {
          d["devices"][0]["memory_bytes"] = 1ull << 60;
        })).starts_with("host.json: devices[0].memory_bytes:"));
  CHECK(error_of(with([](auto& d) {
          d["devices"][0]["memory_bandwidth_bytes_s"] = -1.0;
        })).starts_with("host.json: devices[0].memory_bandwidth_bytes_s: expected a number from 0 to"));
  CHECK(error_of(with([](auto& d) {
          d["devices"][0]["peak_tflops"]["bf16"] = 1e300;
        })).starts_with("host.json: devices[0].peak_tflops.bf16: expected a number from 0 to"));
  CHECK(error_of(with([](auto& d) { d["devices"][0]["kind"] = "fpga"; })) ==
        "host.json: devices[0].kind: expected cpu, gpu, tpu or accelerator, got \"fpga\"");
  CHECK(error_of(with([](auto& d) { d["devices"].push_back(d["devices"][0]); })) ==
        "host.json: devices[1].id: \"cpu0\" appears twice");
  CHECK(error_of(with([](auto& d) { d["devices"][0]["memroy_bytes"] = 1; })).find("memroy_bytes") != std::string::npos);
  CHECK(
      error_of(with([](auto& d) { d["memory"]["total_bytes"] = 1.5; })).starts_with("host.json: memory.total_bytes:"));
  CHECK(error_of(R"({"schema": "llm-hw/probe/v1", "host": )").starts_with("host.json:"));
  CHECK(error_of("[1, 2]").starts_with("host.json:"));
  CHECK(error_of(R"({"schema": "llm-hw/probe/v1", "memory": {"total_bytes": NaN}})").starts_with("host.json:"));
}

TEST_CASE("A node list given as text: one host per accelerator node, and text that is not one refused",
          "[probe][kubernetes]")
{
  // tests/fixtures/kubernetes/nodes-gfd-gke.json: two p5.48xlarge nodes (8 H100 each), a TPU v5e node of 8 chips
  // and a CPU-only node the list skips (its README cites the vendors' label documents).
  std::ifstream file(LLM_HW_SOURCE_DIR "/tests/fixtures/kubernetes/nodes-gfd-gke.json");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  REQUIRE_FALSE(text.empty());
  const auto catalog = llmhw::catalog::load({}).value();
  const auto hosts = llmhw::probe::parse_node_list(text, "nodes.json", catalog);
  REQUIRE(hosts);
  REQUIRE(hosts->size() == 3);
  std::size_t gpus = 0;
  std::uint32_t tpu_chips = 0;
  for (const auto& host : *hosts) {
    for (const auto& device : host.devices) {
      gpus += device.kind == llmhw::catalog::DeviceKind::gpu ? 1 : 0;
      tpu_chips += device.kind == llmhw::catalog::DeviceKind::tpu ? device.chips : 0;
    }
  }
  CHECK(gpus == 16);
  CHECK(tpu_chips == 8); // one slice of 8 chips (ct5lp-hightpu-8t)
  const auto not_a_list = llmhw::probe::parse_node_list(R"({"kind": "Pod", "items": []})", "pod.json", catalog);
  REQUIRE_FALSE(not_a_list);
  CHECK(not_a_list.error().message().find("pod.json") != std::string::npos);
  const auto truncated = llmhw::probe::parse_node_list(text.substr(0, text.size() / 2), "cut.json", catalog);
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().message().find("cut.json") != std::string::npos);
  // A count of "." (dots pass the quantity's digit scan) once escaped as an exception from std::stod (fuzz_node_list).
  for (const char* count : {".", "..", "8.", ".5", "8Gx"}) {
    std::string bad = text;
    const std::string label = R"("nvidia.com/gpu.count": "8")";
    bad.replace(bad.find(label), label.size(), fmt::format(R"("nvidia.com/gpu.count": "{}")", count));
    const auto refused = llmhw::probe::parse_node_list(bad, "bad.json", catalog);
    CAPTURE(count);
    if (std::string_view(count) == "8.") {
      CHECK(refused); // "8." is the number 8
    } else {
      REQUIRE_FALSE(refused);
      CHECK(refused.error().message().find("nvidia.com/gpu.count") != std::string::npos);
    }
  }
}
