// Local model stores, read offline. The layouts are those the tools write:
//   Hugging Face (huggingface.co/docs/hub/local-cache): <hub>/models--<org>--<repo>/{refs/main, snapshots/<commit>/…},
//     the snapshot's files being links into ../../blobs;
//   Ollama (server/manifest): <models>/manifests/<host>/<namespace>/<model>/<tag>, a JSON manifest whose layer of
//     mediaType application/vnd.ollama.image.model names the GGUF blob <models>/blobs/sha256-<hex>;
//   LM Studio: <models>/<publisher>/<repo>/*.gguf.
#include "llmhw/model/local_stores.hpp"

#include "llmhw/util/input_file.hpp"
#include "llmhw/util/json_fields.hpp"
#include "llmhw/util/text.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace llmhw::model {
namespace {

namespace fs = std::filesystem;

/// Lists folders within k_max_store_entries in all, so that no store (or a home folder given by mistake) is walked
/// without end. Only real folders are entered: a link to a folder could lead out of the store or round in a loop.
class BoundedWalk {
public:
  explicit BoundedWalk(LocalScan& scan) : m_scan(scan) {}

  /// The entries of `folder`, sorted; none once the bound is reached (warned once).
  std::vector<fs::path> list(const fs::path& folder)
  {
    std::vector<fs::path> entries;
    std::error_code error;
    fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::directory_iterator(); it.increment(error)) {
      if (!take()) {
        break;
      }
      entries.push_back(it->path());
    }
    std::sort(entries.begin(), entries.end());
    return entries;
  }

  /// Counts one more entry read (a manifest); false once the bound is reached.
  bool take()
  {
    if (m_seen >= k_max_store_entries) {
      if (!m_warned) {
        m_scan.warnings.push_back(fmt::format("local model stores: stopped after {} entries; models past them are "
                                              "not listed",
                                              units::group_thousands(k_max_store_entries)));
        m_warned = true;
      }
      return false;
    }
    ++m_seen;
    return true;
  }

private:
  LocalScan& m_scan;
  std::size_t m_seen = 0;
  bool m_warned = false;
};

bool is_real_folder(const fs::path& path)
{
  std::error_code error;
  return fs::symlink_status(path, error).type() == fs::file_type::directory;
}

/// A regular file, or a link that ends at one (the HF cache's snapshot files link into its blobs).
bool ends_at_regular_file(const fs::path& path)
{
  std::error_code error;
  return fs::status(path, error).type() == fs::file_type::regular;
}

bool is_dangling_link(const fs::path& path)
{
  std::error_code error;
  return fs::symlink_status(path, error).type() == fs::file_type::symlink && !fs::exists(path, error);
}

std::uint64_t size_of(const fs::path& path)
{
  std::error_code error;
  const std::uintmax_t size = fs::file_size(path, error);
  return error ? 0 : static_cast<std::uint64_t>(size);
}

