// `llm-hw models --fit` (which models run here) and `llm-hw models --local`
// (which models are here), run through the real binary. Local stores are laid
// out in a temp HOME as the HF hub, Ollama and LM Studio lay them out; the
// environment is the test's, never the developer's own caches.
#include "support/run_binary.hpp"
#include "support/schema_check.hpp"
#include "support/temp_dir.hpp"
#include "unit/model/store_fixtures.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

using llmhw::test::run_llm_hw;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string k_revision = "89abcdef0123456789abcdef0123456789abcdef";

/// A HOME holding one model per store: an HF safetensors repo, an Ollama tag and an LM Studio GGUF.
struct Stores {
  llmhw::test::TempDir home;

  Stores()
  {
    llmhw::test::write_hf_repo(home.path() / ".cache" / "huggingface" / "hub", "acme/Tiny-Llama", k_revision,
                               {{"config.json", llmhw::test::tiny_config_json()},
                                {"model.safetensors", llmhw::test::tiny_safetensors()}});
    llmhw::test::write_ollama_model(home.path() / ".ollama" / "models", "tinyllama", "latest", std::string(64, 'b'));
    llmhw::test::write_ollama_model(home.path() / ".ollama" / "models", "my-tiny", "latest", std::string(64, '9'));
    llmhw::test::write_lm_studio_gguf(home.path() / ".lmstudio" / "models", "acme", "Tiny-GGUF", "tiny-Q4_K_M.gguf");
  }

  /// The test's environment with this HOME and none of the tools' own variables.
  [[nodiscard]] std::map<std::string, std::string> environment() const
  {
    return {{"HOME", home.path().string()}, {"HF_HOME", ""}, {"HF_HUB_CACHE", ""}, {"OLLAMA_MODELS", ""}};
  }
};

/// This machine replaced by the 2-vCPU VM fixture: a CPU and no accelerator.
std::map<std::string, std::string> on_vm(std::map<std::string, std::string> environment)
{
  environment["LLM_HW_ROOT"] = std::string(LLM_HW_TEST_FIXTURES) + "/machines/this-vm";
  environment["LLM_HW_NO_NVML"] = "1";
  return environment;
}

json valid_json(const llmhw::test::RunResult& result, const std::string& schema)
{
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto check = llmhw::test::check_against_schema(result.out, schema);
  INFO(check.problems);
  CHECK(check.valid);
  return json::parse(result.out);
}

const json* row_named(const json& fit, const std::string& model)
{
  for (const json& row : fit["models"]) {
    if (row["model"] == model) {
      return &row;
    }
  }
  return nullptr;
}

int verdict_rank(const json& row)
{
  const std::string verdict = row["verdict"].get<std::string>();
  return verdict == "meets" ? 0 : verdict == "misses" ? 1 : 2;
}

} // namespace

TEST_CASE("models --local lists the fixture stores' models in text and JSON", "[cli][local]")
{
  const Stores stores;
  const auto text = run_llm_hw({"models", "--local"}, stores.environment());
  INFO(text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("acme/Tiny-Llama") != std::string::npos);
  CHECK(text.out.find("tinyllama:latest") != std::string::npos);
  CHECK(text.out.find("acme/Tiny-GGUF/tiny-Q4_K_M.gguf") != std::string::npos);
  CHECK(text.out.find(stores.home.path().string() + "/.ollama/models") != std::string::npos);

  const json document = valid_json(run_llm_hw({"models", "--local", "--json"}, stores.environment()), "local-models");
  REQUIRE(document["models"].size() == 4);
  std::map<std::string, std::string> stores_of;
  for (const json& model : document["models"]) {
    stores_of[model["name"].get<std::string>()] = model["store"].get<std::string>();
    CHECK(fs::exists(model["path"].get<std::string>()));
  }
  CHECK(stores_of["acme/Tiny-Llama"] == "hf-cache");
  CHECK(stores_of["tinyllama:latest"] == "ollama");
  CHECK(stores_of["acme/Tiny-GGUF"] == "lm-studio");

  const auto markdown = run_llm_hw({"models", "--local", "--format", "markdown"}, stores.environment());
  REQUIRE(markdown.exit_code == 0);
  CHECK(markdown.out.find("| HF cache | acme/Tiny-Llama |") != std::string::npos);
}

