#include "registry.hpp"

#include <array>

namespace llmhw::rules::detail {

std::span<const Rule> registry()
{
  static constexpr std::array rules = {
      Rule{"engine-runs-on-device", engine_runs_on_device},
      Rule{"engine-runs-model-format", engine_runs_model_format},
      Rule{"architecture-served", architecture_served},
      Rule{"tensor-parallel-heads", tensor_parallel_heads},
      Rule{"precision-native", precision_native},
      Rule{"kv-precision-supported", kv_precision_supported},
      Rule{"quantized-weights", quantized_weights},
      Rule{"engine-backend-limits", engine_backend_limits},
      Rule{"native-architecture-quant", native_architecture_quant},
      Rule{"artifact-available", artifact_available},
      Rule{"fits-in-memory", fits_in_memory},
      Rule{"context-within-model", context_within_model},
      Rule{"concurrency-fits", concurrency_fits},
      Rule{"headroom", headroom},
      Rule{"partial-offload", partial_offload},
      Rule{"offload-host-memory", offload_host_memory},
      Rule{"service-levels", service_levels},
      Rule{"spans-hosts", spans_hosts},
      Rule{"device-count", device_count},
      Rule{"tensor-parallel-over-pcie", tensor_parallel_over_pcie},
      Rule{"mig-slice", mig_slice},
      Rule{"consumer-gpu-many-users", consumer_gpu_many_users},
      Rule{"engine-for-many-users", engine_for_many_users},
      Rule{"engine-status", engine_status},
      Rule{"engine-preference", engine_preference},
      Rule{"not-sensible", not_sensible},
      Rule{"unknown-figures", unknown_figures},
      Rule{"cpu-suffices", cpu_suffices}, // last: it reads the requirements the rules above set
  };
  return rules;
}

std::optional<int> capability_number(const std::string& text)
{
  const auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= text.size() || text.size() > 6) {
    return std::nullopt;
  }
  int major = 0;
  int minor = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == dot) {
      continue;
    }
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    int& part = i < dot ? major : minor;
    part = part * 10 + (text[i] - '0');
  }
  return major * 10 + minor;
}

} // namespace llmhw::rules::detail
