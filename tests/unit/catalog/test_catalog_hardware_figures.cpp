// Key catalog figures checked against the datasheets they come from, and the
// names and PCI ids that real GPUs report (captured by third parties) matched
// to their catalog entries, as the probe will match them.

#include "llmhw/catalog/catalog.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using llmhw::catalog::Catalog;
using llmhw::catalog::HardwareSpec;

using llmhw::test::builtin_catalog;

namespace {

const HardwareSpec& device(const std::string& id)
{
  const HardwareSpec* spec = builtin_catalog().find_hardware(id);
  REQUIRE(spec != nullptr);
  REQUIRE(spec->id == id);
  return *spec;
}

constexpr double k_mib = 1024.0 * 1024;
constexpr double k_gib = 1024.0 * k_mib;

struct Figure {
  const char* id;
  const char* field; ///< "memory_bytes", "bandwidth" or a precision
  double expected;
};

double field(const HardwareSpec& spec, const std::string& name)
{
  if (name == "memory_bytes") {
    return static_cast<double>(spec.memory_bytes);
  }
  if (name == "bandwidth") {
    return spec.memory_bandwidth_bytes_s;
  }
  return spec.peak_tflops.get(name).value_or(-1);
}

} // namespace

TEST_CASE("key datasheet figures", "[catalog][hardware]")
{
  const auto figure = GENERATE(values<Figure>({
      // NVIDIA H100 datasheet, SXM: BF16 1,979 and FP8 3,958 TFLOPS with sparsity; 3.35 TB/s.
      {"h100-sxm", "bf16", 989.4},
      {"h100-sxm", "fp8", 1978.9},
      {"h100-sxm", "bandwidth", 3.35e12},
      // nvidia-smi on a real H100 SXM5: FB Memory Usage Total 81559 MiB (gls H100SXMx8 -q dump).
      {"h100-sxm", "memory_bytes", 81559 * k_mib},
      // nvidia-smi on a real H200: 143771 MiB (gls H200 dump); H200 datasheet: 4.8 TB/s.
      {"h200-sxm", "memory_bytes", 143771 * k_mib},
      {"h200-sxm", "bandwidth", 4.8e12},
      // NVIDIA A100 datasheet: 80GB SXM 2,039 GB/s; BF16 312 TFLOPS dense (624 sparse).
      {"a100-sxm4-80gb", "bandwidth", 2.039e12},
      {"a100-sxm4-80gb", "bf16", 312},
      // NVIDIA L4 datasheet: FP8 485 and BF16 242 TFLOPS with sparsity, 300 GB/s.
      {"l4", "fp8", 242.5},
      {"l4", "bf16", 121},
      {"l4", "bandwidth", 300e9},
      // NVIDIA Ada whitepaper, RTX 4090: 165.2 TFLOPS FP16 tensor with FP32 accumulate, 330.3 FP8; 1,008 GB/s.
      {"rtx-4090", "bf16", 165.2},
      {"rtx-4090", "fp8", 330.3},
      {"rtx-4090", "bandwidth", 1008e9},
      // NVIDIA GA102 whitepaper, RTX 3090: 71 TFLOPS FP16 tensor with FP32 accumulate; 936 GB/s.
      {"rtx-3090", "bf16", 71},
      {"rtx-3090", "bandwidth", 936e9},
      // NVIDIA DGX B200 datasheet: 72 PFLOPS FP8 and 144 PFLOPS FP4 with sparsity for 8 GPUs; 8 TB/s per GPU.
      {"b200", "fp8", 4500},
      {"b200", "fp4", 9000},
      // AMD Instinct MI300X datasheet: 1,307.4 TFLOPS BF16 and 2,614.9 FP8 dense; 192 GB HBM3 at 5.3 TB/s.
      {"mi300x", "bf16", 1307.4},
      {"mi300x", "fp8", 2614.9},
      {"mi300x", "memory_bytes", 192 * k_gib},
      {"mi300x", "bandwidth", 5.3e12},
      // Google Cloud TPU docs: v5e 197 TFLOPS bf16, 819 GBps; v6e 918 TFLOPS, 1,638 GBps; v5p 459, 2,765 GBps.
      {"tpu-v5e", "bf16", 197},
      {"tpu-v5e", "bandwidth", 819e9},
      {"tpu-v6e", "bf16", 918},
      {"tpu-v6e", "bandwidth", 1.638e12},
      {"tpu-v5p", "bf16", 459},
      {"tpu-v5p", "bandwidth", 2.765e12},
      // Intel Gaudi 3 white paper: 1,835 TFLOPS BF16 (MME), 128 GB HBM2e at 3.7 TB/s.
      {"gaudi3", "bf16", 1835},
      {"gaudi3", "bandwidth", 3.7e12},
      // Apple M2 Ultra press release: 800 GB/s, 76-core GPU 27.2 TFLOPS; M1 Max: 400 GB/s, 10.4 TFLOPS.
      {"apple-m2-ultra-76c", "bandwidth", 800e9},
      {"apple-m2-ultra-76c", "fp32", 27.2},
      {"apple-m1-max-32c", "bandwidth", 400e9},
      // DGX Spark: 128 GB LPDDR5x at 273 GB/s.
      {"gb10", "bandwidth", 273e9},
      {"gb10", "memory_bytes", 128 * k_gib},
      // AMD EPYC 9654: 12 channels of DDR5-4800 = 460.8 GB/s; Intel Xeon 8480+: 8 of DDR5-4800 = 307.2 GB/s.
      {"epyc-9654", "bandwidth", 460.8e9},
      {"xeon-platinum-8480", "bandwidth", 307.2e9},
      // NVIDIA T4 datasheet: 65 TFLOPS FP16, 130 TOPS INT8, 320 GB/s.
      {"t4", "fp16", 65},
      {"t4", "int8", 130},
  }));
  INFO(figure.id << " " << figure.field);
  CHECK(field(device(figure.id), figure.field) == Approx(figure.expected).epsilon(0.001));
}

