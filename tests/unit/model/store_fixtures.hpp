#pragma once
// Test support: local model stores laid out as the tools lay them out (the HF
// cache per huggingface.co/docs/hub/local-cache, Ollama per its server's
// manifest and blob store, LM Studio's publisher/repo folders), with small
// real model files in them.

#include <filesystem>
#include <map>
#include <string>

namespace llmhw::test {

/// A Llama-shaped config.json (hidden 256, 2 layers, 4 heads of 64, 2 KV heads, FFN 512, vocabulary 1000, bf16).
std::string tiny_config_json();

/// The same shape as a safetensors file in BF16: its tensors' bytes are zeros.
std::string tiny_safetensors();

/// The same shape as a GGUF file (Q4_K and Q6_K tensors, general.file_type 15), written at `path`.
void write_tiny_gguf(const std::filesystem::path& path);

/// A repo in an HF cache at `hub`: each file a blob under blobs/ and a relative link to it from
/// snapshots/<revision>/, as huggingface_hub writes them; refs/main names the revision when `main` is set.
/// `files`: name (may hold a subfolder: "Q8_0/tiny.gguf") → content; a *.gguf is written with write_tiny_gguf
/// whatever its content.
void write_hf_repo(const std::filesystem::path& hub, const std::string& repo, const std::string& revision,
                   const std::map<std::string, std::string>& files, bool main = true);

/// An Ollama model `name:tag` in the store at `models` (registry.ollama.ai/library): a manifest with a config, a
/// model layer (a tiny GGUF blob) and a template layer. Returns the model blob's path.
std::filesystem::path write_ollama_model(const std::filesystem::path& models, const std::string& name,
                                         const std::string& tag, const std::string& hex_digest);

/// `file` (a tiny GGUF) in LM Studio's models folder `root`: root/publisher/repo/file.
std::filesystem::path write_lm_studio_gguf(const std::filesystem::path& root, const std::string& publisher,
                                           const std::string& repo, const std::string& file);

} // namespace llmhw::test
