#pragma once
// Internal: one parser for HF config.json documents, serving catalog entries
// (whose "config" holds the published config.json fields) and user folders.

#include "llmhw/model/architecture.hpp"
#include "llmhw/util/json_fields.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::model::detail {

/// What a config.json says about memory and speed.
struct HfConfig {
  Architecture arch;
  std::uint64_t vision_params = 0;      ///< vision tower + projector, when the config nests a vision_config
  std::optional<std::string> quant;     ///< quants.json id from quantization_config, else torch_dtype
  std::vector<std::string> assumptions; ///< defaults taken and estimates made
  std::vector<std::string> warnings;    ///< what llm-hw does not know and sized by a guess (ModelSpec::warnings)
};

/// Parses a config.json document. Throws InputError naming `input` and the
/// field (under `path`) on strings where numbers belong, negative or absurd
/// values, missing required fields and inconsistent shapes.
HfConfig parse_hf_config(const nlohmann::json& config, const std::string& input, const std::string& path);

/// The quants.json id a config's quantization_config and torch_dtype name;
/// nullopt (with a note in `assumptions`) when they name nothing llm-hw knows. A
/// quantization_config llm-hw cannot price adds a warning: the weights are sized at torch_dtype.
std::optional<std::string> hf_quant(const util::JsonObject& root, std::vector<std::string>& assumptions,
                                    std::vector<std::string>& warnings);

/// Parameters of a vision tower and its projector into a text model of
/// `text_hidden`, from a vision_config (a ViT: SigLIP, CLIP, Pixtral, …).
std::uint64_t vision_parameters(const util::JsonObject& vision, std::uint32_t text_hidden);

} // namespace llmhw::model::detail
