#pragma once
// Internal: reads of the machine's files, always under the environment's root.

#include <cstdint>
#include <optional>
#include <string>

namespace llmhw::probe::detail {

/// `root` + `path` ("/proc/meminfo"), without doubling the slash.
std::string under_root(const std::string& root, const std::string& path);

/// The whole file (at most 1 MiB), or nothing when it cannot be read.
std::optional<std::string> read_file(const std::string& root, const std::string& path);

} // namespace llmhw::probe::detail
