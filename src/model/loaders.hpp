#pragma once
// Internal: one loader per kind of model source. Each throws InputError
// naming the file and the problem; model::load turns it into an Error.

#include "llmhw/model/model.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace llmhw::catalog {
struct ModelEntry;
}

namespace llmhw::model::detail {

/// A catalog entry: its config parsed like a user's config.json.
ModelSpec load_catalog_entry(const catalog::ModelEntry& entry, const catalog::Catalog& catalog);

/// A GGUF file; every part of a split set (-00001-of-00003.gguf) is read.
ModelSpec load_gguf(const std::filesystem::path& path, const catalog::Catalog& catalog);

/// safetensors weights: one file, a folder of them, or a
/// model.safetensors.index.json; config.json beside them gives the architecture.
ModelSpec load_safetensors(const std::filesystem::path& path, const catalog::Catalog& catalog);

/// A config.json (or a folder holding one and no weights llm-hw reads).
ModelSpec load_hf_config(const std::filesystem::path& config_path, const catalog::Catalog& catalog);

/// Fills params, active_params and the role counts from `arch` (plus
/// `vision_params`), for sources that give an architecture but no tensors.
void derive_parameters(ModelSpec& spec, std::uint64_t vision_params);

/// A folder's own name, for a model read from it ("Llama-3.1-8B-Instruct").
std::string folder_name(const std::filesystem::path& folder);

/// The catalog's id for `quant`, or an InputError naming `input` when the
/// catalog has no such format.
std::string known_quant(const catalog::Catalog& catalog, const std::string& quant, const std::string& input);

} // namespace llmhw::model::detail
