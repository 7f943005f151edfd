// Every model in data/models.json: its config parses, and the parameters
// derived from it agree with the figure its publisher states (the entry's
// "params"/"active_params", each cited in its "source"). A wrong hidden size
// or layer count in the catalog shows up here as a mismatch.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using llmhw::test::builtin_catalog;

namespace {

double relative_error(double derived, double published)
{
  return std::abs(derived - published) / published;
}

} // namespace

TEST_CASE("the catalog holds at least 70 models, each with a HF repository and a source", "[model][catalog]")
{
  CHECK(builtin_catalog().models.size() >= 70);
  for (const auto& entry : builtin_catalog().models) {
    INFO(entry.id);
    CHECK(entry.hf_repo.has_value());
    CHECK_FALSE(entry.source.empty());
    CHECK(builtin_catalog().find_quant(entry.native_quant) != nullptr);
  }
}

TEST_CASE("every catalog model's derived parameters match its published count within 2%", "[model][catalog]")
{
  for (const auto& entry : builtin_catalog().models) {
    INFO(entry.id << ": " << entry.source);
    auto model = llmhw::model::load(entry.id, builtin_catalog());
    REQUIRE(model.ok());
    CHECK(model->params == model->parameters.total());
    CHECK(relative_error(static_cast<double>(model->params), static_cast<double>(entry.params)) < 0.02);
    if (entry.active_params == entry.params) { // dense: every text parameter is read
      CHECK(model->active_params == model->params - model->parameters.vision);
      continue;
    }
    // Model cards count active parameters two ways: with the input embedding
    // table (Mistral, Qwen, Meta) or without it, as a token reads one row of it
    // (OpenAI, DeepSeek). One of the two must match.
    const double with_embedding = static_cast<double>(model->active_params);
    const double without_embedding = with_embedding - static_cast<double>(model->parameters.embedding);
    const double published = static_cast<double>(entry.active_params);
    CHECK(std::min(relative_error(with_embedding, published), relative_error(without_embedding, published)) < 0.025);
  }
}

TEST_CASE("catalog models resolve by id, HF repository and Ollama tag, whatever the case", "[model][catalog]")
{
  std::set<std::string> names;
  for (const auto& entry : builtin_catalog().models) {
    INFO(entry.id);
    CHECK(builtin_catalog().find_model(entry.id) == &entry);
    if (entry.hf_repo) {
      CHECK(builtin_catalog().find_model(*entry.hf_repo) == &entry);
    }
    if (entry.ollama) {
      CHECK(builtin_catalog().find_model(*entry.ollama) == &entry);
      CHECK(names.insert(*entry.ollama).second); // no two models share a tag
    }
  }
  // The examples.
  for (const char* name : {"llama-3.1-8b", "qwen3-30b-a3b", "deepseek-r1", "phi-4", "gpt-oss-20b", "llama-4-scout",
                           "llama-2-70b", "META-LLAMA/LLAMA-3.1-8B-INSTRUCT", "Qwen3:30B", "gpt-oss:120b"}) {
    INFO(name);
    CHECK(llmhw::model::load(name, builtin_catalog()).ok());
  }
}