bool ends_with(std::string_view text, std::string_view suffix)
{
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

/// A GGUF file that is a model of its own: not a vision projector (mmproj-*.gguf, read with its model) and, of a
/// split set, only the first part (the loader reads the rest).
bool is_gguf_model(const std::string& file_name)
{
  const std::string lower = util::to_lower(file_name);
  if (!ends_with(lower, ".gguf") || lower.rfind("mmproj", 0) == 0) {
    return false;
  }
  return lower.find("-of-") == std::string::npos || lower.find("-00001-of-") != std::string::npos;
}

/// The model files of one folder: safetensors, GGUF and config.json, links followed to regular files only.
struct FolderFiles {
  std::vector<fs::path> folders; ///< real subfolders, for GGUF repos that keep each quant in one
  bool config = false;
  std::uint64_t safetensors_bytes = 0;
  bool safetensors = false;
  std::vector<fs::path> ggufs;
};

FolderFiles model_files(const fs::path& folder, BoundedWalk& walk, LocalScan& scan)
{
  FolderFiles files;
  for (const fs::path& entry : walk.list(folder)) {
    const std::string name = entry.filename().string();
    if (is_real_folder(entry)) {
      files.folders.push_back(entry);
      continue;
    }
    const bool wanted = name == "config.json" || ends_with(name, ".safetensors") || is_gguf_model(name);
    if (!wanted) {
      continue;
    }
    if (!ends_at_regular_file(entry)) {
      if (is_dangling_link(entry)) {
        scan.warnings.push_back(fmt::format("{}: a link to a file that is not there (an interrupted download?); "
                                            "skipped",
                                            entry.string()));
      }
      continue;
    }
    if (name == "config.json") {
      files.config = true;
    } else if (ends_with(name, ".safetensors")) {
      files.safetensors = true;
      files.safetensors_bytes += size_of(entry);
    } else {
      files.ggufs.push_back(entry);
    }
  }
  return files;
}

/// One entry per GGUF model of a folder, named `name` with the file (relative to `folder`) beside it.
void add_ggufs(Store store, const std::string& name, const fs::path& folder, const std::vector<fs::path>& ggufs,
               LocalScan& scan)
{
  for (const fs::path& gguf : ggufs) {
    scan.models.push_back(
        {store, name, gguf.lexically_relative(folder).generic_string(), gguf.string(), "gguf", "", size_of(gguf)});
  }
}

/// A folder's GGUF models and those one folder down (large GGUF repos keep each quant's split parts in a folder of
/// its own: Q4_K_M/model-00001-of-00003.gguf).
std::vector<fs::path> with_subfolder_ggufs(const FolderFiles& files, BoundedWalk& walk, LocalScan& scan)
{
  std::vector<fs::path> ggufs = files.ggufs;
  for (const fs::path& folder : files.folders) {
    const FolderFiles inner = model_files(folder, walk, scan);
    ggufs.insert(ggufs.end(), inner.ggufs.begin(), inner.ggufs.end());
  }
  return ggufs;
}

/// The commit refs/main names, when it is one (hex, as huggingface_hub writes it).
std::string main_revision(const fs::path& repo)
{
  const fs::path ref = repo / "refs" / "main";
  const auto file = util::InputFile::open(ref.string());
  const auto text = file ? file->read_up_to(128) : Result<std::string>(file.error());
  if (!text) {
    return "";
  }
  const std::string revision(util::trim(std::string_view(*text).substr(0, text->find('\n'))));
  const bool hex = !revision.empty() && std::all_of(revision.begin(), revision.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  return hex ? revision : "";
}

/// The snapshot to read: refs/main's, else the only one, else the newest.
fs::path current_snapshot(const fs::path& repo, BoundedWalk& walk)
{
  const fs::path snapshots = repo / "snapshots";
  if (const std::string revision = main_revision(repo); !revision.empty() && is_real_folder(snapshots / revision)) {
    return snapshots / revision;
  }
  fs::path newest;
  fs::file_time_type newest_time{};
  for (const fs::path& snapshot : walk.list(snapshots)) {
    std::error_code error;
    const fs::file_time_type time = fs::last_write_time(snapshot, error);
    if (is_real_folder(snapshot) && !error && (newest.empty() || time > newest_time)) {
      newest = snapshot;
      newest_time = time;
    }
  }
  return newest;
}

/// "models--meta-llama--Llama-3.1-8B-Instruct" → "meta-llama/Llama-3.1-8B-Instruct" (HF names hold no "--").
std::string hf_repo_name(const std::string& folder)
{
  std::string name = folder.substr(std::string_view("models--").size());
  for (std::size_t at = name.find("--"); at != std::string::npos; at = name.find("--", at + 1)) {
    name.replace(at, 2, "/");
  }
  return name;
}

void scan_hf_cache(const fs::path& hub, BoundedWalk& walk, LocalScan& scan)
{
  for (const fs::path& repo : walk.list(hub)) {
    const std::string folder = repo.filename().string();
    if (folder.rfind("models--", 0) != 0 || folder.size() <= 8 || !is_real_folder(repo)) {
      continue; // datasets--, spaces--, .locks
    }
    const fs::path snapshot = current_snapshot(repo, walk);
    if (snapshot.empty()) {
      continue;
    }
    const std::string name = hf_repo_name(folder);
    const std::string revision = snapshot.filename().string();
    const FolderFiles files = model_files(snapshot, walk, scan);
    if (files.safetensors && files.config) {
      scan.models.push_back(
          {Store::hf_cache, name, "", snapshot.string(), "safetensors", revision, files.safetensors_bytes});
    } else if (std::vector<fs::path> ggufs = with_subfolder_ggufs(files, walk, scan); !ggufs.empty()) {
      const auto first = scan.models.size();
      add_ggufs(Store::hf_cache, name, snapshot, ggufs, scan);
      for (auto i = first; i < scan.models.size(); ++i) {
        scan.models[i].revision = revision;
      }
    } else if (files.config) {
      scan.models.push_back({Store::hf_cache, name, "", snapshot.string(), "config", revision, 0});
    }
  }
}

/// "registry.ollama.ai/library/llama3.2/1b" → "llama3.2:1b", as `ollama list` names it.
std::string ollama_name(const std::string& host, const std::string& space, const std::string& model,
                        const std::string& tag)
{
  if (host == "registry.ollama.ai") {
    return space == "library" ? fmt::format("{}:{}", model, tag) : fmt::format("{}/{}:{}", space, model, tag);
  }
  return fmt::format("{}/{}/{}:{}", host, space, model, tag);
}

/// The blob of the manifest's model layer, or an empty path (and a warning) when there is none to read.
fs::path ollama_model_blob(const fs::path& root, const fs::path& manifest, LocalScan& scan)
{
  auto document = util::read_json_file(manifest.string(), {k_max_manifest_bytes, k_max_manifest_values});
  if (!document) {
    scan.warnings.push_back(fmt::format("{}: not a readable Ollama manifest ({}); skipped", manifest.string(),
                                        document.error().problem));
    return {};
  }
  const nlohmann::json& layers = document->is_object() ? document->value("layers", nlohmann::json()) : nlohmann::json();
  for (const nlohmann::json& layer : layers.is_array() ? layers : nlohmann::json::array()) {
    if (!layer.is_object() || layer.value("mediaType", nlohmann::json()) != "application/vnd.ollama.image.model") {
      continue;
    }
    const nlohmann::json digest = layer.value("digest", nlohmann::json());
    const std::string text = digest.is_string() ? digest.get<std::string>() : "";
    // "sha256:<64 hex>"; anything else could name a path outside the store.
    const bool valid = text.size() == 71 && text.rfind("sha256:", 0) == 0 &&
                       std::all_of(text.begin() + 7, text.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                       });
    const fs::path blob = root / "blobs" / ("sha256-" + text.substr(std::min<std::size_t>(7, text.size())));
    if (!valid || !ends_at_regular_file(blob)) {
      scan.warnings.push_back(fmt::format("{}: the model layer's blob {} is missing; skipped", manifest.string(),
                                          valid ? blob.string() : "(malformed digest)"));
      return {};
    }
    return blob;
  }
  scan.warnings.push_back(fmt::format("{}: no GGUF model layer (application/vnd.ollama.image.model); skipped",
                                      manifest.string()));
  return {};
}

void scan_ollama(const fs::path& root, BoundedWalk& walk, LocalScan& scan)
{
  for (const fs::path& host : walk.list(root / "manifests")) {
    for (const fs::path& space : is_real_folder(host) ? walk.list(host) : std::vector<fs::path>{}) {
      for (const fs::path& model : is_real_folder(space) ? walk.list(space) : std::vector<fs::path>{}) {
        for (const fs::path& tag : is_real_folder(model) ? walk.list(model) : std::vector<fs::path>{}) {
          if (!ends_at_regular_file(tag) || !walk.take()) {
            continue;
          }
          const fs::path blob = ollama_model_blob(root, tag, scan);
          if (blob.empty()) {
            continue;
          }
          scan.models.push_back({Store::ollama,
                                 ollama_name(host.filename().string(), space.filename().string(),
                                             model.filename().string(), tag.filename().string()),
                                 "", blob.string(), "gguf", "", size_of(blob)});
        }
      }
    }
  }
}

void scan_lm_studio(const fs::path& root, BoundedWalk& walk, LocalScan& scan)
{
  for (const fs::path& publisher : walk.list(root)) {
    for (const fs::path& repo : is_real_folder(publisher) ? walk.list(publisher) : std::vector<fs::path>{}) {
      if (!is_real_folder(repo)) {
        continue;
      }
      const FolderFiles files = model_files(repo, walk, scan);
      add_ggufs(Store::lm_studio, fmt::format("{}/{}", publisher.filename().string(), repo.filename().string()),
                repo, files.ggufs, scan);
    }
  }
}

std::string value_of(const std::map<std::string, std::string>& environment, const std::string& name)
{
  const auto found = environment.find(name);
  return found == environment.end() ? "" : found->second;
}

bool same_name(const std::string& a, const std::string& b)
{
  return util::to_lower(a) == util::to_lower(b);
}

} // namespace

