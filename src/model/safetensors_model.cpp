// safetensors weights: which files, their exact bytes, and the architecture
// from the config.json beside them (or, without one, from tensor shapes).

#include "hf_config.hpp"
#include "loaders.hpp"
#include "shape_checks.hpp"
#include "tensor_roles.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/safetensors.hpp"
#include "llmhw/util/checked.hpp"
#include "llmhw/util/json_fields.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace llmhw::model::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_max_shards = 4096;
// Tensors of all shards together: DeepSeek-V3, among the largest, has 91,000;
// each costs ~200 bytes here (its header entry and the name-to-shard map).
constexpr std::uint64_t k_max_model_tensors = 500'000;

struct Shards {
  fs::path folder;
  std::vector<fs::path> files;
  std::map<std::string, std::string> weight_map; ///< tensor -> shard file name, from an index
  std::optional<std::uint64_t> declared_bytes;   ///< the index's metadata.total_size
  std::optional<fs::path> index;
};

/// A shard named by an index must be a plain file name beside it.
std::string shard_name(const std::string& value, const std::string& index, const std::string& tensor)
{
  const bool plain = !value.empty() && value != "." && value != ".." &&
                     value.find_first_of("/\\") == std::string::npos && value.size() > 12 &&
                     value.substr(value.size() - 12) == ".safetensors";
  if (!plain) {
    throw InputError{
        Error{index, fmt::format("weight_map.{}: '{}' is not a .safetensors file name in this folder", tensor, value)}};
  }
  return value;
}

Shards from_index(const fs::path& index)
{
  auto document = util::read_json_file(index.string(), util::k_safetensors_index_bounds);
  if (!document) {
    throw InputError{document.error()};
  }
  auto root = util::root_object(*document, index.string());
  if (!root) {
    throw InputError{root.error()};
  }
  Shards shards;
  shards.folder = fs::absolute(index).parent_path();
  shards.index = index;
  const util::JsonObject weight_map = root->object("weight_map");
  std::set<std::string> files;
  for (const auto& [tensor, file] : weight_map.json().items()) {
    if (!file.is_string()) {
      weight_map.fail(tensor, "expected a file name");
    }
    files.insert(shard_name(file.get<std::string>(), index.string(), tensor));
    shards.weight_map.emplace(tensor, file.get<std::string>());
  }
  if (files.empty() || files.size() > k_max_shards) {
    root->fail("weight_map", fmt::format("expected 1 to {} shard files", k_max_shards));
  }
  for (const std::string& file : files) {
    shards.files.push_back(shards.folder / file);
  }
  if (auto metadata = root->optional_object("metadata")) {
    shards.declared_bytes = metadata->optional_count("total_size");
  }
  return shards;
}

Shards from_folder(const fs::path& folder)
{
  if (fs::exists(folder / "model.safetensors.index.json")) {
    return from_index(folder / "model.safetensors.index.json");
  }
  Shards shards;
  shards.folder = fs::absolute(folder);
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() == ".safetensors" && shards.files.size() < k_max_shards) {
      shards.files.push_back(entry.path());
    }
  }
  std::sort(shards.files.begin(), shards.files.end());
  return shards;
}

Shards locate(const fs::path& path)
{
  if (fs::is_directory(path)) {
    return from_folder(path);
  }
  const std::string name = path.filename().string();
  if (name.size() > 5 && name.substr(name.size() - 5) == ".json") {
    return from_index(path);
  }
  // One shard of a set named by an index: read them all.
  const fs::path index = path.parent_path() / "model.safetensors.index.json";
  if (name.find("-of-") != std::string::npos && fs::exists(index)) {
    return from_index(index);
  }
  return Shards{fs::absolute(path).parent_path(), {path}, {}, std::nullopt, std::nullopt};
}

std::vector<safetensors::Header> read_shards(const Shards& shards)
{
  std::vector<safetensors::Header> headers;
  std::uint64_t tensors = 0;
  for (const fs::path& file : shards.files) {
    if (!fs::exists(file)) {
      throw InputError{
          Error{file.string(), fmt::format("missing: named by {}", shards.index ? shards.index->filename().string()
                                                                                : std::string("the folder"))}};
    }
    auto header = safetensors::read_header(file.string());
    if (!header) {
      throw InputError{header.error()};
    }
    tensors += header->tensors.size();
    if (tensors > k_max_model_tensors) {
      throw InputError{Error{file.string(), fmt::format("the model's shards hold more than {} tensors in all",
                                                        k_max_model_tensors)}};
    }
    headers.push_back(std::move(header.value()));
  }
  std::map<std::string, std::string> found; // tensor -> shard file name
  for (const safetensors::Header& header : headers) {
    for (const safetensors::TensorInfo& tensor : header.tensors) {
      if (!found.emplace(tensor.name, fs::path(header.path).filename().string()).second) {
        throw InputError{Error{header.path, fmt::format("tensor '{}' is also in {}", tensor.name, found[tensor.name])}};
      }
    }
  }
  for (const auto& [tensor, file] : shards.weight_map) {
    const auto it = found.find(tensor);
    if (it == found.end() || it->second != file) {
      throw InputError{
          Error{shards.index->string(), fmt::format("weight_map.{}: tensor not found in {}", tensor, file)}};
    }
  }
  return headers;
}

