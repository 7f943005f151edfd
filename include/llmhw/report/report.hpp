#pragma once
// Reporters: each document as text (a terminal), JSON (tools) or markdown (CI
// summaries). Pure functions from values to a complete string.

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/probe/inventory.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace llmhw::report {

enum class Format { text, json, markdown };

struct Style {
  bool color = false;   ///< ANSI colour: only on a terminal, never with NO_COLOR
  int width = 100;      ///< terminal columns
  bool verbose = false; ///< every finding, assumption and source
};

nlohmann::json probe_json(const probe::Inventory& inventory);
nlohmann::json advice_json(const advice::Advice& advice);
/// `check --json`: the advice and `passed`, which agrees with check's exit code (check_passed).
nlohmann::json check_json(const advice::Advice& advice);
nlohmann::json models_json(const catalog::Catalog& catalog);
nlohmann::json targets_json(const catalog::Catalog& catalog);

std::string probe(const probe::Inventory& inventory, Format format, const Style& style);
std::string advice(const advice::Advice& advice, Format format, const Style& style);

/// `advise --format k8s`: Kubernetes manifests that run the recommendation, a Deployment on one host, a
/// LeaderWorkerSet across hosts (vLLM, SGLang). An Error when there is no recommendation, no command, or its engine
/// has no such deployment.
Result<std::string> kubernetes(const advice::Advice& advice);
/// `check`: the verdict and a line per requirement (estimate, limit, met or missed), then the advice.
std::string check(const advice::Advice& advice, Format format, const Style& style);

/// What `check` reports as PASS and exits 0 for: there is a recommendation, and
/// the first-ranked candidate is viable and meets every requirement.
bool check_passed(const advice::Advice& advice);
std::string models(const catalog::Catalog& catalog, Format format, const Style& style);
std::string targets(const catalog::Catalog& catalog, Format format, const Style& style);

} // namespace llmhw::report