TEST_CASE("precisions that a generation lacks are absent", "[catalog][hardware]")
{
  // Volta and Turing have no BF16 tensor path; Ampere has no FP8; Hopper has no FP4 (CUDA programming guide).
  CHECK_FALSE(device("v100-sxm2-16gb").peak_tflops.bf16.has_value());
  CHECK_FALSE(device("t4").peak_tflops.bf16.has_value());
  CHECK_FALSE(device("a100-sxm4-80gb").peak_tflops.fp8.has_value());
  CHECK_FALSE(device("h100-sxm").peak_tflops.fp4.has_value());
  CHECK(device("b200").peak_tflops.fp4.has_value());
}

TEST_CASE("TPU slices count chips the way Google names them", "[catalog][hardware]")
{
  // v5e and v6e slice names count chips; v4 and v5p names count TensorCores, two per chip
  // (docs.cloud.google.com/tpu/docs/v5p-training: "2x2x1 | 8 cores | 4 chips").
  const auto chips = [](const std::string& id) {
    const auto* system = builtin_catalog().find_system(id);
    REQUIRE(system != nullptr);
    return system->count;
  };
  CHECK(chips("tpu-v5e-8") == 8);
  CHECK(chips("tpu-v6e-4") == 4);
  CHECK(chips("tpu-v5p-8") == 4);
  CHECK(chips("tpu-v4-8") == 4);
}

namespace {

/// A GPU as a real tool reported it: the name and PCI id, and the catalog entry they must find.
struct Capture {
  const char* name;   ///< exactly as nvidia-smi, NVML, rocm-smi or hwloc wrote it; "" when the capture has none
  const char* pci_id; ///< vendor:device, lower case; "" when the capture has none
  const char* id;     ///< the catalog entry
};

} // namespace

