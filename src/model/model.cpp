#include "llmhw/model/model.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/json_fields.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

namespace llmhw::model {
namespace {

Architecture parse_config(const catalog::ModelEntry& entry)
{
  const util::JsonObject config(entry.config, entry.defined_in, fmt::format("models ({}).config", entry.id));
  Architecture arch;
  arch.family = config.optional_string("model_type").value_or(entry.family);
  arch.hidden_size = static_cast<std::uint32_t>(config.count("hidden_size", 1 << 20));
  arch.num_layers = static_cast<std::uint32_t>(config.count("num_hidden_layers", 1 << 12));
  arch.num_heads = static_cast<std::uint32_t>(config.count("num_attention_heads", 1 << 12));
  arch.num_kv_heads =
      static_cast<std::uint32_t>(config.optional_count("num_key_value_heads", 1 << 12).value_or(arch.num_heads));
  arch.head_dim = static_cast<std::uint32_t>(
      config.optional_count("head_dim", 1 << 14).value_or(arch.num_heads ? arch.hidden_size / arch.num_heads : 0));
  arch.intermediate_size = static_cast<std::uint32_t>(config.optional_count("intermediate_size", 1 << 20).value_or(0));
  arch.vocab_size = static_cast<std::uint32_t>(config.optional_count("vocab_size", 1 << 24).value_or(0));
  arch.tied_embeddings = config.boolean("tie_word_embeddings", false);
  arch.max_context = config.optional_count("max_position_embeddings", 1ULL << 32).value_or(0);
  return arch;
}

ModelSpec from_catalog(const catalog::ModelEntry& entry)
{
  ModelSpec spec;
  spec.name = entry.name;
  spec.catalog_id = entry.id;
  spec.source = ModelSource::catalog;
  spec.hf_repo = entry.hf_repo;
  spec.ollama_tag = entry.ollama;
  spec.arch = parse_config(entry);
  spec.params = entry.params;
  spec.active_params = entry.active_params;
  spec.native_quant = entry.native_quant;
  spec.source_note = entry.source;
  return spec;
}

} // namespace

std::string to_string(ModelSource source)
{
  switch (source) {
  case ModelSource::catalog: return "catalog";
  case ModelSource::hf_config: return "hf-config";
  case ModelSource::gguf: return "gguf";
  case ModelSource::safetensors: return "safetensors";
  }
  return "unknown";
}

Result<ModelSpec> load(const std::string& name_or_path, const catalog::Catalog& catalog)
{
  if (std::filesystem::exists(name_or_path)) {
    return Error{name_or_path, "reading model files is not supported yet; use a catalog name (llm-hw models)"};
  }
  if (const catalog::ModelEntry* entry = catalog.find_model(name_or_path)) {
    try {
      return from_catalog(*entry);
    } catch (const InputError& error) {
      return error.error;
    }
  }
  std::string problem = "unknown model: not a file, and not in the catalog (see llm-hw models)";
  if (auto match = util::closest_match(name_or_path, catalog.model_names())) {
    problem = fmt::format("unknown model; did you mean '{}'? (see llm-hw models)", *match);
  }
  return Error{fmt::format("--model {}", name_or_path), problem};
}

std::uint64_t weight_bytes(const ModelSpec& model, const catalog::QuantFormat& quant)
{
  if (model.file_weight_bytes && quant.id == model.native_quant) {
    return *model.file_weight_bytes;
  }
  return static_cast<std::uint64_t>(std::ceil(static_cast<double>(model.params) * quant.bits_per_weight / 8.0));
}

std::uint64_t kv_bytes_per_token(const Architecture& arch, double bytes_per_element)
{
  const double per_layer = 2.0 * arch.num_kv_heads * arch.head_dim;
  return static_cast<std::uint64_t>(std::ceil(per_layer * arch.num_layers * bytes_per_element));
}

std::uint64_t kv_cache_bytes(const Architecture& arch, std::uint64_t context_tokens, double bytes_per_element)
{
  return kv_bytes_per_token(arch, bytes_per_element) * context_tokens;
}

} // namespace llmhw::model
