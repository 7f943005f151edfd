#pragma once
// Internal: which devices a process may use, from the variables the CUDA and
// ROCm runtimes read (CUDA_VISIBLE_DEVICES, ROCR_VISIBLE_DEVICES, HIP_VISIBLE_DEVICES).

#include <optional>
#include <string>
#include <vector>

namespace llmhw::probe::detail {

/// One device a runtime enumerates: its position and the UUIDs that name it
/// ("GPU-…" for the GPU, "MIG-…" for each of its MIG instances).
struct VisibleCandidate {
  std::string uuid; ///< may be empty when unknown
  std::vector<std::string> mig_uuids;
};

/// The selection a visibility list makes: for each chosen GPU, its position and, for a
/// MIG UUID, which instance. `stopped_at` names an entry the runtime would reject (the
/// CUDA runtime ignores it and everything after it).
struct Selection {
  struct Pick {
    std::size_t index = 0;
    std::optional<std::size_t> mig; ///< a single MIG instance; empty = the whole GPU (all instances)
  };
  std::vector<Pick> picks;
  std::optional<std::string> stopped_at;
};

/// Applies a visibility list ("0,2", "GPU-8ee5f1e0", "MIG-…", "" for none) to `candidates`.
/// UUIDs may be given as unique prefixes, as CUDA allows.
Selection select_visible(const std::string& list, const std::vector<VisibleCandidate>& candidates);

} // namespace llmhw::probe::detail
