#pragma once
// Published artifacts of catalog models (data/artifacts.json): the quantized checkpoints, GGUF files, Ollama tags
// and MaxText names an engine loads for a model in a precision, and the way an engine gets weights in that
// precision when nothing is published (it quantizes on load, or llama.cpp's tools convert them).

#include <optional>
#include <string>
#include <vector>

namespace llmhw::catalog {

struct Catalog;
struct EngineSpec;

/// One published artifact. Exactly one of repo, ollama and maxtext says what it is.
struct Artifact {
  std::string id;                     ///< "llama-3.1-8b.awq"
  std::string model;                  ///< catalog model id
  std::optional<std::string> quant;   ///< quants.json id of its weights; absent for a MaxText name
  std::optional<std::string> repo;    ///< Hugging Face repository
  std::optional<std::string> file;    ///< GGUF file in repo (a GGUF artifact)
  std::optional<std::string> format;  ///< checkpoint format: awq, gptq, compressed-tensors, modelopt, fp8, bnb
  std::optional<std::string> ollama;  ///< Ollama library tag, as the library spells it
  std::optional<std::string> maxtext; ///< MaxText model_name
  std::optional<std::string> checkpoint; ///< with maxtext: a published MaxText checkpoint (load_parameters_path)
  std::vector<std::string> engines;   ///< engines that load it; empty: every engine that runs its quant
  std::string source;
};

/// How an engine gets a catalog model's weights in a precision.
struct WeightsSource {
  enum class Kind {
    published,        ///< the model's own repository, as published (or cast to another 16-bit type on load)
    quantize_on_load, ///< the published weights, quantized by the engine as it loads them (vLLM --quantization fp8)
    artifact,         ///< a published checkpoint, GGUF file or Ollama tag (`artifact`)
    convert_locally,  ///< llama.cpp's converter and llama-quantize make the GGUF file from `repo`
  };
  Kind kind = Kind::published;
  std::string repo;                   ///< the repository loaded, or converted from
  const Artifact* artifact = nullptr; ///< set for Kind::artifact
};

/// What `engine` loads for catalog model `model_id` (published as `native_quant` in `hf_repo`) in `quant`;
/// nullopt when no artifact is known and the engine cannot make the weights itself.
std::optional<WeightsSource> weights_source(const Catalog& catalog, const EngineSpec& engine,
                                            const std::string& model_id, const std::string& hf_repo,
                                            const std::string& native_quant, const std::string& quant);

/// The MaxText model_name of a catalog model, when MaxText implements it.
const Artifact* maxtext_artifact(const Catalog& catalog, const std::string& model_id);

/// Whether the engine loads GGUF files (llama.cpp, Ollama) rather than Hugging Face checkpoints.
bool loads_gguf(const Catalog& catalog, const EngineSpec& engine);

} // namespace llmhw::catalog