std::string to_string(Store store)
{
  switch (store) {
  case Store::hf_cache: return "hf-cache";
  case Store::ollama: return "ollama";
  case Store::lm_studio: return "lm-studio";
  }
  return "unknown";
}

std::string store_title(Store store)
{
  switch (store) {
  case Store::hf_cache: return "HF cache";
  case Store::ollama: return "Ollama";
  case Store::lm_studio: return "LM Studio";
  }
  return "unknown";
}

StoreRoots store_roots(const std::map<std::string, std::string>& environment)
{
  StoreRoots roots;
  const std::string home = value_of(environment, "HOME");
  const std::string hf_home = value_of(environment, "HF_HOME");
  if (const std::string cache = value_of(environment, "HF_HUB_CACHE"); !cache.empty()) {
    roots.hf_hub = cache;
  } else if (!hf_home.empty()) {
    roots.hf_hub = (fs::path(hf_home) / "hub").string();
  } else if (!home.empty()) {
    roots.hf_hub = (fs::path(home) / ".cache" / "huggingface" / "hub").string();
  }
  if (const std::string models = value_of(environment, "OLLAMA_MODELS"); !models.empty()) {
    roots.ollama = models;
  } else if (!home.empty()) {
    roots.ollama = (fs::path(home) / ".ollama" / "models").string();
  }
  if (!home.empty()) {
    roots.lm_studio = {(fs::path(home) / ".lmstudio" / "models").string(),
                       (fs::path(home) / ".cache" / "lm-studio" / "models").string()};
  }
  return roots;
}

