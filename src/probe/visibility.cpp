// CUDA_VISIBLE_DEVICES semantics (CUDA C Programming Guide, "CUDA Environment
// Variables"): a comma-separated list of indices or UUIDs (GPU-…, MIG-…, or a unique
// prefix); an invalid entry hides itself and every entry after it; an empty list hides
// all devices. ROCR_VISIBLE_DEVICES and HIP_VISIBLE_DEVICES follow the same rules.
#include "visibility.hpp"

#include "llmhw/util/text.hpp"

#include <algorithm>
#include <charconv>

namespace llmhw::probe::detail {
namespace {

bool matches(const std::string& uuid, const std::string& entry)
{
  return !uuid.empty() && entry.size() >= 5 && uuid.starts_with(entry);
}

} // namespace

Selection select_visible(const std::string& list, const std::vector<VisibleCandidate>& candidates)
{
  Selection selection;
  for (const std::string& raw : util::split(list, ',')) {
    const std::string entry(util::trim(raw));
    if (entry.empty() && list.find(',') == std::string::npos) {
      break; // CUDA_VISIBLE_DEVICES="": nothing visible
    }
    std::optional<Selection::Pick> pick;
    std::size_t index = 0;
    const auto [end, error] = std::from_chars(entry.data(), entry.data() + entry.size(), index);
    if (error == std::errc{} && end == entry.data() + entry.size()) {
      if (index < candidates.size()) {
        pick = Selection::Pick{index, std::nullopt};
      }
    } else if (entry.starts_with("MIG-")) {
      for (std::size_t gpu = 0; gpu < candidates.size() && !pick; ++gpu) {
        const auto& migs = candidates[gpu].mig_uuids;
        for (std::size_t mig = 0; mig < migs.size(); ++mig) {
          if (matches(migs[mig], entry)) {
            pick = Selection::Pick{gpu, mig};
            break;
          }
        }
      }
    } else {
      for (std::size_t gpu = 0; gpu < candidates.size(); ++gpu) {
        if (matches(candidates[gpu].uuid, entry)) {
          pick = Selection::Pick{gpu, std::nullopt};
          break;
        }
      }
    }
    const bool repeated = pick && std::any_of(selection.picks.begin(), selection.picks.end(), [&](const auto& p) {
                            return p.index == pick->index && p.mig == pick->mig;
                          });
    if (!pick || repeated) {
      selection.stopped_at = entry;
      break;
    }
    selection.picks.push_back(*pick);
  }
  return selection;
}

} // namespace llmhw::probe::detail
