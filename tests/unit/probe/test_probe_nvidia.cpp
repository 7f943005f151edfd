// NVIDIA GPUs through the fake NVML library (the real C ABI, loaded with dlopen
// from $LLM_HW_NVML_LIB), with figures from the nvidia-smi captures named in each
// fixture's README; MIG, CUDA_VISIBLE_DEVICES and the library's failure modes.

#include "probe_fixture.hpp"

#include "support/temp_dir.hpp"

#include <cstdlib>

using namespace llmhw::test;
using llmhw::probe::Device;
using llmhw::probe::Environment;

namespace {

constexpr std::uint64_t k_mib = 1024 * 1024;

/// A fixture machine probed with the fake NVML describing `config`.
Environment with_nvml(const std::string& machine, const std::string& config, const char* library = LLM_HW_FAKE_NVML)
{
  ::setenv("FAKE_NVML_CONFIG", config.c_str(), 1);
  Environment environment = fixture_environment(machine);
  environment.skip_nvml = false;
  environment.nvml_library = library;
  return environment;
}

std::string hgx_config()
{
  return machine_root("hgx-h100") + "/nvml.conf";
}

std::size_t gpu_count(const llmhw::probe::Inventory& inventory)
{
  return static_cast<std::size_t>(
      std::count_if(inventory.devices.begin(), inventory.devices.end(),
                    [](const Device& d) { return d.kind == llmhw::catalog::DeviceKind::gpu; }));
}

} // namespace

TEST_CASE("HGX H100: eight GPUs from NVML, NVSwitches not counted", "[probe][nvml]")
{
  const auto inventory = probe_machine(with_nvml("hgx-h100", hgx_config()));
  REQUIRE(inventory.devices.size() == 9);
  CHECK(gpu_count(inventory) == 8);
  const Device& gpu = device(inventory, "gpu0");
  // nvidia-smi -q (gls H100SXMx8): Product Name, FB 81559 MiB total / 81106 MiB free, 700 W, 565.57.01, 12.7
  CHECK(gpu.model == "NVIDIA H100 80GB HBM3");
  CHECK(gpu.memory_bytes == 81559 * k_mib);
  CHECK(gpu.memory_free_bytes == 81106 * k_mib);
  CHECK(gpu.uuid == "GPU-b42dd28e-ffdd-8720-1df0-98bd8cdc05b1");
  REQUIRE(gpu.pci);
  CHECK(gpu.pci->bus_id == "0000:18:00.0");
  CHECK(gpu.pci->device_id == "2330");
  CHECK(gpu.numa_node == 0);
  CHECK(device(inventory, "gpu4").numa_node == 1);
  CHECK(device(inventory, "gpu7").pci->bus_id == "0000:db:00.0");
  CHECK(gpu.compute_capability == "9.0");
  CHECK(gpu.architecture == "hopper");
  CHECK(gpu.power_limit_watts == 700.0);
  CHECK(gpu.nvlink_links == 18u);
  CHECK(gpu.driver_version == "565.57.01");
  CHECK(gpu.cuda_version == "12.7");
  // 2619 MHz × 2 transfers × 5120 bit / 8 = 3.352 TB/s (datasheet: 3.35 TB/s)
  REQUIRE(gpu.memory_bandwidth_bytes_s);
  CHECK(*gpu.memory_bandwidth_bytes_s == Approx(3.35232e12));
  CHECK(gpu.field_sources.at("memory_bandwidth_bytes_s") == "nvml");
  CHECK(gpu.catalog_id == "h100-sxm");
  CHECK(*gpu.peak_tflops.bf16 == Approx(989.4)); // dense BF16, H100 SXM datasheet (1979 sparse / 2)
  CHECK(gpu.sources == std::vector<std::string>{"sysfs", "nvml", "catalog"});
}

