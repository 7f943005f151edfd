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

Result<Calibration> parse_calibration(const nlohmann::json& document, const std::string& input)
{
  auto root = util::root_object(document, input);
  if (!root) {
    return root.error();
  }
  Calibration calibration;
  try {
    root->reject_unknown_keys({"$schema", "source", "method", "factors"});
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
