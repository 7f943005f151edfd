#include "llmhw/catalog/catalog.hpp"

#include "llmhw/catalog/embedded.hpp"
#include "llmhw/util/text.hpp"
#include "parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <filesystem>
#include <set>

namespace llmhw::catalog {
namespace {

/// Replaces the entry with the same id, or appends.
template <typename Entry>
void upsert(std::vector<Entry>& entries, Entry entry)
{
  const auto same_id = [&](const Entry& existing) { return existing.id == entry.id; };
  if (auto it = std::find_if(entries.begin(), entries.end(), same_id); it != entries.end()) {
    *it = std::move(entry);
  } else {
    entries.push_back(std::move(entry));
  }
}

/// Parses one section of a document; ids must be unique within the document.
template <typename Entry, typename Parse>
void merge_section(const util::JsonObject& root, std::string_view key, std::vector<Entry>& entries, Parse parse)
{
  std::set<std::string> seen;
  for (const util::JsonObject& object : root.objects(key)) {
    Entry entry = parse(object);
    if (!seen.insert(entry.id).second) {
      object.fail("id", fmt::format("duplicate id '{}' in this file", entry.id));
    }
    upsert(entries, std::move(entry));
  }
}

/// Entries of this document that name others must name ones that exist.
void check_references(const Catalog& catalog, const util::JsonObject& root)
{
  for (const util::JsonObject& object : root.objects("systems")) {
    const std::string device = object.string("device");
    if (catalog.find_hardware(device) == nullptr) {
      object.fail("device", fmt::format("no hardware entry '{}'", device));
    }
    if (auto host = object.optional_string("host_cpu"); host && catalog.find_hardware(*host) == nullptr) {
      object.fail("host_cpu", fmt::format("no hardware entry '{}'", *host));
    }
  }
  for (const util::JsonObject& object : root.objects("models")) {
    if (auto quant = object.optional_string("native_quant"); quant && catalog.find_quant(*quant) == nullptr) {
      object.fail("native_quant", fmt::format("no quant entry '{}'", *quant));
    }
  }
  for (const util::JsonObject& object : root.objects("engines")) {
    for (const char* field : {"quants", "weight_only_quants"}) {
      for (const std::string& quant : object.strings(field)) {
        if (catalog.find_quant(quant) == nullptr) {
          object.fail(field, fmt::format("no quant entry '{}'", quant));
        }
      }
    }
    for (const util::JsonObject& own : object.objects("own_formats")) {
      for (const char* field : {"quant", "format"}) {
        if (catalog.find_quant(own.string(field)) == nullptr) {
          own.fail(field, fmt::format("no quant entry '{}'", own.string(field)));
        }
      }
    }
    for (const std::string& quant : object.strings("kv_quants")) {
      const QuantFormat* format = catalog.find_quant(quant);
      if (format == nullptr || !format->kv_cache) {
        object.fail("kv_quants", fmt::format("no KV-cache quant entry '{}'", quant));
      }
    }
  }
  for (const util::JsonObject& object : root.objects("artifacts")) {
    if (catalog.find_model(object.string("model")) == nullptr) {
      object.fail("model", fmt::format("no model entry '{}'", object.string("model")));
    }
    if (auto quant = object.optional_string("quant"); quant && catalog.find_quant(*quant) == nullptr) {
      object.fail("quant", fmt::format("no quant entry '{}'", *quant));
    }
    for (const std::string& engine : object.strings("engines")) {
      if (catalog.find_engine(engine) == nullptr) {
        object.fail("engines", fmt::format("no engine entry '{}'", engine));
      }
    }
  }
}

bool names_match(std::string_view wanted_normalized, const std::string& id, const std::string& name,
                 const std::vector<std::string>& aliases)
{
  if (util::normalize_name(id) == wanted_normalized || util::normalize_name(name) == wanted_normalized) {
    return true;
  }
  return std::any_of(aliases.begin(), aliases.end(),
                     [&](const std::string& alias) { return util::normalize_name(alias) == wanted_normalized; });
}

/// Exact id first (ids can differ only in punctuation: "qwen2.5-7b" vs "qwen25-7b"), then normalized names.
template <typename Entry, typename Names>
const Entry* find_entry(const std::vector<Entry>& entries, std::string_view wanted, Names names)
{
  // Ids are lower case, and the estimator and rules look them up by id thousands of times per ranking: the
  // exact id first, without the allocations of lowering or normalizing the name.
  for (const Entry& entry : entries) {
    if (entry.id == wanted) {
      return &entry;
    }
  }
  const std::string lower = util::to_lower(wanted);
  for (const Entry& entry : entries) {
    if (entry.id == lower) {
      return &entry;
    }
  }
  const std::string normalized = util::normalize_name(wanted);
  if (normalized.empty()) {
    return nullptr;
  }
  for (const Entry& entry : entries) {
    if (names(entry, normalized)) {
      return &entry;
    }
  }
  return nullptr;
}

/// Built-in files load in dependency order: quants before what names them.
constexpr std::array k_builtin_order = {"quants.json", "hardware.json", "engines.json", "models.json",
                                        "workloads.json", "artifacts.json"};

} // namespace

Status merge(Catalog& catalog, const nlohmann::json& document, const std::string& input)
{
  auto root = util::root_object(document, input);
  if (!root) {
    return root.error();
  }
  try {
    root->reject_unknown_keys(
        {"$schema", "hardware", "systems", "models", "engines", "quants", "workloads", "artifacts"});
    merge_section(*root, "quants", catalog.quants, detail::parse_quant);
    merge_section(*root, "hardware", catalog.hardware, detail::parse_hardware);
    merge_section(*root, "systems", catalog.systems, detail::parse_system);
    merge_section(*root, "engines", catalog.engines, detail::parse_engine);
    merge_section(*root, "models", catalog.models, [&](const util::JsonObject& object) {
      ModelEntry entry = detail::parse_model(object);
      entry.defined_in = input;
      return entry;
    });
    merge_section(*root, "workloads", catalog.workloads, detail::parse_workload);
    merge_section(*root, "artifacts", catalog.artifacts, detail::parse_artifact);
    check_references(catalog, *root);
  } catch (const InputError& error) {
    return error.error;
  }
  return Ok{};
}

Result<Catalog> load(const CatalogSources& sources)
{
  Catalog catalog;
  for (const char* name : k_builtin_order) {
    const auto files = embedded_files();
    const auto file = std::find_if(files.begin(), files.end(), [&](const EmbeddedFile& f) { return f.name == name; });
    if (file == files.end()) {
      continue;
    }
    const std::string input = fmt::format("built-in data/{}", name);
    // Built-in files are part of the program, their shape tested against the schemas when it was built: they skip
    // the bounds pass that guards files from outside (util::parse_json), a third of loading the catalog.
    const nlohmann::json document = nlohmann::json::parse(file->content, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) {
      return Error{input, "not valid JSON"};
    }
    if (auto merged = merge(catalog, document, input); !merged) {
      return merged.error();
    }
  }

  std::vector<std::string> user_files;
  if (sources.directory) {
    std::error_code error;
    std::filesystem::directory_iterator it(*sources.directory, error);
    if (error) {
      return Error{*sources.directory, fmt::format("cannot read catalog directory ($LLM_HW_CATALOG_DIR): {}",
                                                   error.message())};
    }
    std::vector<std::string> found;
    for (const auto& entry : it) {
      if (entry.path().extension() == ".json") {
        found.push_back(entry.path().string());
      }
    }
    std::sort(found.begin(), found.end());
    user_files.insert(user_files.end(), found.begin(), found.end());
  }
  user_files.insert(user_files.end(), sources.files.begin(), sources.files.end());

  for (const std::string& path : user_files) {
    auto document = util::read_json_file(path, util::k_catalog_bounds);
    if (!document) {
      return document.error();
    }
    if (auto merged = merge(catalog, *document, path); !merged) {
      return merged.error();
    }
  }
  return catalog;
}

const HardwareSpec* Catalog::find_hardware(std::string_view name) const
{
  return find_entry(hardware, name, [](const HardwareSpec& spec, std::string_view wanted) {
    return names_match(wanted, spec.id, spec.name, spec.aliases);
  });
}

const HardwareSpec* Catalog::find_hardware_by_pci(std::string_view vendor_device) const
{
  const std::string wanted = util::to_lower(vendor_device);
  for (const HardwareSpec& spec : hardware) {
    if (std::find(spec.pci_ids.begin(), spec.pci_ids.end(), wanted) != spec.pci_ids.end()) {
      return &spec;
    }
  }
  return nullptr;
}

const SystemSpec* Catalog::find_system(std::string_view name) const
{
  return find_entry(systems, name, [](const SystemSpec& spec, std::string_view wanted) {
    return names_match(wanted, spec.id, spec.name, spec.aliases);
  });
}

const ModelEntry* Catalog::find_model(std::string_view name) const
{
  return find_entry(models, name, [](const ModelEntry& entry, std::string_view wanted) {
    std::vector<std::string> names = entry.aliases;
    if (entry.hf_repo) {
      names.push_back(*entry.hf_repo);
    }
    if (entry.ollama) {
      names.push_back(*entry.ollama);
    }
    return names_match(wanted, entry.id, entry.name, names);
  });
}

const EngineSpec* Catalog::find_engine(std::string_view id) const
{
  return find_entry(engines, id, [](const EngineSpec& engine, std::string_view wanted) {
    return names_match(wanted, engine.id, engine.name, {});
  });
}

const QuantFormat* Catalog::find_quant(std::string_view name) const
{
  return find_entry(quants, name, [](const QuantFormat& quant, std::string_view wanted) {
    return names_match(wanted, quant.id, quant.id, quant.aliases);
  });
}

const WorkloadPreset* Catalog::find_workload(std::string_view id) const
{
  return find_entry(workloads, id, [](const WorkloadPreset& preset, std::string_view wanted) {
    return names_match(wanted, preset.id, preset.id, {});
  });
}

std::vector<std::string> Catalog::model_names() const
{
  std::vector<std::string> names;
  for (const ModelEntry& entry : models) {
    names.push_back(entry.id);
    if (entry.hf_repo) {
      names.push_back(*entry.hf_repo);
    }
    if (entry.ollama) {
      names.push_back(*entry.ollama);
    }
    names.insert(names.end(), entry.aliases.begin(), entry.aliases.end());
  }
  return names;
}

std::vector<std::string> Catalog::target_names() const
{
  std::vector<std::string> names;
  for (const HardwareSpec& spec : hardware) {
    names.push_back(spec.id);
    names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
  }
  for (const SystemSpec& spec : systems) {
    names.push_back(spec.id);
    names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
  }
  return names;
}

namespace {

std::string architecture_key(std::string_view family)
{
  if (family.size() > 5 && family.ends_with("_text")) {
    family.remove_suffix(5);
  }
  std::string key;
  for (const char c : family) {
    if (c != '_' && c != '-') {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return key;
}

} // namespace

bool same_architecture(std::string_view a, std::string_view b)
{
  return architecture_key(a) == architecture_key(b);
}

std::string_view to_string(EngineState state)
{
  switch (state) {
  case EngineState::active: return "active";
  case EngineState::maintenance: return "maintenance";
  case EngineState::archived: return "archived";
  }
  return "active";
}

const std::string& format_for(const EngineSpec* engine, const std::string& quant)
{
  if (engine != nullptr) {
    for (const OwnFormat& own : engine->own_formats) {
      if (own.quant == quant) {
        return own.format;
      }
    }
  }
  return quant;
}

bool preferred_on(const EngineSpec& engine, std::string_view backend)
{
  return engine.preferred_on && std::find(engine.preferred_on->backends.begin(), engine.preferred_on->backends.end(),
                                          backend) != engine.preferred_on->backends.end();
}

bool honours_sliding_window(const EngineSpec& engine, std::string_view architecture)
{
  if (!engine.sliding_window) {
    return true;
  }
  const std::vector<std::string>& listed = engine.sliding_window->architectures;
  return std::any_of(listed.begin(), listed.end(),
                     [&](const std::string& family) { return same_architecture(family, architecture); });
}

} // namespace llmhw::catalog