TEST_CASE("HGX H100: the host CPUs from the catalog, AMX in the peak", "[probe]")
{
  const auto inventory = probe_machine(fixture_environment("hgx-h100"));
  const Device& cpu = device(inventory, "cpu0");
  CHECK(cpu.sockets == 2);
  CHECK(cpu.cores == 112);
  CHECK(cpu.threads == 224);
  CHECK(cpu.numa_nodes == 2);
  CHECK(cpu.catalog_id == "xeon-platinum-8480");
  CHECK(contains(cpu.isa, "amx_bf16"));
  CHECK(contains(cpu.isa, "avx_vnni"));
  // 8 channels × DDR5-4800 × 8 B × 2 sockets (Intel ark: 8 channels DDR5-4800)
  CHECK(*cpu.memory_bandwidth_bytes_s == Approx(614.4e9));
  // AMX: 1024 BF16 FLOPs/cycle/core × 112 cores × 2.0 GHz base
  CHECK(*cpu.peak_tflops.bf16 == Approx(1024 * 112 * 2.0 / 1000));
  CHECK(*cpu.peak_tflops.fp32 == Approx(64 * 112 * 2.0 / 1000)); // two 512-bit FMA pipes
}

TEST_CASE("HGX H100 without NVML: GPUs from PCI with catalog figures", "[probe]")
{
  const auto inventory = probe_machine(fixture_environment("hgx-h100"));
  REQUIRE(gpu_count(inventory) == 8);
  const Device& gpu = device(inventory, "gpu3");
  CHECK(gpu.model == "NVIDIA H100 SXM5 80GB");
  CHECK(gpu.memory_bytes == 81559 * k_mib); // the catalog holds the driver-reported size
  CHECK(gpu.field_sources.at("memory_bytes") == "catalog");
  CHECK_FALSE(gpu.uuid.has_value());
  CHECK(gpu.pci->bus_id == "0000:5d:00.0");
  CHECK(gpu.sources == std::vector<std::string>{"sysfs", "catalog"});
}

TEST_CASE("CUDA_VISIBLE_DEVICES: indices, UUID prefixes, an invalid entry, empty", "[probe][nvml]")
{
  Environment environment = with_nvml("hgx-h100", hgx_config());
  SECTION("index and UUID prefix")
  {
    environment.variables["CUDA_VISIBLE_DEVICES"] = "2,GPU-33135771";
    const auto inventory = probe_machine(environment);
    REQUIRE(gpu_count(inventory) == 2);
    CHECK(device(inventory, "gpu0").pci->bus_id == "0000:3a:00.0");
    CHECK(device(inventory, "gpu1").pci->bus_id == "0000:db:00.0");
    CHECK(has_warning(inventory, "leaves 2 of 8 NVIDIA GPU(s) visible"));
  }
  SECTION("an index past the end hides itself and what follows")
  {
    environment.variables["CUDA_VISIBLE_DEVICES"] = "0,9,1";
    const auto inventory = probe_machine(environment);
    REQUIRE(gpu_count(inventory) == 1);
    CHECK(device(inventory, "gpu0").uuid == "GPU-b42dd28e-ffdd-8720-1df0-98bd8cdc05b1");
    CHECK(has_warning(inventory, "\"9\" names no GPU"));
  }
  SECTION("empty: no GPU")
  {
    environment.variables["CUDA_VISIBLE_DEVICES"] = "";
    CHECK(gpu_count(probe_machine(environment)) == 0);
  }
}

TEST_CASE("MIG: each instance is a device with its own memory and share of the GPU", "[probe][nvml]")
{
  const std::string config = std::string(LLM_HW_TEST_FIXTURES) + "/nvml/a100-mig.conf";
  const auto inventory = probe_machine(with_nvml("this-vm", config));
  REQUIRE(gpu_count(inventory) == 2);
  const Device& slice = device(inventory, "gpu0");
  CHECK(slice.mig_profile == "3g.20gb");
  CHECK(slice.memory_bytes == 19968 * k_mib); // netdata a100-sxm4-mig.xml: 19968 MiB per instance
  CHECK(slice.uuid == "MIG-5f1c2d3e-0a1b-5c2d-8e3f-4a5b6c7d8e90");
  CHECK(slice.catalog_id == "a100-sxm4-40gb");
  // 3 of 7 compute slices of 312 dense BF16 TFLOPS; 19968 of 40960 MiB of 1215 MHz × 2 × 5120 bit
  CHECK(*slice.peak_tflops.bf16 == Approx(312.0 * 3 / 7));
  CHECK(*slice.memory_bandwidth_bytes_s == Approx(1215e6 * 2 * 640 * 19968 / 40960));
  CHECK(slice.pci->bus_id == "0000:00:04.0"); // NVML's bus id when sysfs has no such function

  Environment only_second = with_nvml("this-vm", config);
  only_second.variables["CUDA_VISIBLE_DEVICES"] = "MIG-9a8b7c6d";
  const auto narrowed = probe_machine(only_second);
  REQUIRE(gpu_count(narrowed) == 1);
  CHECK(device(narrowed, "gpu0").uuid == "MIG-9a8b7c6d-5e4f-5a3b-9c2d-1e0f9a8b7c6d");
}

