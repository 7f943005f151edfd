#pragma once
// Internal: the consistency checks every reader of a model's shape applies (config.json,
// GGUF metadata, shapes inferred from safetensors), so that one file format does not
// accept what another refuses. Each returns the problem, worded to follow the field's
// name ("5 does not divide …"), or nothing.

#include <cstdint>
#include <optional>
#include <string>

namespace llmhw::model::detail {

/// `kv_heads` key/value heads must split the `heads` query heads into equal groups (GQA).
std::optional<std::string> kv_group_problem(std::uint64_t kv_heads, std::uint64_t heads);

/// Without an explicit head_dim, the hidden size must split into `heads` equal heads.
std::optional<std::string> head_split_problem(std::uint64_t hidden, std::uint64_t heads);

} // namespace llmhw::model::detail