bool is_float(const std::string& dtype)
{
  return dtype == "BF16" || dtype == "F16" || dtype == "F32" || dtype == "F64";
}

std::string dtype_quant(const std::vector<safetensors::Header>& headers)
{
  std::map<std::string, std::uint64_t> bytes;
  for (const safetensors::Header& header : headers) {
    for (const safetensors::TensorInfo& tensor : header.tensors) {
      bytes[tensor.dtype] += tensor.bytes();
    }
  }
  const auto dominant =
      std::max_element(bytes.begin(), bytes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  const std::string dtype = dominant == bytes.end() ? "BF16" : dominant->first;
  if (dtype == "F16") {
    return "fp16";
  }
  if (dtype == "F32") {
    return "fp32";
  }
  if (dtype == "F8_E4M3" || dtype == "F8_E5M2") {
    return "fp8";
  }
  if (dtype == "I8") {
    return "int8";
  }
  return "bf16";
}

constexpr std::uint64_t k_max_inferred_layers = 1 << 10;

/// The layer indices "…layers.N.…" tensor names hold.
std::set<std::uint64_t> layer_indices(const std::vector<safetensors::Header>& headers)
{
  std::set<std::uint64_t> indices;
  for (const safetensors::Header& header : headers) {
    for (const safetensors::TensorInfo& tensor : header.tensors) {
      const auto at = tensor.name.find("layers.");
      if (at == std::string::npos) {
        continue;
      }
      std::uint64_t index = 0;
      const char* digits = tensor.name.data() + at + 7;
      const auto [end, error] = std::from_chars(digits, tensor.name.data() + tensor.name.size(), index);
      if (error == std::errc{} && end != digits) {
        indices.insert(index);
      }
    }
  }
  return indices;
}

/// Shapes read without a config.json must agree with one another: every layer from 0 up,
/// q_proj and k_proj reading the embedding's width, whole heads, and key/value heads that
/// group the query heads evenly. Throws naming `input` and the disagreement.
void check_inferred(const Architecture& arch, const std::set<std::uint64_t>& layers, std::uint64_t q_width,
                    std::uint64_t q_input, std::uint64_t kv_width, std::uint64_t kv_input, const std::string& input)
{
  const auto refuse = [&](const std::string& problem) {
    throw InputError{Error{input, "no config.json beside it, and its tensor shapes disagree: " + problem}};
  };
  if (arch.hidden_size == 0 || arch.vocab_size == 0 || kv_width == 0 || q_width == 0) {
    refuse("embed_tokens, q_proj or k_proj has a dimension of 0");
  }
  if (q_input != arch.hidden_size || kv_input != arch.hidden_size) {
    refuse(fmt::format("embed_tokens is {} wide, but layer 0's q_proj reads {} and k_proj {}", arch.hidden_size,
                       q_input, kv_input));
  }
  if (*layers.rbegin() >= k_max_inferred_layers) {
    refuse(fmt::format("layer {} is beyond the limit of {} layers", *layers.rbegin(), k_max_inferred_layers));
  }
  if (layers.size() != *layers.rbegin() + 1) {
    refuse(fmt::format("tensors name layers up to {} but only {} distinct layers", *layers.rbegin(), layers.size()));
  }
  if (q_width % arch.head_dim != 0) {
    refuse(fmt::format("q_proj's {} outputs are not whole heads of {}", q_width, arch.head_dim));
  }
  if (const auto problem = kv_group_problem(arch.num_kv_heads, arch.num_heads)) {
    refuse("k_proj's key/value heads: " + *problem);
  }
}

/// Without a config.json: the Llama layout's shapes say what KV sizes need.
Architecture infer_architecture(const std::vector<safetensors::Header>& headers, const std::string& input,
                                std::vector<std::string>& assumptions)
{
  const safetensors::TensorInfo* embedding = nullptr;
  const safetensors::TensorInfo* q_proj = nullptr;
  const safetensors::TensorInfo* k_proj = nullptr;
  const safetensors::TensorInfo* up_proj = nullptr;
  bool has_lm_head = false;
  bool has_gate = false;
  for (const safetensors::Header& header : headers) {
    for (const safetensors::TensorInfo& tensor : header.tensors) {
      const std::string& name = tensor.name;
      const auto matrix = [&](std::string_view suffix) {
        return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
               tensor.shape.size() == 2;
      };
      embedding = matrix("embed_tokens.weight") ? &tensor : embedding;
      q_proj = matrix("layers.0.self_attn.q_proj.weight") ? &tensor : q_proj;
      k_proj = matrix("layers.0.self_attn.k_proj.weight") ? &tensor : k_proj;
      up_proj = matrix("layers.0.mlp.up_proj.weight") ? &tensor : up_proj;
      has_lm_head = has_lm_head || matrix("lm_head.weight");
      has_gate = has_gate || matrix("layers.0.mlp.gate_proj.weight");
    }
  }
  if (embedding == nullptr || q_proj == nullptr || k_proj == nullptr) {
    throw InputError{Error{input,
                           "no config.json beside it, and its tensor names do not show the architecture "
                           "(looked for embed_tokens and layers.0.self_attn.q_proj/k_proj): give the model folder"}};
  }
  const std::set<std::uint64_t> layers = layer_indices(headers); // holds 0: q_proj is there
  Architecture arch;
  arch.family = "unknown";
  arch.vocab_size = static_cast<std::uint32_t>(std::min<std::uint64_t>(embedding->shape[0], 1 << 23));
  arch.hidden_size = static_cast<std::uint32_t>(std::min<std::uint64_t>(embedding->shape[1], 1 << 17));
  arch.num_layers = static_cast<std::uint32_t>(std::min<std::uint64_t>(*layers.rbegin() + 1, k_max_inferred_layers));
  arch.tied_embeddings = !has_lm_head;
  arch.gated_mlp = has_gate;
  arch.intermediate_size =
      up_proj ? static_cast<std::uint32_t>(std::min<std::uint64_t>(up_proj->shape[0], 1 << 21)) : 0;
  const std::uint64_t kv_width = k_proj->shape[0];
  const std::uint64_t q_width = q_proj->shape[0];
  arch.head_dim = kv_width % 128 == 0 ? 128 : (kv_width % 64 == 0 ? 64 : static_cast<std::uint32_t>(kv_width));
  arch.num_kv_heads = static_cast<std::uint32_t>(kv_width / arch.head_dim); // head_dim: 128 for a width of 0
  arch.num_heads = static_cast<std::uint32_t>(q_width / arch.head_dim);
  check_inferred(arch, layers, q_width, q_proj->shape[1], kv_width, k_proj->shape[1], input);
  assumptions.push_back(fmt::format("no config.json: architecture read from tensor shapes, head_dim taken as {} "
                                    "(KV size depends only on the k_proj width, {})",
                                    arch.head_dim, kv_width));
  return arch;
}

} // namespace

