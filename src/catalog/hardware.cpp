#include "llmhw/catalog/hardware.hpp"

namespace llmhw::catalog {

std::string to_string(DeviceKind kind)
{
  switch (kind) {
  case DeviceKind::cpu: return "cpu";
  case DeviceKind::gpu: return "gpu";
  case DeviceKind::tpu: return "tpu";
  case DeviceKind::accelerator: return "accelerator";
  }
  return "unknown";
}

std::optional<DeviceKind> device_kind_from_string(const std::string& text)
{
  for (const DeviceKind kind : {DeviceKind::cpu, DeviceKind::gpu, DeviceKind::tpu, DeviceKind::accelerator}) {
    if (to_string(kind) == text) {
      return kind;
    }
  }
  return std::nullopt;
}

const std::vector<std::string>& interconnect_kinds()
{
  static const std::vector<std::string> kinds = {"none",   "pcie3",  "pcie4",  "pcie5",           "pcie6",
                                                 "nvlink1", "nvlink2", "nvlink3", "nvlink4",        "nvlink5",
                                                 "ici",    "xgmi",   "roce",   "infinity-fabric", "xe-link"};
  return kinds;
}

const std::vector<std::string>& host_network_kinds()
{
  static const std::vector<std::string> kinds = {"efa", "infiniband", "roce", "ethernet", "ici", "nvlink"};
  return kinds;
}

const std::vector<std::string>& compute_precisions()
{
  static const std::vector<std::string> precisions = {"fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"};
  return precisions;
}

namespace {

/// The member that holds `precision`'s figure, or null; `Peak` is PeakTflops, const or not.
template <typename Peak>
auto* field_of(Peak& peak, const std::string& precision)
{
  decltype(&peak.fp32) field = nullptr;
  if (precision == "fp32") field = &peak.fp32;
  if (precision == "tf32") field = &peak.tf32;
  if (precision == "bf16") field = &peak.bf16;
  if (precision == "fp16") field = &peak.fp16;
  if (precision == "fp8") field = &peak.fp8;
  if (precision == "int8") field = &peak.int8;
  if (precision == "int4") field = &peak.int4;
  if (precision == "fp4") field = &peak.fp4;
  return field;
}

} // namespace

std::optional<double> PeakTflops::get(const std::string& precision) const
{
  const auto* field = field_of(*this, precision);
  return field != nullptr ? *field : std::nullopt;
}

void PeakTflops::set(const std::string& precision, std::optional<double> tflops)
{
  if (auto* field = field_of(*this, precision)) {
    *field = tflops;
  }
}

} // namespace llmhw::catalog