TEST_CASE("NVML faults: init failure, missing optional symbols, absurd memory, names without NUL", "[probe][nvml]")
{
  const TempDir dir;
  const std::string conf = hgx_config();
  SECTION("init fails: a warning, GPUs still from PCI and the catalog")
  {
    const std::string faulty = dir.write("init.conf", "fault = init_fails\n");
    const auto inventory = probe_machine(with_nvml("hgx-h100", faulty));
    CHECK(gpu_count(inventory) == 8);
    CHECK(has_warning(inventory, "NVML cannot initialise: Driver Not Loaded (code 9)"));
    CHECK(device(inventory, "gpu0").catalog_id == "h100-sxm");
  }
  SECTION("only the five required functions: optional fields stay empty")
  {
    const auto inventory = probe_machine(with_nvml("hgx-h100", conf, LLM_HW_FAKE_NVML_MINIMAL));
    REQUIRE(gpu_count(inventory) == 8);
    const Device& gpu = device(inventory, "gpu0");
    CHECK(gpu.model == "NVIDIA H100 80GB HBM3");
    CHECK(gpu.memory_bytes == 81559 * k_mib);
    CHECK_FALSE(gpu.uuid.has_value());
    CHECK_FALSE(gpu.power_limit_watts.has_value());
    CHECK_FALSE(gpu.nvlink_links.has_value());
    CHECK_FALSE(gpu.driver_version.has_value());
    // Without PCI info from NVML the GPUs pair with sysfs by order: catalog figures remain.
    CHECK(gpu.field_sources.at("memory_bandwidth_bytes_s") == "catalog");
  }
  SECTION("zero and 2^64-1 bytes of memory are refused")
  {
    const std::string absurd = dir.write("absurd.conf", "[gpu]\nname = NVIDIA H100 80GB HBM3\nmemory_total = 0\n"
                                                        "[gpu]\nname = NVIDIA H100 80GB HBM3\n"
                                                        "memory_total = 18446744073709551615\n");
    const auto inventory = probe_machine(with_nvml("this-vm", absurd));
    REQUIRE(gpu_count(inventory) == 2);
    CHECK(has_warning(inventory, "NVML GPU 0: NVML reports 0 bytes of memory; ignored"));
    CHECK(has_warning(inventory, "NVML GPU 1: NVML reports 18446744073709551615 bytes of memory; ignored"));
    CHECK(device(inventory, "gpu1").memory_bytes == 81559 * k_mib); // the catalog's figure instead
  }
  SECTION("names that fill the buffer without a NUL are cut at the buffer's end")
  {
    const std::string broken = dir.write("nul.conf", "fault = names_without_nul\n[gpu]\nname = NVIDIA H100 80GB HBM3\n"
                                                     "memory_total = 85520809984\n");
    const auto inventory = probe_machine(with_nvml("this-vm", broken));
    const Device& gpu = device(inventory, "gpu0");
    CHECK(gpu.model.size() == 96); // NVML_DEVICE_NAME_V2_BUFFER_SIZE
    CHECK(gpu.model.starts_with("NVIDIA H100 80GB HBM3XXX"));
  }
}

TEST_CASE("NVML that blocks is stopped after the timeout", "[probe][nvml]")
{
  const TempDir dir;
  Environment environment = with_nvml("hgx-h100", dir.write("blocks.conf", "fault = init_blocks\n"));
  environment.backend_timeout = std::chrono::milliseconds(200);
  const auto started = std::chrono::steady_clock::now();
  const auto inventory = probe_machine(environment);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  CHECK(has_warning(inventory, "NVML did not answer within 200 ms; stopped"));
  CHECK(gpu_count(inventory) == 8);
}
