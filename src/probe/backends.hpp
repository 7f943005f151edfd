#pragma once
// Internal: the probe's backends, each one file, called in order by detect().

#include "llmhw/probe/probe.hpp"

#include <optional>
#include <string>

namespace llmhw::probe::detail {

std::optional<SystemMemory> read_meminfo(const std::string& root);

/// The CPU (all sockets as one device) from hwloc, or an error when hwloc
/// cannot build a topology.
Result<Device> detect_cpu(const Environment& environment);

} // namespace llmhw::probe::detail
