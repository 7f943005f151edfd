// Local model stores (HF cache, Ollama, LM Studio) laid out in a temp folder as
// the tools lay them out, found, named and read back as models.

#include "store_fixtures.hpp"

#include "llmhw/model/local_stores.hpp"
#include "support/builtin_catalog.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

using llmhw::model::LocalModel;
using llmhw::model::LocalScan;
using llmhw::model::Store;
using llmhw::model::StoreRoots;
using llmhw::test::builtin_catalog;
namespace fs = std::filesystem;

namespace {

const std::string k_revision = "0123456789abcdef0123456789abcdef01234567";

StoreRoots roots_in(const llmhw::test::TempDir& dir)
{
  return llmhw::model::store_roots({{"HOME", dir.path().string()}});
}

const LocalModel* named(const LocalScan& scan, const std::string& name)
{
  const auto found = std::find_if(scan.models.begin(), scan.models.end(),
                                  [&](const LocalModel& local) { return local.name == name; });
  return found == scan.models.end() ? nullptr : &*found;
}

fs::path hf_hub(const llmhw::test::TempDir& dir)
{
  return dir.path() / ".cache" / "huggingface" / "hub";
}

} // namespace

TEST_CASE("store roots follow HF_HUB_CACHE, then HF_HOME, then HOME; OLLAMA_MODELS, then HOME", "[model][local]")
{
  const StoreRoots home = llmhw::model::store_roots({{"HOME", "/home/me"}});
  CHECK(home.hf_hub == "/home/me/.cache/huggingface/hub");
  CHECK(home.ollama == "/home/me/.ollama/models");
  CHECK(home.lm_studio == std::vector<std::string>{"/home/me/.lmstudio/models", "/home/me/.cache/lm-studio/models"});

  CHECK(llmhw::model::store_roots({{"HOME", "/home/me"}, {"HF_HOME", "/data/hf"}}).hf_hub == "/data/hf/hub");
  CHECK(llmhw::model::store_roots({{"HF_HOME", "/data/hf"}, {"HF_HUB_CACHE", "/fast/hub"}}).hf_hub == "/fast/hub");
  CHECK(llmhw::model::store_roots({{"HOME", "/home/me"}, {"OLLAMA_MODELS", "/srv/ollama"}}).ollama == "/srv/ollama");
  // Empty counts as unset, as the tools read them.
  CHECK(llmhw::model::store_roots({{"HOME", "/h"}, {"HF_HUB_CACHE", ""}}).hf_hub == "/h/.cache/huggingface/hub");
  const StoreRoots none = llmhw::model::store_roots({});
  CHECK(none.hf_hub.empty());
  CHECK(none.ollama.empty());
  CHECK(none.lm_studio.empty());
}

TEST_CASE("an HF cache repo: refs/main's snapshot, its links followed into blobs", "[model][local]")
{
  llmhw::test::TempDir dir;
  const std::string weights = llmhw::test::tiny_safetensors();
  llmhw::test::write_hf_repo(hf_hub(dir), "acme/Tiny-Llama", k_revision,
                             {{"config.json", llmhw::test::tiny_config_json()}, {"model.safetensors", weights}});
  // An older snapshot that refs/main no longer names, and a dataset: neither is listed.
  llmhw::test::write_hf_repo(hf_hub(dir), "acme/Tiny-Llama", std::string(40, 'a'),
                             {{"config.json", llmhw::test::tiny_config_json()}}, false);
  fs::create_directories(hf_hub(dir) / "datasets--acme--corpus" / "snapshots" / k_revision);

  const LocalScan scan = llmhw::model::scan_local_stores(roots_in(dir));
  REQUIRE(scan.models.size() == 1);
  const LocalModel& local = scan.models.front();
  CHECK(local.store == Store::hf_cache);
  CHECK(local.name == "acme/Tiny-Llama");
  CHECK(local.format == "safetensors");
  CHECK(local.revision == k_revision);
  CHECK(local.size_bytes == weights.size());
  CHECK(fs::path(local.path).filename() == k_revision);
  CHECK(scan.warnings.empty());

  auto model = llmhw::model::load_local(local, builtin_catalog());
  REQUIRE(model.ok());
  CHECK(model->name == "acme/Tiny-Llama");
  CHECK(model->hf_repo == "acme/Tiny-Llama");
  CHECK(model->source == llmhw::model::ModelSource::safetensors);
  CHECK(model->arch.num_layers == 2);
  CHECK(model->local_source == "local: HF cache, " + local.path);
  // The exact bytes come from the safetensors header: the file less its 8-byte length and JSON header.
  REQUIRE(model->file_weight_bytes);
  CHECK(*model->file_weight_bytes < weights.size());
  CHECK(*model->file_weight_bytes > weights.size() - 4096);
}

