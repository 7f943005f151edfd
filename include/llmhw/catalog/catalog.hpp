#pragma once
// The catalog: every fact llm-hw knows, from data/*.json compiled into the
// binary, merged with the user's files (--catalog FILE, $LLM_HW_CATALOG_DIR).
// A user entry with the id of a built-in one replaces it.

#include "llmhw/catalog/artifacts.hpp"
#include "llmhw/catalog/engines.hpp"
#include "llmhw/catalog/hardware.hpp"
#include "llmhw/util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::catalog {

/// A model as the catalog knows it. `config` holds the fields of the model's
/// published config.json verbatim; model::load parses it like any HF config.
struct ModelEntry {
  std::string id;                        ///< "llama-3.1-8b"
  std::string name;                      ///< "Llama 3.1 8B Instruct"
  std::optional<std::string> hf_repo;    ///< "meta-llama/Llama-3.1-8B-Instruct"
  std::optional<std::string> ollama;     ///< "llama3.1:8b"
  std::vector<std::string> aliases;
  std::string family;                    ///< "llama", "qwen3-moe", "deepseek-v3", …
  std::uint64_t params = 0;              ///< published total parameter count
  std::uint64_t active_params = 0;       ///< published active parameters (= params unless MoE)
  std::string native_quant = "bf16";     ///< precision of the published weights
  nlohmann::json config;                 ///< the config.json fields
  std::string source;                    ///< the repository the config comes from
  std::string defined_in;                ///< the catalog file that defined it, for error messages
};

struct Catalog {
  std::vector<HardwareSpec> hardware;
  std::vector<SystemSpec> systems;
  std::vector<ModelEntry> models;
  std::vector<EngineSpec> engines;
  std::vector<QuantFormat> quants;
  std::vector<WorkloadPreset> workloads;
  std::vector<Artifact> artifacts; ///< published checkpoints, GGUF files, Ollama tags, MaxText names

  /// Lookups match ids, aliases and names case-insensitively, ignoring
  /// punctuation ("A100-SXM4-80GB" finds "NVIDIA A100-SXM4-80GB").
  [[nodiscard]] const HardwareSpec* find_hardware(std::string_view name) const;
  [[nodiscard]] const HardwareSpec* find_hardware_by_pci(std::string_view vendor_device) const;   ///< "10de:2330"
  [[nodiscard]] const SystemSpec* find_system(std::string_view name) const;
  [[nodiscard]] const ModelEntry* find_model(std::string_view name) const;
  [[nodiscard]] const EngineSpec* find_engine(std::string_view id) const;
  [[nodiscard]] const QuantFormat* find_quant(std::string_view name) const;
  [[nodiscard]] const WorkloadPreset* find_workload(std::string_view id) const;

  /// Every name a model or target answers to, for "did you mean".
  [[nodiscard]] std::vector<std::string> model_names() const;
  [[nodiscard]] std::vector<std::string> target_names() const;
};

/// The ids of a catalog section's entries, in catalog order (completions, "expected one of").
template <typename Entry>
std::vector<std::string> ids_of(const std::vector<Entry>& entries)
{
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const Entry& entry : entries) {
    ids.push_back(entry.id);
  }
  return ids;
}

/// Where user catalog files come from, beside the built-in data.
struct CatalogSources {
  std::vector<std::string> files;          ///< --catalog FILE, in order
  std::optional<std::string> directory;    ///< $LLM_HW_CATALOG_DIR: every *.json in it, sorted by name
};

/// The built-in catalog merged with the user's files. Errors name the file and
/// the entry ("my.json: hardware[0].memory_bytes: expected …").
Result<Catalog> load(const CatalogSources& sources);

/// Merges one catalog document (any of the sections hardware, systems, models,
/// engines, quants, workloads, artifacts) into `catalog`, replacing entries with equal ids.
Status merge(Catalog& catalog, const nlohmann::json& document, const std::string& input);

} // namespace llmhw::catalog
