// model::load decides what it was handed: a catalog name, a folder, a file.

#include "gguf_writer.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"
#include "support/temp_dir.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

using llmhw::test::builtin_catalog;

namespace {

/// A one-tensor GGUF model.
llmhw::test::GgufWriter small_gguf()
{
  llmhw::test::GgufWriter file;
  file.string("general.architecture", "llama")
      .u32("llama.embedding_length", 64)
      .u32("llama.block_count", 1)
      .u32("llama.attention.head_count", 2)
      .tensor("token_embd.weight", {64, 10}, 0, 2560);
  return file;
}

} // namespace

TEST_CASE("catalog names resolve to catalog models with their serving names", "[model][load]")
{
  auto model = llmhw::model::load("llama3.1:8b", builtin_catalog());
  REQUIRE(model.ok());
  CHECK(model->source == llmhw::model::ModelSource::catalog);
  CHECK(model->catalog_id == "llama-3.1-8b");
  CHECK(model->hf_repo == "meta-llama/Llama-3.1-8B-Instruct");
  CHECK(model->ollama_tag == "llama3.1:8b");
  CHECK(model->native_quant == "bf16");
  CHECK(model->arch.max_context == 131'072);
}

TEST_CASE("an unknown name gets a suggestion", "[model][load]")
{
  auto model = llmhw::model::load("llama-3.1-7b", builtin_catalog());
  REQUIRE_FALSE(model.ok());
  CHECK(model.error().input == "--model llama-3.1-7b");
  CHECK_THAT(model.error().problem, Catch::Contains("did you mean 'llama-3.1-8b'"));
}

TEST_CASE("folders and files are read by what they hold", "[model][load]")
{
  llmhw::test::TempDir dir;
  SECTION("a folder with one GGUF model, named by extension or by magic")
  {
    small_gguf().write(dir.path() / "only" / "model.gguf");
    auto model = llmhw::model::load((dir.path() / "only").string(), builtin_catalog());
    REQUIRE(model.ok());
    CHECK(model->source == llmhw::model::ModelSource::gguf);
    small_gguf().write(dir.path() / "renamed.bin");
    CHECK(llmhw::model::load((dir.path() / "renamed.bin").string(), builtin_catalog()).ok());
  }
  SECTION("a folder with two GGUF models must be narrowed down")
  {
    std::filesystem::create_directories(dir.path() / "two");
    small_gguf().write(dir.path() / "two" / "a.gguf");
    small_gguf().write(dir.path() / "two" / "b.gguf");
    auto model = llmhw::model::load((dir.path() / "two").string(), builtin_catalog());
    REQUIRE_FALSE(model.ok());
    CHECK_THAT(model.error().problem, Catch::Contains("holds 2 GGUF models; name one"));
  }
  SECTION("an empty folder, a text file")
  {
    std::filesystem::create_directories(dir.path() / "empty");
    auto empty = llmhw::model::load((dir.path() / "empty").string(), builtin_catalog());
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().problem == "no config.json, *.safetensors or *.gguf in this folder");
    const std::string text = dir.write("notes.txt", "not a model");
    auto file = llmhw::model::load(text, builtin_catalog());
    REQUIRE_FALSE(file.ok());
    CHECK(file.error().input == text);
    CHECK_THAT(file.error().problem, Catch::StartsWith("not a model file"));
  }
  SECTION("a config.json that is not JSON")
  {
    const std::string path = dir.write("broken/config.json", "{\"hidden_size\": ");
    auto model = llmhw::model::load(path, builtin_catalog());
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().input == path);
    CHECK_THAT(model.error().problem, Catch::StartsWith("not valid JSON at byte"));
  }
}
