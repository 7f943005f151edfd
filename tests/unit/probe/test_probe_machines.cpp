// AMD, Intel and TPU machines, an Arm server and a laptop, from the fixture roots
// under tests/fixtures/machines (figures from the captures each README names), and
// what the probe does with broken sysfs files.

#include "probe_fixture.hpp"

#include "support/temp_dir.hpp"

#include <filesystem>

using namespace llmhw::test;
using llmhw::probe::Device;
using llmhw::probe::Environment;
namespace fs = std::filesystem;

namespace {

std::size_t count_kind(const llmhw::probe::Inventory& inventory, llmhw::catalog::DeviceKind kind)
{
  return static_cast<std::size_t>(std::count_if(inventory.devices.begin(), inventory.devices.end(),
                                                [kind](const Device& d) { return d.kind == kind; }));
}

} // namespace

TEST_CASE("2x MI300X: VRAM from amdgpu sysfs, catalog by PCI id", "[probe][amd]")
{
  const auto inventory = probe_machine(fixture_environment("mi300x-2"));
  REQUIRE(count_kind(inventory, llmhw::catalog::DeviceKind::gpu) == 2);
  const Device& gpu = device(inventory, "gpu0");
  CHECK(gpu.vendor == "AMD");
  CHECK(gpu.model == "AMD Instinct MI300X");
  CHECK(gpu.memory_bytes == 205822885888u);                   // mem_info_vram_total
  CHECK(gpu.memory_free_bytes == 205822885888u - 299687936u); // minus mem_info_vram_used
  CHECK(gpu.uuid == "GPU-8d1457e2c20f59d2");
  CHECK(gpu.pci->device_id == "74a1");
  CHECK(gpu.catalog_id == "mi300x");
  CHECK(*gpu.memory_bandwidth_bytes_s == Approx(5.3e12));
  CHECK(*gpu.peak_tflops.bf16 == Approx(1307.4));
  CHECK(device(inventory, "gpu1").pci->bus_id == "0000:46:00.0");
  const Device& cpu = device(inventory, "cpu0");
  CHECK(cpu.catalog_id == "epyc-9654");
  CHECK(cpu.threads == 384);
  // 12 channels × DDR5-4800 × 8 B × 2 sockets (AMD EPYC 9654 product page)
  CHECK(*cpu.memory_bandwidth_bytes_s == Approx(921.6e9));
}

TEST_CASE("ROCR_VISIBLE_DEVICES and HIP_VISIBLE_DEVICES narrow the AMD GPUs", "[probe][amd]")
{
  Environment environment = fixture_environment("mi300x-2");
  SECTION("ROCR by index")
  {
    environment.variables["ROCR_VISIBLE_DEVICES"] = "1";
    const auto inventory = probe_machine(environment);
    REQUIRE(count_kind(inventory, llmhw::catalog::DeviceKind::gpu) == 1);
    CHECK(device(inventory, "gpu0").pci->bus_id == "0000:46:00.0");
  }
  SECTION("ROCR by UUID, then HIP indexes what ROCR left")
  {
    environment.variables["ROCR_VISIBLE_DEVICES"] = "GPU-b4fa34630e85d42a,GPU-8d1457e2c20f59d2";
    environment.variables["HIP_VISIBLE_DEVICES"] = "1";
    const auto inventory = probe_machine(environment);
    REQUIRE(count_kind(inventory, llmhw::catalog::DeviceKind::gpu) == 1);
    CHECK(device(inventory, "gpu0").uuid == "GPU-8d1457e2c20f59d2");
  }
}

TEST_CASE("TPU v5e host: four chips, gVNIC and NVMe not counted, TPU variables kept", "[probe][tpu]")
{
  Environment environment = fixture_environment("tpu-v5e-4");
  environment.variables["TPU_ACCELERATOR_TYPE"] = "v5litepod-4";
  environment.variables["TPU_WORKER_ID"] = "0";
  const auto inventory = probe_machine(environment);
  REQUIRE(inventory.devices.size() == 2);
  const Device& tpu = device(inventory, "tpu0");
  CHECK(tpu.model == "TPU v5e");
  CHECK(tpu.chips == 4);
  CHECK(tpu.catalog_id == "tpu-v5e");
  CHECK(tpu.memory_bytes == 16ull * 1024 * 1024 * 1024); // 16 GiB HBM per chip (tpu-info)
  CHECK(*tpu.peak_tflops.bf16 == Approx(197));           // cloud.google.com/tpu/docs/v5e
  CHECK(tpu.pci->bus_id == "0000:00:05.0");
  CHECK(inventory.host.tpu_environment.at("TPU_ACCELERATOR_TYPE") == "v5litepod-4");
  CHECK(inventory.host.hypervisor == "Google Compute Engine");
  CHECK(inventory.warnings.size() == 2); // the CPU is not in the catalog, and it is a VM

  environment.variables["TPU_VISIBLE_CHIPS"] = "0";
  const auto one = probe_machine(environment);
  CHECK(device(one, "tpu0").chips == 1);
  CHECK(has_warning(one, "TPU_VISIBLE_CHIPS=\"0\" leaves 1 of 4 chips visible"));
}

TEST_CASE("TPU v6e host: eight chips", "[probe][tpu]")
{
  const auto inventory = probe_machine(fixture_environment("tpu-v6e-8"));
  const Device& tpu = device(inventory, "tpu0");
  CHECK(tpu.model == "TPU v6e");
  CHECK(tpu.chips == 8);
  CHECK(*tpu.peak_tflops.bf16 == Approx(918)); // cloud.google.com/tpu/docs/v6e
  CHECK(*tpu.memory_bandwidth_bytes_s == Approx(1638e9));
}