TEST_CASE("HF_HUB_CACHE and OLLAMA_MODELS move the stores, as they do for those tools", "[cli][local]")
{
  const llmhw::test::TempDir dir;
  llmhw::test::write_hf_repo(dir.path() / "hub", "acme/Tiny-Llama", k_revision,
                             {{"config.json", llmhw::test::tiny_config_json()}});
  llmhw::test::write_ollama_model(dir.path() / "ollama", "tinyllama", "1b", std::string(64, 'a'));
  const json document = valid_json(run_llm_hw({"models", "--local", "--json"},
                                              {{"HOME", (dir.path() / "empty-home").string()},
                                               {"HF_HOME", ""},
                                               {"HF_HUB_CACHE", (dir.path() / "hub").string()},
                                               {"OLLAMA_MODELS", (dir.path() / "ollama").string()}}),
                                   "local-models");
  REQUIRE(document["models"].size() == 2);
  CHECK(document["stores"]["hf-cache"] == (dir.path() / "hub").string());
  CHECK(document["models"][0]["format"] == "config");
  CHECK(document["models"][1]["name"] == "tinyllama:1b");
}

TEST_CASE("advise --model org/name and name:tag use the local copy and say so", "[cli][local]")
{
  const Stores stores;
  const json hf = valid_json(
      run_llm_hw({"advise", "--model", "acme/Tiny-Llama", "--target", "l4", "--json"}, stores.environment()), "advice");
  CHECK(hf["model"]["name"] == "acme/Tiny-Llama");
  CHECK(hf["model"]["source"] == "safetensors");
  CHECK(hf["model"]["local_source"].get<std::string>().rfind("local: HF cache, ", 0) == 0);

  const json ollama = valid_json(
      run_llm_hw({"advise", "--model", "tinyllama:latest", "--target", "l4", "--json"}, stores.environment()),
      "advice");
  CHECK(ollama["model"]["name"] == "tinyllama:latest");
  CHECK(ollama["model"]["quant"] == "q4_k_m");
  CHECK(ollama["model"]["local_source"].get<std::string>().rfind("local: Ollama, ", 0) == 0);

  const auto text = run_llm_hw({"advise", "--model", "tinyllama:latest", "--target", "l4"}, stores.environment());
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("local: Ollama") != std::string::npos);

  // A bare name the catalog does not know is looked for in Ollama as name:latest; one it knows stays the catalog's.
  const json bare = valid_json(
      run_llm_hw({"advise", "--model", "my-tiny", "--target", "l4", "--json"}, stores.environment()), "advice");
  CHECK(bare["model"]["name"] == "my-tiny:latest");
  const json known = valid_json(
      run_llm_hw({"advise", "--model", "tinyllama", "--target", "l4", "--json"}, stores.environment()), "advice");
  CHECK(known["model"]["id"] == "tinyllama-1.1b");
  CHECK(known["model"]["local_source"].is_null());

  // A catalog name with no local copy stays the catalog's, with no local source.
  const json catalog = valid_json(
      run_llm_hw({"advise", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--target", "l4", "--json"},
                 stores.environment()),
      "advice");
  CHECK(catalog["model"]["id"] == "llama-3.1-8b");
  CHECK(catalog["model"]["local_source"].is_null());
}

