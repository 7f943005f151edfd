#pragma once
// What a model costs, whatever the user hands in: a catalog name, a HF folder
// or config.json, a GGUF file, or safetensors files.

#include "llmhw/model/architecture.hpp"
#include "llmhw/model/params.hpp"
#include "llmhw/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::catalog {
struct Catalog;
struct QuantFormat;
struct ModelEntry;
} // namespace llmhw::catalog

namespace llmhw::model {

enum class ModelSource { catalog, hf_config, gguf, safetensors };

std::string to_string(ModelSource source);

struct ModelSpec {
  std::string name;                      ///< "Llama 3.1 8B Instruct", or the file's name
  std::optional<std::string> catalog_id; ///< "llama-3.1-8b" when it is a catalog entry
  ModelSource source = ModelSource::catalog;
  std::optional<std::string> path;       ///< the file or folder it was read from
  std::optional<std::string> hf_repo;    ///< "meta-llama/Llama-3.1-8B-Instruct", for engine commands
  std::optional<std::string> ollama_tag; ///< "llama3.1:8b"
  Architecture arch;
  std::uint64_t params = 0;        ///< total parameters (= parameters.total())
  std::uint64_t active_params = 0; ///< parameters one token reads (model/params.hpp states the convention)
  ParameterCounts parameters;      ///< the same, by tensor role
  std::string native_quant;        ///< quants.json id of the weights as distributed ("bf16", "fp8", "q4_k_m")
  /// Exact bytes of the weights in native_quant, summed from tensor headers,
  /// when a file was given; otherwise derived from the parameters.
  std::optional<std::uint64_t> file_weight_bytes;
  std::vector<std::string> assumptions; ///< what was inferred rather than read ("head_dim taken as hidden/heads")
  /// What the sizing may get wrong because the file says something llm-hw does not know (an
  /// unknown quant_method sized at torch_dtype); shown with the advice's warnings.
  std::vector<std::string> warnings;
  std::string source_note;              ///< the config or paper the shape comes from
  std::optional<std::string> local_source; ///< "local: HF cache, <path>" when read from a local model store
};

/// Resolves `name_or_path`: an existing path is read as a file or folder,
/// anything else is looked up in the catalog (id, HF repo, Ollama tag, alias;
/// case-insensitive). Unknown names get a "did you mean"; unreadable or
/// malformed files an Error naming the file and the offset or field.
Result<ModelSpec> load(const std::string& name_or_path, const catalog::Catalog& catalog);

/// A catalog entry as `--model ID` loads it (its config read, its parameters counted from the architecture),
/// without looking for a file of that name.
Result<ModelSpec> load_entry(const catalog::ModelEntry& entry, const catalog::Catalog& catalog);

/// Bytes of the weights stored as `quant`. Exact when `quant` is the model's
/// native format and tensor sizes were read from a file; otherwise each tensor
/// role is priced at the width `quant` gives it (embeddings, norms and, for
/// some formats, attention stay wider than the layers' matrices).
std::uint64_t weight_bytes(const ModelSpec& model, const catalog::QuantFormat& quant);

/// Bytes of weights one decode step reads at batch size 1: the active
/// parameters, less the embedding table (a lookup reads one row of it) unless
/// it doubles as the output projection.
std::uint64_t weight_bytes_read_per_token(const ModelSpec& model, const catalog::QuantFormat& quant);

/// KV-cache bytes one token adds at short context: every layer's K and V
/// (MLA: the latent plus the RoPE key), at `bytes_per_element`.
std::uint64_t kv_bytes_per_token(const Architecture& arch, double bytes_per_element);

/// KV-cache bytes of one sequence of `context_tokens`, with sliding-window
/// layers capped at their window.
std::uint64_t kv_cache_bytes(const Architecture& arch, std::uint64_t context_tokens, double bytes_per_element);

/// Bytes per cached element in `quant` (bf16: 2, fp8: 1, q8_0: 34/32).
double kv_bytes_per_element(const catalog::QuantFormat& quant);

} // namespace llmhw::model
