// Which published artifact an engine loads for a model in a precision, or how the engine makes those weights.
#include "llmhw/catalog/artifacts.hpp"

#include "llmhw/catalog/catalog.hpp"

#include <algorithm>

namespace llmhw::catalog {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value)
{
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_16_bit(const std::string& quant)
{
  return quant == "bf16" || quant == "fp16" || quant == "fp32";
}

/// Whether the artifact is one this engine can load: a GGUF file or Ollama tag for GGUF engines (the tags only for
/// Ollama), a Hugging Face checkpoint for the others, and the engine among those the artifact names.
bool loadable(const Artifact& artifact, const EngineSpec& engine, bool engine_loads_gguf)
{
  if (!artifact.engines.empty() && !contains(artifact.engines, engine.id)) {
    return false;
  }
  if (artifact.maxtext) {
    return false;
  }
  if (!engine_loads_gguf) {
    return artifact.repo && !artifact.file;
  }
  return artifact.file.has_value() || (artifact.ollama && engine.id == "ollama");
}

/// The first artifact of the model in `quant` that the engine loads; Ollama prefers its library's tag.
/// `engine_loads_gguf` is loads_gguf(catalog, engine), which the caller computes once.
const Artifact* find_artifact(const Catalog& catalog, const EngineSpec& engine, bool engine_loads_gguf,
                              const std::string& model_id, const std::string& quant)
{
  const Artifact* found = nullptr;
  for (const Artifact& artifact : catalog.artifacts) {
    if (artifact.model != model_id || artifact.quant != quant || !loadable(artifact, engine, engine_loads_gguf)) {
      continue;
    }
    if (artifact.ollama) {
      return &artifact;
    }
    if (found == nullptr) {
      found = &artifact;
    }
  }
  return found;
}

/// 16-bit weights to quantize or convert from: the published ones, or a published bf16 checkpoint of a model
/// released in fp8 or mxfp4.
std::optional<std::string> sixteen_bit_repo(const Catalog& catalog, const std::string& model_id,
                                            const std::string& hf_repo, const std::string& native_quant)
{
  if (is_16_bit(native_quant)) {
    return hf_repo;
  }
  for (const Artifact& artifact : catalog.artifacts) {
    if (artifact.model == model_id && artifact.quant == "bf16" && artifact.repo && !artifact.file) {
      return artifact.repo;
    }
  }
  return std::nullopt;
}

} // namespace

bool loads_gguf(const Catalog& catalog, const EngineSpec& engine)
{
  return std::any_of(engine.quants.begin(), engine.quants.end(), [&](const std::string& id) {
    const QuantFormat* quant = catalog.find_quant(id);
    return quant != nullptr && quant->family == "gguf";
  });
}

std::optional<WeightsSource> weights_source(const Catalog& catalog, const EngineSpec& engine,
                                            const std::string& model_id, const std::string& hf_repo,
                                            const std::string& native_quant, const std::string& quant)
{
  using Kind = WeightsSource::Kind;
  const bool gguf = loads_gguf(catalog, engine);
  if (!gguf) {
    // Checkpoints as published, or cast to another 16-bit type as they load (vLLM --dtype half).
    if (quant == native_quant || (is_16_bit(quant) && is_16_bit(native_quant))) {
      return WeightsSource{Kind::published, hf_repo, nullptr};
    }
  }
  if (const Artifact* artifact = find_artifact(catalog, engine, gguf, model_id, quant)) {
    return WeightsSource{Kind::artifact, artifact->repo.value_or(""), artifact};
  }
  if (gguf && quant == "bf16") {
    // GGUF publishers and the Ollama library ship 16-bit weights as F16 (llama3.1:8b-instruct-fp16): same bytes.
    if (const Artifact* artifact = find_artifact(catalog, engine, gguf, model_id, "fp16")) {
      return WeightsSource{Kind::artifact, artifact->repo.value_or(""), artifact};
    }
  }
  if (!gguf && quant == "fp16") {
    // A published bf16 checkpoint of a model released in fp8 or mxfp4, cast to fp16 as it loads.
    if (const Artifact* artifact = find_artifact(catalog, engine, gguf, model_id, "bf16")) {
      return WeightsSource{Kind::artifact, *artifact->repo, artifact};
    }
  }
  if (engine.quantizes_on_load && contains(engine.quantizes_on_load->quants, quant) && is_16_bit(native_quant)) {
    return WeightsSource{Kind::quantize_on_load, hf_repo, nullptr};
  }
  if (engine.local_conversion && contains(engine.local_conversion->quants, quant)) {
    if (auto source = sixteen_bit_repo(catalog, model_id, hf_repo, native_quant)) {
      return WeightsSource{Kind::convert_locally, *source, nullptr};
    }
  }
  return std::nullopt;
}

const Artifact* maxtext_artifact(const Catalog& catalog, const std::string& model_id)
{
  for (const Artifact& artifact : catalog.artifacts) {
    if (artifact.model == model_id && artifact.maxtext) {
      return &artifact;
    }
  }
  return nullptr;
}

} // namespace llmhw::catalog