TEST_CASE("models --fit on this machine ranks catalog and local models, meets first", "[cli][fit]")
{
  const Stores stores;
  const json fit = valid_json(
      run_llm_hw({"models", "--fit", "--workload", "chat", "--concurrency", "1", "--json"}, on_vm(stores.environment())),
      "fit");
  CHECK(fit["workload"]["concurrency"] == 1);
  const json& models = fit["models"];
  REQUIRE(models.size() > 80);
  // The order: verdicts in turn; within those that meet every requirement, the largest first.
  for (std::size_t i = 1; i < models.size(); ++i) {
    INFO(models[i - 1]["model"] << " before " << models[i]["model"]);
    REQUIRE(verdict_rank(models[i - 1]) <= verdict_rank(models[i]));
    if (models[i]["verdict"] == "meets" && models[i - 1]["verdict"] == "meets") {
      CHECK(models[i - 1]["params"].get<std::uint64_t>() >= models[i]["params"].get<std::uint64_t>());
    }
  }
  CHECK(fit["counts"]["meets"].get<std::size_t>() + fit["counts"]["misses"].get<std::size_t>() +
            fit["counts"]["does_not_fit"].get<std::size_t>() ==
        models.size());

  // A 405B model does not fit a 2-vCPU VM, and says how much it needs; a tiny local model meets the chat limits.
  const json* huge = row_named(fit, "llama-3.1-405b");
  REQUIRE(huge != nullptr);
  CHECK((*huge)["verdict"] == "does-not-fit");
  CHECK((*huge)["missed"] == json::array({"fits"}));
  CHECK((*huge)["reason"].get<std::string>().rfind("needs ", 0) == 0);
  const json* local = row_named(fit, "acme/Tiny-Llama");
  REQUIRE(local != nullptr);
  CHECK((*local)["source"] == "hf-cache");
  CHECK((*local)["verdict"] == "meets");
  CHECK((*local)["best"]["device"] == "cpu0");
  const json* ollama = row_named(fit, "tinyllama:latest");
  REQUIRE(ollama != nullptr);
  CHECK((*ollama)["source"] == "ollama");
  CHECK((*ollama)["best"]["quant"] == "q4_k_m");
  // What misses says which requirement, and a ratio over 1.
  for (const json& row : models) {
    if (row["verdict"] == "misses") {
      CHECK_FALSE(row["missed"].empty());
      CHECK(row["reason"].get<std::string>().find("×") != std::string::npos);
    }
  }
}

TEST_CASE("models --fit picks the best candidate advise would recommend", "[cli][fit]")
{
  const Stores stores;
  const json fit = valid_json(run_llm_hw({"models", "--fit", "--target", "rtx-4090", "--target", "l4",
                                          "--max-ttft-ms", "300", "--json"},
                                         stores.environment()),
                              "fit");
  for (const std::string model : {"llama-3.1-8b", "qwen3-30b-a3b", "llama-3.1-70b"}) {
    const json advice = valid_json(run_llm_hw({"advise", "--model", model, "--target", "rtx-4090", "--target", "l4",
                                               "--max-ttft-ms", "300", "--json"}),
                                   "advice");
    const json* row = row_named(fit, model);
    REQUIRE(row != nullptr);
    const json& first = advice["candidates"][0];
    INFO(model);
    CHECK((*row)["best"]["device"] == first["device"]);
    CHECK((*row)["best"]["framework"] == first["framework"]);
    CHECK((*row)["best"]["quant"] == first["quant"]);
    CHECK((*row)["best"]["count"] == first["count"]);
    CHECK((*row)["best"]["score"] == first["score"]);
  }
}

