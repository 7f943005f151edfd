// model::load: what the user handed in, and which loader reads it.

#include "hf_config.hpp"
#include "loaders.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/input_file.hpp"
#include "llmhw/util/json_fields.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::model {
namespace detail {
namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& text, std::string_view suffix)
{
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool has_gguf_magic(const util::InputFile& file)
{
  char magic[4] = {};
  const auto got = file.read_at(magic, 4, 0);
  return got && *got == 4 && std::string_view(magic, 4) == "GGUF";
}

/// The GGUF files of a folder, one per model (a split set counts once).
std::vector<fs::path> gguf_models(const fs::path& folder)
{
  std::vector<fs::path> models;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, ".gguf") &&
        (name.find("-of-") == std::string::npos || name.find("-00001-of-") != std::string::npos)) {
      models.push_back(entry.path());
    }
  }
  std::sort(models.begin(), models.end());
  return models;
}

ModelSpec load_folder(const fs::path& folder, const catalog::Catalog& catalog)
{
  bool has_safetensors = fs::exists(folder / "model.safetensors.index.json");
  for (const auto& entry : fs::directory_iterator(folder)) {
    has_safetensors = has_safetensors || entry.path().extension() == ".safetensors";
  }
  if (has_safetensors) {
    return load_safetensors(folder, catalog);
  }
  if (fs::exists(folder / "config.json")) {
    return load_hf_config(folder / "config.json", catalog);
  }
  const std::vector<fs::path> ggufs = gguf_models(folder);
  if (ggufs.size() == 1) {
    return load_gguf(ggufs.front(), catalog);
  }
  if (ggufs.size() > 1) {
    throw InputError{Error{folder.string(), fmt::format("holds {} GGUF models; name one ({}, …)", ggufs.size(),
                                                        ggufs.front().filename().string())}};
  }
  throw InputError{Error{folder.string(), "no config.json, *.safetensors or *.gguf in this folder"}};
}

ModelSpec load_path(const fs::path& path, const catalog::Catalog& catalog)
{
  std::error_code error;
  if (fs::is_directory(path, error)) {
    return load_folder(path, catalog);
  }
  // Anything but a regular file (a FIFO, a device, a link loop) is refused
  // here, with what it is, before any reader waits on it.
  auto file = util::InputFile::open(path.string());
  if (!file) {
    throw InputError{file.error()};
  }
  const std::string name = path.filename().string();
  if (ends_with(name, ".gguf") || has_gguf_magic(*file)) {
    return load_gguf(path, catalog);
  }
  if (ends_with(name, ".safetensors") || ends_with(name, ".safetensors.index.json")) {
    return load_safetensors(path, catalog);
  }
  if (ends_with(name, ".json")) {
    return load_hf_config(path, catalog);
  }
  throw InputError{Error{path.string(), "not a model file (expected a .gguf, .safetensors or config.json file, or a "
                                        "model folder)"}};
}

} // namespace

void derive_parameters(ModelSpec& spec, std::uint64_t vision_params)
{
  auto counts = count_parameters(spec.arch);
  if (!counts) {
    throw InputError{counts.error()};
  }
  spec.parameters = counts.value();
  spec.parameters.vision = vision_params;
  spec.params = spec.parameters.total();
  spec.active_params = active_parameters(spec.parameters, spec.arch);
}

std::string folder_name(const fs::path& folder)
{
  fs::path normal = fs::absolute(folder).lexically_normal();
  if (normal.filename().empty()) { // "model/": the name is one step up
    normal = normal.parent_path();
  }
  return normal.filename().string();
}

std::string known_quant(const catalog::Catalog& catalog, const std::string& quant, const std::string& input)
{
  const catalog::QuantFormat* format = catalog.find_quant(quant);
  if (format == nullptr) {
    throw InputError{Error{input, fmt::format("precision '{}' has no entry in quants.json", quant)}};
  }
  return format->id;
}

ModelSpec load_hf_config(const fs::path& config_path, const catalog::Catalog& catalog)
{
  auto document = util::read_json_file(config_path.string(), util::k_config_json_bounds);
  if (!document) {
    throw InputError{document.error()};
  }
  HfConfig config = parse_hf_config(*document, config_path.string(), "");
  ModelSpec spec;
  spec.source = ModelSource::hf_config;
  spec.path = config_path.string();
  spec.name = folder_name(fs::absolute(config_path).parent_path());
  spec.arch = config.arch;
  spec.assumptions = config.assumptions;
  spec.warnings = config.warnings;
  derive_parameters(spec, config.vision_params);
  spec.native_quant = known_quant(catalog, config.quant.value_or("bf16"), config_path.string());
  spec.source_note = config_path.string();
  return spec;
}

ModelSpec load_catalog_entry(const catalog::ModelEntry& entry, const catalog::Catalog& catalog)
{
  HfConfig config = parse_hf_config(entry.config, entry.defined_in, fmt::format("models ({}).config", entry.id));
  ModelSpec spec;
  spec.name = entry.name;
  spec.catalog_id = entry.id;
  spec.source = ModelSource::catalog;
  spec.hf_repo = entry.hf_repo;
  spec.ollama_tag = entry.ollama;
  spec.arch = config.arch;
  spec.assumptions = config.assumptions;
  derive_parameters(spec, config.vision_params);
  spec.native_quant = known_quant(catalog, entry.native_quant, entry.defined_in);
  spec.source_note = entry.source;
  return spec;
}

} // namespace detail

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

Result<ModelSpec> load_entry(const catalog::ModelEntry& entry, const catalog::Catalog& catalog)
{
  try {
    return detail::load_catalog_entry(entry, catalog);
  } catch (const InputError& error) {
    return error.error;
  }
}

Result<ModelSpec> load(const std::string& name_or_path, const catalog::Catalog& catalog)
{
  try {
    if (util::path_present(name_or_path)) {
      return detail::load_path(name_or_path, catalog);
    }
    if (const catalog::ModelEntry* entry = catalog.find_model(name_or_path)) {
      return detail::load_catalog_entry(*entry, catalog);
    }
  } catch (const InputError& error) {
    return error.error;
  } catch (const std::filesystem::filesystem_error& error) {
    return Error{name_or_path, error.code().message()};
  }
  std::string problem = "unknown model: not a file, and not in the catalog (see llm-hw models)";
  if (auto match = util::closest_match(name_or_path, catalog.model_names())) {
    problem = fmt::format("unknown model; did you mean '{}'? (see llm-hw models)", *match);
  }
  return Error{fmt::format("--model {}", name_or_path), problem};
}

} // namespace llmhw::model