TEST_CASE("names and PCI ids from real captures find their catalog entries", "[catalog][hardware]")
{
  const auto capture = GENERATE(values<Capture>({
      // shared/fixtures/device-dumps/nvidia-smi-text: "Product Name" and "Device Id" of each -q dump (thamada/gls).
      {"NVIDIA A100-SXM4-80GB", "10de:20b2", "a100-sxm4-80gb"},
      {"NVIDIA A10", "10de:2236", "a10"},
      {"NVIDIA A40", "10de:2235", "a40"},
      {"NVIDIA GH200 480GB", "10de:2342", "gh200-480gb"},
      {"NVIDIA GeForce GTX 1050 Ti", "10de:1c82", "gtx-1050-ti"},
      {"NVIDIA GeForce GTX 680", "10de:1180", "gtx-680"},
      {"NVIDIA H100 NVL", "10de:2321", "h100-nvl"},
      {"NVIDIA H100 80GB HBM3", "10de:2330", "h100-sxm"},
      {"NVIDIA H200", "10de:2335", "h200-sxm"},
      {"NVIDIA L40S", "10de:26b9", "l40s"},
      {"NVIDIA L4", "10de:27b8", "l4"},
      {"NVIDIA RTX 2000 Ada Generation", "10de:28b0", "rtx-2000-ada"},
      {"NVIDIA GeForce RTX 3070", "10de:2484", "rtx-3070"},
      {"NVIDIA GeForce RTX 3080", "10de:2216", "rtx-3080-10gb"},
      {"NVIDIA GeForce RTX 3090", "10de:2204", "rtx-3090"},
      {"NVIDIA RTX 4000 Ada Generation", "10de:27b2", "rtx-4000-ada"},
      {"NVIDIA GeForce RTX 4060 Ti", "10de:2803", "rtx-4060-ti-16gb"},
      {"NVIDIA GeForce RTX 4090", "10de:2684", "rtx-4090"},
      {"NVIDIA GeForce RTX 5090", "10de:2b85", "rtx-5090"},
      {"NVIDIA RTX 6000 Ada Generation", "10de:26b1", "rtx-6000-ada"},
      {"NVIDIA RTX A6000", "10de:2230", "rtx-a6000"},
      {"Tesla V100-SXM2-16GB", "10de:1db1", "v100-sxm2-16gb"},
      // The rocm-smi dumps there: "Card series" and device id 0x74a1.
      {"AMD Instinct MI300X OAM", "1002:74a1", "mi300x"},
      // shared/fixtures/device-dumps/nvidia-smi-xml (netdata testdata): product_name and pci_device_id.
      {"NVIDIA A100-SXM4-40GB", "10de:20b0", "a100-sxm4-40gb"},
      {"NVIDIA GeForce RTX 3060 Laptop GPU", "10de:2520", "rtx-3060-laptop"},
      {"NVIDIA RTX PRO 6000 Blackwell", "", "rtx-pro-6000"},
      {"Tesla P100-PCIE-16GB", "10de:15f8", "p100-pcie-16gb"},
      // shared/fixtures/hwloc-xml: GPUModel info and the PCI device's pci_type.
      {"Tesla V100-SXM3-32GB-H", "10de:1db8", "v100-sxm3-32gb"}, // nvidiaDGX2.xml
      {"Tesla P100-SXM2-16GB", "10de:15f9", "p100-sxm2-16gb"},   // power8gpudistances.xml
      {"Tesla K40m", "", "k40m"},                                // 32em64t-2n8c2t-pci-wholeio.xml
      {"Tesla T4", "10de:1eb8", "t4"},                           // g4dnmetal.xml
      {"NVIDIA H100 80GB HBM3", "10de:2330", "h100-sxm"},        // ipa20.xml
      {"GeForce GTX 1070", "10de:1b81", "gtx-1070"},             // chimera.xml
      {"Vega 10 XTX [Radeon Vega Frontier Edition]", "1002:6863", "radeon-vega-frontier"}, // chimera.xml
      {"Vega 10 [Radeon Instinct MI25]", "1002:6860", "mi25"},                             // corona11.xml
      {"AMD INSTINCT MI200 (MCM) OAM LC MBA HPE C2", "1002:7408", "mi250x-gcd"},           // eas-tioga.xml
      {"Aqua Vanjaram [Instinct MI300A]", "1002:74a0", "mi300a"},                          // tuo.SPX.xml
      {"", "1002:66a1", "mi50-32gb"}, // epyc-corona-p2.xml: RSMI truncates the name to "deon Instinct MI50 32GB"
      // shared/fixtures/device-dumps/sysfs-amdgpu-intel-lact and amd-misc (LACT snapshots).
      {"AMD Radeon RX 7900 XTX", "1002:744c", "rx-7900-xtx"},
      {"", "10de:2704", "rtx-4080"},
      // shared/fixtures/device-dumps/tpu: the v5litepod-1 VM's TPU function.
      {"", "1ae0:0063", "tpu-v5e"},
  }));
  INFO(capture.name << " " << capture.pci_id);
  if (*capture.name != '\0') {
    const HardwareSpec* by_name = builtin_catalog().find_hardware(capture.name);
    REQUIRE(by_name != nullptr);
    CHECK(by_name->id == capture.id);
  }
  if (*capture.pci_id != '\0') {
    const HardwareSpec* by_pci = builtin_catalog().find_hardware_by_pci(capture.pci_id);
    REQUIRE(by_pci != nullptr);
    CHECK(by_pci->id == capture.id);
  }
}

TEST_CASE("PCI ids of other parts find nothing", "[catalog][hardware]")
{
  // 32em64t-2n8c2t-pci-wholeio.xml pairs "Tesla K40m" with PCI 10de:1094, which pci.ids names Tesla M2075:
  // a match must come from the name there, not the id. 1ae0:0042 is the gVNIC on every TPU VM.
  CHECK(builtin_catalog().find_hardware_by_pci("10de:1094") == nullptr);
  CHECK(builtin_catalog().find_hardware_by_pci("1ae0:0042") == nullptr);
}
