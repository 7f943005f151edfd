#pragma once
// Internal: reads of the machine's files, always under the environment's root.
// Every read is bounded and none blocks: sysfs, procfs and /dev entries only.

#include "llmhw/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::probe::detail {

/// `root` + `path` ("/proc/meminfo"), without doubling the slash.
std::string under_root(const std::string& root, const std::string& path);

/// The whole file (at most 1 MiB), or nothing when it cannot be read.
std::optional<std::string> read_file(const std::string& root, const std::string& path);

/// The file's first line without surrounding white space ("0x10de\n" → "0x10de").
std::optional<std::string> read_line(const std::string& root, const std::string& path);

/// A decimal unsigned integer file ("4294967296\n"); nothing when absent or malformed.
std::optional<std::uint64_t> read_uint(const std::string& root, const std::string& path);

/// A hexadecimal id file ("0x10de\n" → "10de", lower case, four digits at least).
std::optional<std::string> read_hex_id(const std::string& root, const std::string& path);

/// Names in a directory, sorted; an Error saying why it cannot be listed.
Result<std::vector<std::string>> try_list_dir(const std::string& root, const std::string& path);

/// Names in a directory, sorted; empty when it cannot be listed.
std::vector<std::string> list_dir(const std::string& root, const std::string& path);

/// Whether the path exists (file, directory or link).
bool exists(const std::string& root, const std::string& path);

/// The last component a symbolic link points to ("../../../0000:18:00.0" → "0000:18:00.0").
std::optional<std::string> link_target_name(const std::string& root, const std::string& path);

/// "key: value" lines (/proc/cpuinfo, /proc/meminfo) → value of the first line with `key`.
std::optional<std::string> field_value(const std::string& text, const std::string& key, char separator = ':');

} // namespace llmhw::probe::detail
