// Efficiency factors: the device classes and the lookup of data/calibration.json.

#include "llmhw/estimate/calibration.hpp"

#include "llmhw/catalog/embedded.hpp"
#include "llmhw/util/json_fields.hpp"
#include "llmhw/util/text.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace llmhw::estimate {
namespace {

bool contains(const std::string& text, std::string_view word)
{
  return text.find(word) != std::string::npos;
}

/// Score of a row for a lookup: -1 when a key does not match; otherwise
/// higher for more specific rows (engine 8, architecture 5, device class 4, quant id 2, quant family 1).
int match_score(const EfficiencyFactors& row, const std::string& engine, const std::string& device_class,
                const std::string& class_and_architecture, const std::string& quant, const std::string& quant_family)
{
  int score = 0;
  if (row.engine == engine) {
    score += 8;
  } else if (row.engine != "*") {
    return -1;
  }
  if (!class_and_architecture.empty() && row.device_class == class_and_architecture) {
    score += 5;
  } else if (row.device_class == device_class) {
    score += 4;
  } else if (row.device_class != "*") {
    return -1;
  }
  if (row.quant == quant) {
    score += 2;
  } else if (row.quant == quant_family) {
    score += 1;
  } else if (row.quant != "*") {
    return -1;
  }
  return score;
}

} // namespace

std::string to_string(DeviceClass device_class)
{
  switch (device_class) {
  case DeviceClass::datacenter_gpu: return "datacenter-gpu";
  case DeviceClass::workstation_gpu: return "workstation-gpu";
  case DeviceClass::consumer_gpu: return "consumer-gpu";
  case DeviceClass::amd_gpu: return "amd-gpu";
  case DeviceClass::apple: return "apple";
  case DeviceClass::cpu: return "cpu";
  case DeviceClass::tpu: return "tpu";
  case DeviceClass::accelerator: return "accelerator";
  }
  return "accelerator";
}

DeviceClass classify(const catalog::HardwareSpec& hardware)
{
  using catalog::DeviceKind;
  const std::string vendor = util::to_lower(hardware.vendor);
  const std::string name = util::to_lower(hardware.name);
  if (hardware.kind == DeviceKind::cpu) {
    return DeviceClass::cpu;
  }
  if (hardware.kind == DeviceKind::tpu) {
    return DeviceClass::tpu;
  }
  if (vendor == "apple") {
    return DeviceClass::apple;
  }
  if (hardware.kind == DeviceKind::accelerator) {
    return DeviceClass::accelerator;
  }
  if (vendor == "amd") {
    return DeviceClass::amd_gpu;
  }
  if (vendor == "nvidia") {
    // GeForce and TITAN cards are consumer parts; RTX/Quadro workstation cards
    // share their GDDR memory systems but not their drivers' clocks.
    if (contains(name, "geforce") || contains(name, "titan")) {
      return DeviceClass::consumer_gpu;
    }
    if (contains(name, "rtx") || contains(name, "quadro")) {
      return DeviceClass::workstation_gpu;
    }
    return DeviceClass::datacenter_gpu;
  }
  return DeviceClass::accelerator; // Intel GPUs and anything else: no measurements of their own
}

EfficiencyFactors Calibration::find(const std::string& engine, DeviceClass device_class,
                                    const std::string& architecture, const std::string& quant,
                                    const std::string& quant_family) const
{
  const std::string klass = to_string(device_class);
  // "datacenter-gpu/hopper", built once for every row to compare with; empty when the architecture is unknown.
  const std::string class_and_architecture = architecture.empty() ? std::string() : klass + "/" + architecture;
  const EfficiencyFactors* best = nullptr;
  int best_score = -1;
  for (const EfficiencyFactors& row : factors) {
    const int score = match_score(row, engine, klass, class_and_architecture, quant, quant_family);
    if (score > best_score) {
      best = &row;
      best_score = score;
    }
  }
  return best != nullptr ? *best : EfficiencyFactors{};
}

const CpuKernel* Calibration::find_cpu_kernel(const std::string& engine, const std::string& op,
                                              const std::string& quant, const std::vector<std::string>& isa) const
{
  const auto has = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const CpuKernel& kernel : cpu_kernels) {
    const bool isa_matches = kernel.isa.empty() || std::any_of(kernel.isa.begin(), kernel.isa.end(),
                                                               [&](const std::string& flag) { return has(isa, flag); });
    if (kernel.engine == engine && kernel.op == op && (kernel.quants.empty() || has(kernel.quants, quant)) &&
        isa_matches) {
      return &kernel;
    }
  }
  return nullptr;
}

