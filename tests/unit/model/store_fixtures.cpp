#include "store_fixtures.hpp"

#include "gguf_writer.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace llmhw::test {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& content)
{
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

/// A 64-digit hex name derived from `seed` (the cache names blobs by their hash; nothing reads it back as one).
std::string blob_name(const std::string& seed)
{
  std::string hex;
  for (std::size_t round = 0; hex.size() < 64; ++round) {
    hex += fmt::format("{:016x}", std::hash<std::string>{}(seed + std::to_string(round)));
  }
  return hex.substr(0, 64);
}

} // namespace

std::string tiny_config_json()
{
  return nlohmann::json{{"model_type", "llama"},
                        {"architectures", {"LlamaForCausalLM"}},
                        {"hidden_size", 256},
                        {"intermediate_size", 512},
                        {"num_hidden_layers", 2},
                        {"num_attention_heads", 4},
                        {"num_key_value_heads", 2},
                        {"vocab_size", 1000},
                        {"tie_word_embeddings", true},
                        {"torch_dtype", "bfloat16"},
                        {"max_position_embeddings", 4096}}
      .dump();
}

std::string tiny_safetensors()
{
  nlohmann::json header = nlohmann::json::object();
  std::uint64_t offset = 0;
  const auto add = [&](const std::string& name, std::vector<std::uint64_t> shape) {
    std::uint64_t elements = 1;
    for (std::uint64_t extent : shape) {
      elements *= extent;
    }
    header[name] = {{"dtype", "BF16"}, {"shape", shape}, {"data_offsets", {offset, offset + elements * 2}}};
    offset += elements * 2;
  };
  add("model.embed_tokens.weight", {1000, 256});
  for (int layer = 0; layer < 2; ++layer) {
    const std::string prefix = "model.layers." + std::to_string(layer) + ".";
    add(prefix + "input_layernorm.weight", {256});
    add(prefix + "self_attn.q_proj.weight", {256, 256});
    add(prefix + "self_attn.k_proj.weight", {128, 256});
    add(prefix + "self_attn.v_proj.weight", {128, 256});
    add(prefix + "self_attn.o_proj.weight", {256, 256});
    add(prefix + "post_attention_layernorm.weight", {256});
    add(prefix + "mlp.gate_proj.weight", {512, 256});
    add(prefix + "mlp.up_proj.weight", {512, 256});
    add(prefix + "mlp.down_proj.weight", {256, 512});
  }
  add("model.norm.weight", {256});
  header["__metadata__"] = {{"format", "pt"}};
  const std::string text = header.dump();
  Bytes bytes;
  bytes.u64(text.size()).raw(text).raw(std::string(offset, '\0'));
  return bytes.str();
}

void write_tiny_gguf(const fs::path& path)
{
  const GgufWriter file = tiny_llama_gguf();
  file.write(path);
}

void write_hf_repo(const fs::path& hub, const std::string& repo, const std::string& revision,
                   const std::map<std::string, std::string>& files, bool main)
{
  std::string folder = "models--" + repo;
  for (std::size_t at = folder.find('/'); at != std::string::npos; at = folder.find('/')) {
    folder.replace(at, 1, "--");
  }
  const fs::path root = hub / folder;
  fs::create_directories(root / "snapshots" / revision);
  for (const auto& [name, content] : files) {
    const std::string blob = blob_name(repo + "/" + revision + "/" + name);
    const fs::path blob_path = root / "blobs" / blob;
    if (name.size() > 5 && name.substr(name.size() - 5) == ".gguf") {
      fs::create_directories(blob_path.parent_path());
      write_tiny_gguf(blob_path);
    } else {
      write_file(blob_path, content);
    }
    // A relative link, as huggingface_hub makes it: up to the repo folder from wherever the file sits.
    const fs::path link = root / "snapshots" / revision / name;
    fs::create_directories(link.parent_path());
    fs::create_symlink((root / "blobs" / blob).lexically_relative(link.parent_path()), link);
  }
  if (main) {
    write_file(root / "refs" / "main", revision);
  }
}

fs::path write_ollama_model(const fs::path& models, const std::string& name, const std::string& tag,
                            const std::string& hex_digest)
{
  const fs::path blob = models / "blobs" / ("sha256-" + hex_digest);
  fs::create_directories(blob.parent_path());
  write_tiny_gguf(blob);
  const std::string config_digest(64, 'c');
  const std::string template_digest(64, 'e');
  write_file(models / "blobs" / ("sha256-" + config_digest), R"({"model_format":"gguf","model_family":"llama"})");
  write_file(models / "blobs" / ("sha256-" + template_digest), "{{ .Prompt }}");
  const nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
      {"config",
       {{"mediaType", "application/vnd.docker.container.image.v1+json"},
        {"digest", "sha256:" + config_digest},
        {"size", 45}}},
      {"layers",
       {{{"mediaType", "application/vnd.ollama.image.model"},
         {"digest", "sha256:" + hex_digest},
         {"size", static_cast<std::uint64_t>(fs::file_size(blob))}},
        {{"mediaType", "application/vnd.ollama.image.template"},
         {"digest", "sha256:" + template_digest},
         {"size", 13}}}}};
  write_file(models / "manifests" / "registry.ollama.ai" / "library" / name / tag, manifest.dump());
  return blob;
}

fs::path write_lm_studio_gguf(const fs::path& root, const std::string& publisher, const std::string& repo,
                              const std::string& file)
{
  const fs::path path = root / publisher / repo / file;
  fs::create_directories(path.parent_path());
  write_tiny_gguf(path);
  return path;
}

} // namespace llmhw::test