TEST_CASE("TPU7x: two PCI functions per chip count as one chip; missing vfio nodes warn", "[probe][tpu]")
{
  const TempDir dir;
  fs::copy(machine_root("tpu-v6e-8"), dir.path(), fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  fs::remove_all(dir.path() / "sys/bus/pci/devices");
  for (int chip = 0; chip < 2; ++chip) {
    for (int function = 0; function < 2; ++function) {
      const std::string base =
          "sys/bus/pci/devices/0000:00:0" + std::to_string(5 + chip) + "." + std::to_string(function) + "/";
      fs::create_directories(dir.path() / base);
      dir.write(base + "vendor", "0x1ae0\n");
      dir.write(base + "device", "0x0076\n");
      dir.write(base + "class", "0xff0000\n");
    }
  }
  Environment environment;
  environment.root = dir.path().string();
  environment.skip_nvml = true;
  const auto inventory = probe_machine(environment);
  const Device& tpu = device(inventory, "tpu0");
  CHECK(tpu.model == "TPU7x");
  CHECK(tpu.chips == 2);
  CHECK(tpu.catalog_id == "tpu-v7");
  CHECK(has_warning(inventory, "TPU7x at 0000:00:05.0: no /dev/vfio node"));
}

TEST_CASE("Laptop: RTX 4090 Laptop GPU from NVML, the Intel iGPU shares system memory", "[probe][nvml]")
{
  ::setenv("FAKE_NVML_CONFIG", (machine_root("laptop-4090") + "/nvml.conf").c_str(), 1);
  Environment environment = fixture_environment("laptop-4090");
  environment.skip_nvml = false;
  environment.nvml_library = LLM_HW_FAKE_NVML;
  const auto inventory = probe_machine(environment);
  const Device& gpu = device(inventory, "gpu0");
  CHECK(gpu.model == "NVIDIA GeForce RTX 4090 Laptop GPU");
  CHECK(gpu.memory_bytes == 16376ull * 1024 * 1024);
  CHECK(gpu.catalog_id == "rtx-4090-laptop");
  CHECK(*gpu.memory_bandwidth_bytes_s == Approx(9001e6 * 2 * 32)); // ≈ 576 GB/s, NVIDIA's figure
  CHECK(gpu.compute_capability == "8.9");
  const Device& igpu = device(inventory, "gpu1");
  CHECK(igpu.vendor == "Intel");
  CHECK(igpu.unified_memory);
  CHECK(igpu.memory_bytes == inventory.memory.total_bytes);
  CHECK(has_warning(inventory, "gpu1 has unified memory"));
  const Device& cpu = device(inventory, "cpu0");
  CHECK(cpu.cores == 24); // 8 P-cores + 16 E-cores (ark.intel.com i9-14900HX)
  CHECK(cpu.threads == 32);
  // Not in the catalog: a laptop part → 2 channels; AVX-VNNI → DDR5-4800
  CHECK(*cpu.memory_bandwidth_bytes_s == Approx(76.8e9));
  CHECK(cpu.field_sources.at("memory_bandwidth_bytes_s") == "estimated");
}

TEST_CASE("Graviton3: the Arm server is matched through DMI and the core's part number", "[probe]")
{
  const auto inventory = probe_machine(fixture_environment("graviton3"));
  REQUIRE(inventory.devices.size() == 1);
  const Device& cpu = device(inventory, "cpu0");
  CHECK(cpu.model == "ARM Neoverse-V1");
  CHECK(cpu.cores == 64);
  CHECK(cpu.threads == 64);
  CHECK(cpu.catalog_id == "graviton3");
  CHECK(cpu.isa == std::vector<std::string>{"neon", "asimdhp", "fphp", "asimddp", "sve", "i8mm", "bf16"});
  CHECK(*cpu.memory_bandwidth_bytes_s == Approx(307.2e9)); // 8 × DDR5-4800 × 8 B
  // Neoverse-V1: 4 × 128-bit FP pipes → 32 FP32 FLOPs/cycle; 64 cores × 2.6 GHz (catalog)
  CHECK(*cpu.peak_tflops.fp32 == Approx(32 * 64 * 2.6 / 1000));
  CHECK(*cpu.peak_tflops.bf16 == Approx(64 * 64 * 2.6 / 1000));
}

TEST_CASE("Broken sysfs: a PCI device without a vendor file, an unreadable VRAM file", "[probe]")
{
  const TempDir dir;
  fs::copy(machine_root("mi300x-2"), dir.path(), fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  fs::remove(dir.path() / "sys/bus/pci/devices/0000:46:00.0/vendor");
  // A directory where a file should be: reading it fails, as an unreadable file would.
  fs::remove(dir.path() / "sys/bus/pci/devices/0000:26:00.0/mem_info_vram_total");
  fs::create_directories(dir.path() / "sys/bus/pci/devices/0000:26:00.0/mem_info_vram_total");
  Environment environment;
  environment.root = dir.path().string();
  environment.skip_nvml = true;
  const auto inventory = probe_machine(environment);
  CHECK(has_warning(inventory, "PCI 0000:46:00.0: cannot read its vendor or device id; skipped"));
  REQUIRE(count_kind(inventory, llmhw::catalog::DeviceKind::gpu) == 1);
  const Device& gpu = device(inventory, "gpu0");
  CHECK(gpu.field_sources.at("memory_bytes") == "catalog"); // no VRAM file: the catalog's size
}

TEST_CASE("A root with no CPU information fails the probe", "[probe]")
{
  const TempDir dir;
  Environment environment;
  environment.root = dir.path().string();
  environment.skip_nvml = true;
  const auto inventory = llmhw::probe::detect(environment, probe_catalog());
  REQUIRE_FALSE(inventory);
}