namespace {

CpuKernel parse_cpu_kernel(const util::JsonObject& object)
{
  object.reject_unknown_keys({"engine", "op", "quants", "isa", "unit", "share", "repacked_share", "source"});
  CpuKernel kernel;
  kernel.engine = object.string("engine");
  kernel.op = object.optional_string("op").value_or("matmul");
  if (kernel.op != "matmul" && kernel.op != "attention") {
    object.fail("op", "expected \"matmul\" or \"attention\"");
  }
  kernel.quants = object.strings("quants");
  kernel.isa = object.strings("isa");
  kernel.unit = object.string("unit");
  static const std::vector<std::string> units{"fp32", "bf16_vector", "int8_vector", "amx_bf16", "amx_int8"};
  if (std::find(units.begin(), units.end(), kernel.unit) == units.end()) {
    object.fail("unit", "expected one of fp32, bf16_vector, int8_vector, amx_bf16, amx_int8");
  }
  kernel.share = object.optional_number("share").value_or(1.0);
  if (kernel.share <= 0 || kernel.share > 1) {
    object.fail("share", "expected a share in (0, 1]");
  }
  kernel.repacked_share = object.optional_number("repacked_share").value_or(0.0);
  // The repacked layout may be larger than the file's (llama.cpp's AMX buffer: 1.3-1.5 times).
  if (kernel.repacked_share < 0 || kernel.repacked_share > 2) {
    object.fail("repacked_share", "expected a ratio in [0, 2]");
  }
  kernel.source = object.string("source");
  return kernel;
}

} // namespace

Result<Calibration> parse_calibration(const nlohmann::json& document, const std::string& input)
{
  auto root = util::root_object(document, input);
  if (!root) {
    return root.error();
  }
  Calibration calibration;
  try {
    root->reject_unknown_keys({"$schema", "source", "method", "factors", "cpu_kernels"});
    for (const util::JsonObject& object : root->objects("cpu_kernels")) {
      calibration.cpu_kernels.push_back(parse_cpu_kernel(object));
    }
    for (const util::JsonObject& object : root->objects("factors")) {
      object.reject_unknown_keys({"engine", "device_class", "quant", "decode_bandwidth", "prefill_compute",
                                  "step_overhead_us_per_layer", "source", "fit"});
      EfficiencyFactors row;
      row.engine = object.string("engine");
      row.device_class = object.string("device_class");
      row.quant = object.optional_string("quant").value_or("*");
      row.decode_bandwidth = object.number("decode_bandwidth");
      row.prefill_compute = object.number("prefill_compute");
      row.step_overhead_us_per_layer = object.optional_number("step_overhead_us_per_layer").value_or(0.0);
      row.source = object.string("source");
      // A share above 1 would put an estimate over the device's roofline.
      if (row.decode_bandwidth <= 0 || row.decode_bandwidth > 1) {
        object.fail("decode_bandwidth", "expected a share in (0, 1]");
      }
      if (row.prefill_compute <= 0 || row.prefill_compute > 1) {
        object.fail("prefill_compute", "expected a share in (0, 1]");
      }
      if (row.step_overhead_us_per_layer < 0) {
        object.fail("step_overhead_us_per_layer", "expected a non-negative number");
      }
      calibration.factors.push_back(std::move(row));
    }
  } catch (const InputError& error) {
    return error.error;
  }
  return calibration;
}

const Calibration& builtin_calibration()
{
  static const Calibration calibration = [] {
    const auto files = catalog::embedded_files();
    const auto file = std::find_if(files.begin(), files.end(),
                                   [](const catalog::EmbeddedFile& f) { return f.name == "calibration.json"; });
    if (file == files.end()) {
      return Calibration{};
    }
    auto document = util::parse_json(file->content, "built-in data/calibration.json");
    auto parsed = document ? parse_calibration(*document, "built-in data/calibration.json")
                           : Result<Calibration>(document.error());
    if (!parsed) {
      // Built-in data is checked by the tests; reaching this is a build defect.
      std::fprintf(stderr, "llm-hw: internal error: %s\n", parsed.error().message().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return calibration;
}

} // namespace llmhw::estimate
