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

const std::vector<std::string>& compute_precisions()
{
  static const std::vector<std::string> precisions = {"fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"};
  return precisions;
}

std::optional<double> PeakTflops::get(const std::string& precision) const
{
  if (precision == "fp32") return fp32;
  if (precision == "tf32") return tf32;
  if (precision == "bf16") return bf16;
  if (precision == "fp16") return fp16;
  if (precision == "fp8") return fp8;
  if (precision == "int8") return int8;
  if (precision == "int4") return int4;
  if (precision == "fp4") return fp4;
  return std::nullopt;
}

} // namespace llmhw::catalog
