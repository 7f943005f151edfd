#pragma once
// Models already on this machine: the Hugging Face cache, Ollama's store and
// LM Studio's models folder, found where those tools keep them and read
// offline. Nothing here writes, downloads or follows a link to anything but a
// regular file.

#include "llmhw/model/model.hpp"
#include "llmhw/util/result.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::model {

enum class Store { hf_cache, ollama, lm_studio };

/// "hf-cache", "ollama", "lm-studio" (JSON); store_title: "HF cache", "Ollama", "LM Studio" (reports).
std::string to_string(Store store);
std::string store_title(Store store);

/// One model found in a store.
struct LocalModel {
  Store store = Store::hf_cache;
  std::string name;   ///< what --model takes: "org/repo" (HF, LM Studio), "llama3.2:1b" (Ollama)
  std::string file;   ///< the GGUF file's name where a repo folder holds several; empty otherwise
  std::string path;   ///< what model::load reads: an HF snapshot folder, an Ollama blob, a GGUF file
  std::string format; ///< "safetensors", "gguf" or "config" (a config.json without weights)
  std::string revision;        ///< HF: the snapshot's commit (refs/main's), else empty
  std::uint64_t size_bytes = 0; ///< the weight files on disk
};

/// Where each store lives; an empty value: no such store.
struct StoreRoots {
  std::string hf_hub;                   ///< HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub
  std::string ollama;                   ///< OLLAMA_MODELS, else ~/.ollama/models
  std::vector<std::string> lm_studio;   ///< ~/.lmstudio/models and the older ~/.cache/lm-studio/models
};

/// The roots as those tools find them, from `environment` (HOME, HF_HOME, HF_HUB_CACHE, OLLAMA_MODELS; an empty
/// value counts as unset).
StoreRoots store_roots(const std::map<std::string, std::string>& environment);

/// store_roots() of this process's environment.
StoreRoots store_roots_from_process();

/// Entries a scan looks at in all (folder entries listed, manifests read): far above a real cache of a few hundred
/// models, low enough that a home folder pointed at by mistake is not walked for minutes.
inline constexpr std::size_t k_max_store_entries = 10'000;
/// An Ollama manifest is a few hundred bytes; anything larger is not one.
inline constexpr std::uint64_t k_max_manifest_bytes = 1ULL << 20;
/// Its JSON values: a config and a handful of layers, a few dozen in all.
inline constexpr std::uint64_t k_max_manifest_values = 10'000;

struct LocalScan {
  std::vector<LocalModel> models;     ///< by store, then name
  std::vector<std::string> warnings;  ///< an unreadable manifest, a dangling link, the entry bound reached
};

/// Every model in the stores that exist; a missing store is no warning.
LocalScan scan_local_stores(const StoreRoots& roots);

/// The local copy `name` names ("org/repo", "org/repo/file.gguf", "name:tag", "name" for "name:latest"; case
/// does not matter), if any. A name that matches several GGUF files of one repo is an Error listing them.
Result<std::optional<LocalModel>> find_local(const std::string& name, const LocalScan& scan);

/// Reads the local copy as model::load reads a path, and notes where it came from (ModelSpec::local_source).
Result<ModelSpec> load_local(const LocalModel& local, const catalog::Catalog& catalog);

/// "local: HF cache, /home/me/.cache/huggingface/hub/models--org--repo/snapshots/abc"
std::string local_source(const LocalModel& local);

} // namespace llmhw::model
