// --topology FILE.xml: the 21 real machines of tests/fixtures/hwloc-xml (see its
// README: origin, machine and the NUMA / PU counts its lstopo export shows). Sockets
// and cores are the machines' published configurations (e.g. 2 × 56-core Xeon
// Platinum 8480+ for ipa20, 4 × 24-core MI300A APUs for the tuo partitions).

#include "probe_fixture.hpp"

#include "support/run_binary.hpp"

using namespace llmhw::test;

namespace {

struct Expected {
  const char* file;
  std::uint32_t sockets;
  std::uint32_t cores;
  std::uint32_t threads;
  std::uint32_t numa_nodes;
  const char* model;
  std::size_t gpus; ///< PCI devices of class 03xx/12xx from NVIDIA, AMD or Intel in the export
};

// clang-format off
constexpr Expected k_machines[] = {
    {"128arm-2pa2n8cluster4co.hwloc29.xml", 2, 128, 128, 4, "", 0},   // Kunpeng 920: 2 × 64 cores, no SMT
    {"192em64t-24n8c2t.xml", 24, 192, 384, 24, "Intel(R) Xeon(R) CPU E5-4640 0 @ 2.40GHz", 0},   // SGI UV2000
    {"32em64t-2n8c2t-pci-wholeio.xml", 2, 16, 32, 2, "Intel(R) Xeon(R) CPU E5-2650 0 @ 2.00GHz", 4},
    {"32intel64-2p8co2t+8ve.hwloc29.xml", 2, 16, 32, 2, "Intel(R) Xeon(R) Silver 4108 CPU @ 1.80GHz", 0},
    {"arm64-ulna-hwloc1.xml", 2, 64, 256, 2, "", 2},                  // ThunderX2: 2 × 32 cores, SMT4
    {"chimera.xml", 1, 32, 64, 2, "AMD Ryzen Threadripper 2990WX 32-Core Processor", 2},
    {"coral-lassen.xml", 2, 40, 160, 2, "POWER9, altivec supported", 4},   // 2 × 20 cores, SMT4
    {"corona11.xml", 2, 48, 96, 8, "AMD EPYC 7401 24-Core Processor", 4},
    {"cts1-pascal.xml", 2, 36, 72, 2, "Intel(R) Xeon(R) CPU E5-2695 v4 @ 2.10GHz", 2},
    {"eas-tioga.xml", 1, 64, 128, 4, "AMD EPYC 7A53 64-Core Processor", 8},   // padded with spaces in the XML
    {"epyc-corona-p2.xml", 2, 48, 96, 2, "AMD EPYC 7402 24-Core Processor", 8},
    {"g4dnmetal.xml", 2, 48, 96, 2, "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz", 8},
    {"ipa20.xml", 2, 112, 224, 8, "Intel(R) Xeon(R) Platinum 8480+", 4},   // SNC4: 4 NUMA nodes per socket
    {"memorysidecaches.xml", 2, 40, 80, 4, "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz", 0},
    {"nvidia-dgx-gb10.hwloc29.xml", 1, 20, 20, 1, "", 0},              // GB10: 10 Cortex-X925 + 10 Cortex-A725
    {"nvidiaDGX2.xml", 2, 4, 4, 2, "Intel(R) Xeon(R) Platinum 8174 CPU @ 3.10GHz", 16},   // restricted export
    {"nvidiagpunumanodes-kept.hwloc29.xml", 2, 8, 32, 8, "POWER9, altivec supported", 0},   // 6 GPU-memory nodes kept
    {"power8gpudistances.xml", 2, 8, 16, 2, "POWER8NVL, altivec supported", 4},
    {"tuo.CPX.xml", 4, 96, 192, 4, "AMD Instinct MI300A Accelerator", 4},
    {"tuo.SPX.xml", 4, 96, 192, 4, "AMD Instinct MI300A Accelerator", 4},
    {"tuo.TPX.xml", 4, 96, 192, 4, "AMD Instinct MI300A Accelerator", 4},
};
// clang-format on

std::string xml(const char* name)
{
  return std::string(LLM_HW_TEST_FIXTURES) + "/hwloc-xml/" + name;
}

} // namespace

TEST_CASE("probe --topology: the 21 real hwloc exports give their machines' counts", "[probe][topology]")
{
  for (const Expected& expected : k_machines) {
    INFO(expected.file);
    llmhw::probe::Environment environment;
    environment.topology_xml = xml(expected.file);
    environment.skip_nvml = true;
    const auto inventory = probe_machine(environment);
    REQUIRE(inventory.devices.size() == 1 + expected.gpus); // NVSwitches, BMC VGA, NEC VE not counted
    const auto& cpu = device(inventory, "cpu0");
    CHECK(cpu.sockets == expected.sockets);
    CHECK(cpu.cores == expected.cores);
    CHECK(cpu.threads == expected.threads);
    CHECK(cpu.numa_nodes == expected.numa_nodes);
    CHECK(cpu.model == expected.model);
    CHECK(cpu.field_sources.at("memory_bytes") == "hwloc"); // NUMA totals of the export, not this machine's
    CHECK(inventory.memory.total_bytes > 0);
  }
}

TEST_CASE("probe --topology: GPUs of an export with hwloc's memory sizes and catalog figures", "[probe][topology]")
{
  llmhw::probe::Environment environment;
  environment.topology_xml = xml("ipa20.xml");
  const auto inventory = probe_machine(environment);
  const auto& h100 = device(inventory, "gpu3");
  CHECK(h100.model == "NVIDIA H100 80GB HBM3");   // GPUModel of the nvml OS device
  CHECK(h100.memory_bytes == 83026944ull * 1024); // CUDAGlobalMemorySize (KiB)
  CHECK(h100.catalog_id == "h100-sxm");
  CHECK(h100.pci->device_id == "2330");

  environment.topology_xml = xml("tuo.SPX.xml");
  const auto apus = probe_machine(environment);
  const auto& mi300a = device(apus, "gpu0");
  CHECK(mi300a.catalog_id == "mi300a");
  CHECK(mi300a.unified_memory); // no RSMIVRAMSize: a quarter of the node's memory, shared with the CPUs
  CHECK(mi300a.memory_bytes == apus.memory.total_bytes / 4);
  CHECK(has_warning(apus, "gpu0 has unified memory"));
}

TEST_CASE("probe --topology: the catalog matches an exported CPU", "[probe][topology]")
{
  llmhw::probe::Environment environment;
  environment.topology_xml = xml("ipa20.xml");
  environment.skip_nvml = true;
  const auto inventory = probe_machine(environment);
  const auto& cpu = device(inventory, "cpu0");
  CHECK(cpu.catalog_id == "xeon-platinum-8480");
  CHECK(*cpu.memory_bandwidth_bytes_s == Approx(614.4e9)); // 8 × DDR5-4800 × 8 B × 2 sockets
}

TEST_CASE("probe --topology: an hwloc 3.0 export and a missing file are bad input (exit 2, one line)", "[probe][topology]")
{
  const auto v3 = run_llm_hw({"probe", "--topology", xml("v3-fails-on-hwloc29/nvidiaDGX2.v3.xml")});
  CHECK(v3.exit_code == 2);
  CHECK(v3.out.empty());
  CHECK(lines(v3.err).size() == 1);
  CHECK(v3.err.find("nvidiaDGX2.v3.xml: hwloc cannot") != std::string::npos);
  const auto missing = run_llm_hw({"probe", "--topology", "/nonexistent/topology.xml"});
  CHECK(missing.exit_code == 2);
  CHECK(lines(missing.err).size() == 1);
}