TEST_CASE("an HF cache snapshot without refs/main, only config.json, or GGUF files", "[model][local]")
{
  llmhw::test::TempDir dir;
  llmhw::test::write_hf_repo(hf_hub(dir), "acme/config-only", k_revision,
                             {{"config.json", llmhw::test::tiny_config_json()}}, false);
  llmhw::test::write_hf_repo(hf_hub(dir), "acme/Tiny-GGUF", k_revision,
                             {{"tiny.Q4_K_M.gguf", ""}, {"mmproj-tiny-f16.gguf", ""}, {"README.md", "# tiny"}});
  const LocalScan scan = llmhw::model::scan_local_stores(roots_in(dir));
  REQUIRE(scan.models.size() == 2);
  const LocalModel* config = named(scan, "acme/config-only");
  REQUIRE(config != nullptr);
  CHECK(config->format == "config");
  CHECK(config->revision == k_revision);
  const LocalModel* gguf = named(scan, "acme/Tiny-GGUF");
  REQUIRE(gguf != nullptr);
  CHECK(gguf->format == "gguf");
  CHECK(gguf->file == "tiny.Q4_K_M.gguf"); // the vision projector is not a model of its own
  auto model = llmhw::model::load_local(*gguf, builtin_catalog());
  REQUIRE(model.ok());
  CHECK(model->native_quant == "q4_k_m");
  CHECK(model->name == "acme/Tiny-GGUF/tiny.Q4_K_M.gguf"); // as --model names it, not the file's general.name
}

TEST_CASE("an HF GGUF repo with a folder per quant: each GGUF named with its folder", "[model][local]")
{
  llmhw::test::TempDir dir;
  llmhw::test::write_hf_repo(hf_hub(dir), "acme/Big-GGUF", k_revision,
                             {{"Q8_0/big-Q8_0.gguf", ""}, {"Q4_K_M/big-Q4_K_M.gguf", ""}, {"README.md", "# big"}});
  const LocalScan scan = llmhw::model::scan_local_stores(roots_in(dir));
  REQUIRE(scan.models.size() == 2);
  CHECK(scan.models[0].file == "Q4_K_M/big-Q4_K_M.gguf");
  CHECK(scan.models[1].file == "Q8_0/big-Q8_0.gguf");
  auto picked = llmhw::model::find_local("acme/Big-GGUF/Q8_0/big-Q8_0.gguf", scan);
  REQUIRE(picked.ok());
  REQUIRE(*picked);
  auto model = llmhw::model::load_local(**picked, builtin_catalog());
  REQUIRE(model.ok());
  CHECK(model->name == "acme/Big-GGUF/Q8_0/big-Q8_0.gguf");
}

TEST_CASE("a link to a blob that is not there is skipped with a warning", "[model][local]")
{
  llmhw::test::TempDir dir;
  llmhw::test::write_hf_repo(hf_hub(dir), "acme/partial", k_revision,
                             {{"config.json", llmhw::test::tiny_config_json()}, {"model.safetensors", "x"}});
  for (const auto& entry : fs::directory_iterator(hf_hub(dir) / "models--acme--partial" / "blobs")) {
    if (fs::file_size(entry.path()) == 1) {
      fs::remove(entry.path()); // the weights' blob: an interrupted download
    }
  }
  const LocalScan scan = llmhw::model::scan_local_stores(roots_in(dir));
  REQUIRE(scan.models.size() == 1);
  CHECK(scan.models.front().format == "config");
  REQUIRE(scan.warnings.size() == 1);
  CHECK(scan.warnings.front().find("model.safetensors") != std::string::npos);
}

TEST_CASE("links to folders and to anything but regular files are not followed", "[model][local]")
{
  llmhw::test::TempDir dir;
  const fs::path hub = hf_hub(dir);
  fs::create_directories(hub);
  // A repo folder that is a link (it could lead anywhere, or round in a loop) and a snapshot file linking to a folder.
  fs::create_directories(dir.path() / "elsewhere" / "snapshots" / k_revision);
  fs::create_directory_symlink(dir.path() / "elsewhere", hub / "models--acme--linked");
  llmhw::test::write_hf_repo(hub, "acme/odd", k_revision, {{"config.json", llmhw::test::tiny_config_json()}});
  fs::create_directory_symlink(dir.path(), hub / "models--acme--odd" / "snapshots" / k_revision / "model.safetensors");
  const LocalScan scan = llmhw::model::scan_local_stores(roots_in(dir));
  REQUIRE(scan.models.size() == 1);
  CHECK(scan.models.front().name == "acme/odd");
  CHECK(scan.models.front().format == "config");
}