StoreRoots store_roots_from_process()
{
  std::map<std::string, std::string> environment;
  for (const char* name : {"HOME", "HF_HOME", "HF_HUB_CACHE", "OLLAMA_MODELS"}) {
    if (const char* value = std::getenv(name); value != nullptr) {
      environment[name] = value;
    }
  }
  return store_roots(environment);
}

LocalScan scan_local_stores(const StoreRoots& roots)
{
  LocalScan scan;
  BoundedWalk walk(scan);
  if (!roots.hf_hub.empty() && is_real_folder(roots.hf_hub)) {
    scan_hf_cache(roots.hf_hub, walk, scan);
  }
  if (!roots.ollama.empty() && is_real_folder(roots.ollama)) {
    scan_ollama(roots.ollama, walk, scan);
  }
  for (const std::string& folder : roots.lm_studio) {
    if (is_real_folder(folder)) {
      scan_lm_studio(folder, walk, scan);
    }
  }
  return scan;
}

Result<std::optional<LocalModel>> find_local(const std::string& name, const LocalScan& scan)
{
  std::vector<const LocalModel*> matches;
  for (const LocalModel& local : scan.models) {
    if (same_name(name, local.name) || (!local.file.empty() && same_name(name, local.name + "/" + local.file))) {
      matches.push_back(&local);
    }
  }
  if (matches.empty() && name.find(':') == std::string::npos) {
    for (const LocalModel& local : scan.models) { // `ollama run llama3.2` means llama3.2:latest
      if (local.store == Store::ollama && same_name(name + ":latest", local.name)) {
        matches.push_back(&local);
      }
    }
  }
  if (matches.empty()) {
    return std::optional<LocalModel>();
  }
  // Several stores may hold the same repo; the first store's copy serves. Several files of one repo must be named.
  const Store store = matches.front()->store;
  std::vector<std::string> files;
  for (const LocalModel* match : matches) {
    if (match->store == store && !match->file.empty()) {
      files.push_back(match->name + "/" + match->file);
    }
  }
  if (files.size() > 1) {
    return Error{fmt::format("--model {}", name),
                 fmt::format("{} holds {} GGUF models; name one: {}", store_title(store), files.size(),
                             util::join(files, ", "))};
  }
  return std::optional<LocalModel>(*matches.front());
}

std::string local_source(const LocalModel& local)
{
  return fmt::format("local: {}, {}", store_title(local.store), local.path);
}

Result<ModelSpec> load_local(const LocalModel& local, const catalog::Catalog& catalog)
{
  auto spec = load(local.path, catalog);
  if (!spec) {
    return Error{fmt::format("{} ({})", local.name, local_source(local)), spec.error().message()};
  }
  // The store's name for the model, not the blob's, the commit's or the GGUF's general.name; engines take the same
  // name to serve it.
  if (local.store == Store::hf_cache) {
    spec->hf_repo = local.name;
  }
  if (local.store == Store::ollama) {
    spec->ollama_tag = local.name;
  }
  spec->name = local.file.empty() ? local.name : local.name + "/" + local.file; // what --model takes
  spec->local_source = local_source(local);
  return spec;
}

} // namespace llmhw::model
