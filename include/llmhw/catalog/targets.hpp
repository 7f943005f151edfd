#pragma once
// What `--target [Nx]ID` names: a catalog device or system, and how many of it.
// "8xh100-sxm" is eight H100 SXM; "aws-p5.48xlarge" is one instance of eight;
// "2xdgx-h100" is two DGX boxes, sixteen GPUs on two hosts.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/result.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::catalog {

/// The most devices one target may name: more is a typo, not a deployment.
inline constexpr std::uint32_t k_max_target_devices = 100000;

/// A resolved target. Copies of the catalog entries, so it outlives the catalog.
struct TargetRef {
  std::string id;                           ///< canonical: "h100-sxm", "8xh100-sxm", "aws-p5.48xlarge", "2xdgx-h100"
  HardwareSpec device;                      ///< the accelerator (or CPU) the target is made of
  std::optional<SystemSpec> system;         ///< the slice, instance or box, when the text named one
  std::uint32_t instances = 1;              ///< how many of the system; 1 for a bare device
  std::uint32_t device_count = 1;           ///< devices in all: the count, or instances × system count
  std::optional<std::uint32_t> nodes;       ///< hosts, where the system says; empty for bare devices
  std::optional<double> price_usd_per_hour; ///< instances × the system's on-demand price; empty when unknown
};

/// Resolves one --target value: an id, alias or vendor name ("NVIDIA GeForce RTX 4090", "A100-SXM4-80GB", "4090",
/// "7900 xtx"), or a family with one member ("aws-p5", "p4d", "a100 pcie 40gb"), optionally prefixed by a count ("8x",
/// "8×", "8*"). An Error names the text and says why: unknown (with the nearest name, from the same family where
/// there is one), several matches (a family of variants such as "a100": the ids to choose from), a count of 0 or
/// above k_max_target_devices, or "all" (see resolve_targets).
Result<TargetRef> resolve_target(const Catalog& catalog, std::string_view text);

/// Every catalog target once, one of each: GPUs, TPUs and other accelerators, then CPUs, then systems, each group
/// in catalog order (data/hardware.json lists vendors and generations together).
std::vector<TargetRef> all_targets(const Catalog& catalog);

/// Resolves --target values in order; "all" expands to all_targets(). A target named twice is kept once.
Result<std::vector<TargetRef>> resolve_targets(const Catalog& catalog, std::span<const std::string> texts);

} // namespace llmhw::catalog
