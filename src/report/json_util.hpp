#pragma once
// Internal: optional values become JSON null; the one way documents are printed.

#include "llmhw/workload/workload.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace llmhw::report {

template <typename T> nlohmann::json optional_json(const std::optional<T>& value)
{
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

/// The workload as advice and fit documents give it: tokens, concurrency ("max" for offline) and service levels.
nlohmann::json workload_json(const workload::Workload& workload);

/// Pretty-printed, invalid UTF-8 replaced, one trailing newline.
std::string dump(const nlohmann::json& document);

} // namespace llmhw::report
