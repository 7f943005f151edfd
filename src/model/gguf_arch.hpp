#pragma once
// Internal: a GGUF file's metadata as an Architecture.

#include "llmhw/model/architecture.hpp"
#include "llmhw/model/gguf.hpp"

#include <string>
#include <vector>

namespace llmhw::model::detail {

/// Reads "{arch}.block_count", "{arch}.attention.head_count_kv", … (llama.cpp
/// llama-arch.cpp LLM_KV_*) from `header`; `tensors` are every part's tensor
/// infos (the vocabulary and tied embeddings show in them). Throws InputError
/// naming the file and the key.
Architecture gguf_architecture(const gguf::Header& header, const std::vector<gguf::TensorInfo>& tensors,
                               std::vector<std::string>& assumptions);

} // namespace llmhw::model::detail