TEST_CASE("models --fit over a fleet names the host of each best candidate", "[cli][fit]")
{
  const llmhw::test::TempDir dir;
  const auto probed = run_llm_hw({"probe", "--json"},
                                 {{"LLM_HW_ROOT", std::string(LLM_HW_TEST_FIXTURES) + "/machines/mi300x-2"},
                                  {"LLM_HW_NO_NVML", "1"}});
  REQUIRE(probed.exit_code == 0);
  const auto vm = run_llm_hw({"probe", "--json"}, on_vm({}));
  REQUIRE(vm.exit_code == 0);
  const json fit = valid_json(run_llm_hw({"models", "--fit", "--hardware", dir.write("mi300x.json", probed.out),
                                          "--hardware", dir.write("vm.json", vm.out), "--json"},
                                         {{"HOME", dir.path().string()}, {"HF_HUB_CACHE", ""}, {"HF_HOME", ""},
                                          {"OLLAMA_MODELS", ""}}),
                              "fit");
  CHECK(fit["hardware"].size() >= 2);
  const json* big = row_named(fit, "llama-3.1-70b");
  REQUIRE(big != nullptr);
  REQUIRE(big->at("best").is_object());
  CHECK(big->at("best")["host"].is_string());
  CHECK(big->at("best")["framework"].is_string());
}

TEST_CASE("models --fit as text fits 80 columns and as markdown has a table per verdict", "[cli][fit]")
{
  const Stores stores;
  const auto text = llmhw::test::run_llm_hw_in_terminal({"models", "--fit", "--concurrency", "1"},
                                                        on_vm(stores.environment()), 80);
  INFO(text.out);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("Meets every requirement") != std::string::npos);
  CHECK(text.out.find("Does not run here") != std::string::npos);
  for (std::string line : llmhw::test::lines(text.out)) {
    if (!line.empty() && line.back() == '\r') { // the terminal's line ending
      line.pop_back();
    }
    std::size_t columns = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\x1b') { // a colour sequence takes no columns
        i = line.find('m', i);
        continue;
      }
      columns += (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80 ? 1 : 0;
    }
    CHECK(columns <= 80);
  }
  // Model names are what --model takes: never cut.
  CHECK(text.out.find("llama-3.1-405b ") != std::string::npos);

  // -v adds each runnable model's engine command, whole.
  const auto verbose = run_llm_hw({"models", "--fit", "--target", "rtx-4090", "-v"}, stores.environment());
  REQUIRE(verbose.exit_code == 0);
  const json fit =
      valid_json(run_llm_hw({"models", "--fit", "--target", "rtx-4090", "--json"}, stores.environment()), "fit");
  const json* row = row_named(fit, "llama-3.1-8b");
  REQUIRE(row != nullptr);
  CHECK(verbose.out.find("\nllama-3.1-8b\n  " + (*row)["best"]["command"].get<std::string>() + "\n") !=
        std::string::npos);
  const auto markdown =
      run_llm_hw({"models", "--fit", "--target", "rtx-4090", "--format", "markdown"}, stores.environment());
  REQUIRE(markdown.exit_code == 0);
  CHECK(markdown.out.find("#### Meets every requirement\n\n| MODEL |") != std::string::npos);
  CHECK(markdown.out.find("| acme/Tiny-Llama* |") != std::string::npos);
  CHECK(markdown.out.find("| acme/Tiny-GGUF/tiny-Q4_K_M.gguf* |") != std::string::npos);
}

TEST_CASE("models: advice options without --fit, and --fit with --model, are refused in one line", "[cli][fit]")
{
  const auto workload = run_llm_hw({"models", "--workload", "chat"});
  CHECK(workload.exit_code == 2);
  CHECK(workload.err.find("--workload") != std::string::npos);
  CHECK(workload.err.find("--fit") != std::string::npos);
  CHECK(llmhw::test::lines(workload.err).size() == 1);
  CHECK(workload.out.empty());

  const auto model = run_llm_hw({"models", "--fit", "--model", "llama-3.1-8b"});
  CHECK(model.exit_code == 2);
  CHECK(model.err.find("--model") != std::string::npos);
  CHECK(model.out.empty());

  const auto target = run_llm_hw({"models", "--fit", "--target", "no-such-gpu"});
  CHECK(target.exit_code == 2);
  CHECK(llmhw::test::lines(target.err).size() == 1);
  CHECK(target.out.empty());
}