TEST_CASE("an Ollama store: manifests name the GGUF blob of the model layer", "[model][local]")
{
  llmhw::test::TempDir dir;
  const fs::path store = dir.path() / "ollama-models";
  const fs::path blob = llmhw::test::write_ollama_model(store, "tinyllama", "latest", std::string(64, 'b'));
  llmhw::test::write_ollama_model(store, "tinyllama", "1b-q4", std::string(64, 'd'));
  const LocalScan scan =
      llmhw::model::scan_local_stores(llmhw::model::store_roots({{"OLLAMA_MODELS", store.string()}}));
  REQUIRE(scan.models.size() == 2);
  const LocalModel* latest = named(scan, "tinyllama:latest");
  REQUIRE(latest != nullptr);
  CHECK(latest->store == Store::ollama);
  CHECK(latest->path == blob.string());
  CHECK(latest->size_bytes == fs::file_size(blob));

  // `ollama run tinyllama` means tinyllama:latest; llm-hw reads the name the same way.
  auto found = llmhw::model::find_local("tinyllama", scan);
  REQUIRE(found.ok());
  REQUIRE(*found);
  CHECK((*found)->name == "tinyllama:latest");
  auto tagged = llmhw::model::find_local("TinyLlama:1B-Q4", scan);
  REQUIRE(tagged.ok());
  REQUIRE(*tagged);
  CHECK((*tagged)->name == "tinyllama:1b-q4");

  auto model = llmhw::model::load_local(*latest, builtin_catalog());
  REQUIRE(model.ok());
  CHECK(model->name == "tinyllama:latest");
  CHECK(model->ollama_tag == "tinyllama:latest");
  CHECK(model->source == llmhw::model::ModelSource::gguf);
}

TEST_CASE("Ollama manifests that are malformed, name a missing blob or a path are skipped", "[model][local]")
{
  llmhw::test::TempDir dir;
  const fs::path store = dir.path() / "ollama";
  const fs::path library = store / "manifests" / "registry.ollama.ai" / "library";
  dir.write("ollama/manifests/registry.ollama.ai/library/broken/latest", "{ not json");
  dir.write("ollama/manifests/registry.ollama.ai/library/missing/latest",
            R"({"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:)" +
                std::string(64, 'f') + R"("}]})");
  dir.write("ollama/manifests/registry.ollama.ai/library/escape/latest",
            R"({"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:../../../etc/passwd"}]})");
  const LocalScan scan =
      llmhw::model::scan_local_stores(llmhw::model::store_roots({{"OLLAMA_MODELS", store.string()}}));
  CHECK(scan.models.empty());
  CHECK(scan.warnings.size() == 3);
  CHECK(std::any_of(scan.warnings.begin(), scan.warnings.end(),
                    [](const std::string& warning) { return warning.find("malformed digest") != std::string::npos; }));
}

TEST_CASE("LM Studio: each GGUF model of a repo folder, in the current and the older folder", "[model][local]")
{
  llmhw::test::TempDir dir;
  const fs::path current = dir.path() / ".lmstudio" / "models";
  llmhw::test::write_lm_studio_gguf(current, "acme", "Tiny-GGUF", "tiny-Q4_K_M.gguf");
  llmhw::test::write_lm_studio_gguf(current, "acme", "Tiny-GGUF", "tiny-Q8_0.gguf");
  llmhw::test::write_lm_studio_gguf(dir.path() / ".cache" / "lm-studio" / "models", "old", "Legacy-GGUF",
                                    "legacy.gguf");
  const LocalScan scan = llmhw::model::scan_local_stores(roots_in(dir));
  REQUIRE(scan.models.size() == 3);
  CHECK(named(scan, "old/Legacy-GGUF") != nullptr);

  // Two files under one name: the name alone is ambiguous, and the error lists what to type instead.
  auto ambiguous = llmhw::model::find_local("acme/tiny-gguf", scan);
  REQUIRE_FALSE(ambiguous.ok());
  CHECK(ambiguous.error().problem.find("acme/Tiny-GGUF/tiny-Q8_0.gguf") != std::string::npos);
  auto one = llmhw::model::find_local("acme/Tiny-GGUF/tiny-Q8_0.gguf", scan);
  REQUIRE(one.ok());
  REQUIRE(*one);
  CHECK((*one)->file == "tiny-Q8_0.gguf");
  auto none = llmhw::model::find_local("acme/other", scan);
  REQUIRE(none.ok());
  CHECK_FALSE(*none);
}

TEST_CASE("a store scan stops after its entry bound, with a warning", "[model][local]")
{
  llmhw::test::TempDir dir;
  const fs::path root = dir.path() / ".lmstudio" / "models" / "many";
  fs::create_directories(root);
  for (std::size_t i = 0; i < llmhw::model::k_max_store_entries + 10; ++i) {
    std::ofstream(root / ("f" + std::to_string(i) + ".txt")) << "";
  }
  const LocalScan scan = llmhw::model::scan_local_stores(roots_in(dir));
  CHECK(scan.models.empty());
  REQUIRE(scan.warnings.size() == 1);
  CHECK(scan.warnings.front().find("stopped after 10,000") != std::string::npos);
}