ModelSpec load_safetensors(const fs::path& path, const catalog::Catalog& catalog)
{
  const Shards shards = locate(path);
  if (shards.files.empty()) {
    throw InputError{Error{path.string(), "no .safetensors files"}};
  }
  const std::vector<safetensors::Header> headers = read_shards(shards);
  ModelSpec spec;
  spec.source = ModelSource::safetensors;
  spec.path = path.string();
  spec.name = folder_name(shards.folder);
  std::uint64_t bytes = 0;
  bool unpacked = true;
  ParameterCounts counted;
  for (const safetensors::Header& header : headers) {
    const auto sum = util::checked_add(bytes, header.tensor_bytes());
    if (!sum) {
      throw InputError{Error{header.path, "weight bytes overflow 64 bits"}};
    }
    bytes = *sum;
    for (const safetensors::TensorInfo& tensor : header.tensors) {
      const TensorRole role = hf_tensor_role(tensor.name);
      unpacked = unpacked &&
                 (role == TensorRole::not_a_parameter || is_float(tensor.dtype) || tensor.dtype.rfind("F8_", 0) == 0);
      count_tensor(counted, role, tensor.elements, header.path);
    }
  }
  spec.file_weight_bytes = bytes;
  if (shards.declared_bytes && *shards.declared_bytes != bytes) {
    spec.assumptions.push_back(fmt::format("the index's metadata.total_size ({}) differs from the tensors' bytes "
                                           "({}); the tensors' are used",
                                           *shards.declared_bytes, bytes));
  }

  const fs::path config_path = shards.folder / "config.json";
  std::uint64_t vision_params = 0;
  std::optional<std::string> quant;
  if (fs::exists(config_path)) {
    auto document = util::read_json_file(config_path.string(), util::k_config_json_bounds);
    if (!document) {
      throw InputError{document.error()};
    }
    HfConfig config = parse_hf_config(*document, config_path.string(), "");
    spec.arch = config.arch;
    vision_params = config.vision_params;
    quant = config.quant;
    spec.assumptions.insert(spec.assumptions.end(), config.assumptions.begin(), config.assumptions.end());
    spec.warnings = config.warnings;
    unpacked = unpacked && !util::JsonObject(*document, "", "").has("quantization_config");
    spec.source_note = fmt::format("{} and {} safetensors header(s)", config_path.filename().string(), headers.size());
  } else {
    spec.arch = infer_architecture(headers, path.string(), spec.assumptions);
    spec.source_note = util::count_of(headers.size(), "safetensors header");
  }
  if (unpacked) { // every parameter is one element of a tensor: count them exactly
    if (counted.total() == 0) {
      throw InputError{Error{path.string(), "no weight tensors: nothing to size"}};
    }
    spec.parameters = counted;
    spec.params = counted.total();
    spec.active_params = active_parameters(counted, spec.arch);
  } else {
    derive_parameters(spec, vision_params);
    spec.assumptions.emplace_back("weights are packed (quantized): parameters derived from config.json");
  }
  spec.native_quant = known_quant(catalog, quant.value_or(dtype_quant(headers)), path.string());
  return spec;
}

} // namespace llmhw::model::detail
