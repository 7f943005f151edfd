#pragma once
// Internal: a --topology file is checked before the probe hands it to hwloc.

#include "llmhw/util/result.hpp"

#include <chrono>
#include <string>

namespace llmhw::probe::detail {

/// The most bytes a --topology file may hold. Real exports are far smaller:
/// a 384-PU SGI UV 2000 with its distance matrix is 320 KiB.
inline constexpr std::uint64_t k_max_topology_xml_bytes = 64ULL << 20;

/// Loads the hwloc XML at `path` in a child process first, so a file that
/// crashes or hangs hwloc's importer becomes an Error instead of killing
/// llm-hw. hwloc 2.9.0 (Debian 12) dereferences NULL on a PU object that has a
/// cpuset but no complete_cpuset; fuzz_topology found it in its first minute.
/// Fails on a file that cannot be read, is larger than
/// k_max_topology_xml_bytes, or does not load within `limit`.
Status check_hwloc_xml(const std::string& path, std::chrono::milliseconds limit = std::chrono::seconds(2));

} // namespace llmhw::probe::detail
