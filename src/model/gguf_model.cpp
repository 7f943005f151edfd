// A GGUF model: architecture from the metadata, parameters and weight bytes
// summed exactly over the tensor infos of every part, precision from
// general.file_type (llama_ftype) or, failing that, the dominant tensor type.

#include "gguf_arch.hpp"
#include "loaders.hpp"
#include "tensor_roles.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/gguf.hpp"
#include "llmhw/util/checked.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace llmhw::model::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t k_max_parts = 1024;

/// "<prefix>-00002-of-00005.gguf" -> every part's path; a single file -> itself.
std::vector<fs::path> split_parts(const fs::path& path)
{
  const std::string name = path.filename().string();
  constexpr std::string_view suffix = ".gguf";
  constexpr std::size_t pattern_length = 15; // "-00001-of-00003"
  if (name.size() < suffix.size() + pattern_length || name.substr(name.size() - suffix.size()) != suffix) {
    return {path};
  }
  const std::string stem = name.substr(0, name.size() - suffix.size());
  const std::string tail = stem.substr(stem.size() - pattern_length);
  const auto digits = [&](std::size_t from) {
    return std::all_of(tail.begin() + static_cast<std::ptrdiff_t>(from),
                       tail.begin() + static_cast<std::ptrdiff_t>(from + 5),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
  };
  if (tail[0] != '-' || !digits(1) || tail.substr(6, 4) != "-of-" || !digits(10)) {
    return {path};
  }
  const std::uint64_t count = std::stoull(tail.substr(10, 5));
  if (count == 0 || count > k_max_parts) {
    throw InputError{Error{path.string(), fmt::format("split GGUF names {} parts", count)}};
  }
  const std::string prefix = stem.substr(0, stem.size() - pattern_length);
  std::vector<fs::path> parts;
  for (std::uint64_t part = 1; part <= count; ++part) {
    parts.push_back(path.parent_path() / fmt::format("{}-{:05}-of-{:05}.gguf", prefix, part, count));
  }
  return parts;
}

std::vector<gguf::Header> read_parts(const fs::path& path)
{
  const std::vector<fs::path> paths = split_parts(path);
  std::vector<gguf::Header> headers;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    std::error_code error;
    if (!fs::exists(paths[i], error)) {
      throw InputError{Error{paths[i].string(), fmt::format("missing: part {} of the {} parts of {}", i + 1,
                                                            paths.size(), path.filename().string())}};
    }
    auto header = gguf::read_header(paths[i].string());
    if (!header) {
      throw InputError{header.error()};
    }
    headers.push_back(std::move(header.value()));
  }
  const gguf::Value* declared = headers.front().find("split.count");
  if (declared != nullptr && declared->as_count() != headers.size()) {
    throw InputError{Error{headers.front().path, fmt::format("metadata 'split.count' says {} parts, the file names {}",
                                                             declared->as_count().value_or(0), headers.size())}};
  }
  return headers;
}

/// The catalog format of the file: general.file_type, else the type holding
/// most bytes among the matrices.
std::string native_quant(const gguf::Header& first, const std::vector<gguf::TensorInfo>& tensors,
                         const catalog::Catalog& catalog, std::vector<std::string>& assumptions)
{
  if (const gguf::Value* file_type = first.find("general.file_type")) {
    for (const catalog::QuantFormat& quant : catalog.quants) {
      if (quant.gguf_file_type && file_type->as_count() == *quant.gguf_file_type) {
        return quant.id;
      }
    }
  }
  std::map<std::uint32_t, std::uint64_t> bytes_by_type;
  for (const gguf::TensorInfo& tensor : tensors) {
    if (tensor.shape.size() >= 2) {
      bytes_by_type[tensor.type] += tensor.bytes;
    }
  }
  const auto dominant = std::max_element(bytes_by_type.begin(), bytes_by_type.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
  if (dominant == bytes_by_type.end()) {
    throw InputError{Error{first.path, "no weight matrices among the tensors"}};
  }
  const std::string type_name(gguf::ggml_type(dominant->first)->name);
  const catalog::QuantFormat* quant = catalog.find_quant(type_name);
  if (quant == nullptr) {
    throw InputError{
        Error{first.path, fmt::format("its weights are {}, which has no entry in quants.json", type_name)}};
  }
  assumptions.push_back(fmt::format("general.file_type absent or unknown: precision taken from the dominant tensor "
                                    "type {}",
                                    type_name));
  return quant->id;
}

std::string model_name(const gguf::Header& first, const fs::path& path)
{
  if (const gguf::Value* name = first.find("general.name"); name != nullptr && !name->string_value.empty()) {
    return name->string_value;
  }
  return path.stem().string();
}

} // namespace

ModelSpec load_gguf(const fs::path& path, const catalog::Catalog& catalog)
{
  const std::vector<gguf::Header> parts = read_parts(path);
  std::vector<gguf::TensorInfo> tensors;
  std::set<std::string> names;
  std::uint64_t bytes = 0;
  for (const gguf::Header& part : parts) {
    for (const gguf::TensorInfo& tensor : part.tensors) {
      if (!names.insert(tensor.name).second) {
        throw InputError{Error{part.path, fmt::format("tensor '{}' appears in two parts", tensor.name)}};
      }
      const auto sum = util::checked_add(bytes, tensor.bytes);
      if (!sum) {
        throw InputError{Error{part.path, "weight bytes overflow 64 bits"}};
      }
      bytes = *sum;
      tensors.push_back(tensor);
    }
  }
  const gguf::Header& first = parts.front();
  ModelSpec spec;
  spec.source = ModelSource::gguf;
  spec.path = path.string();
  spec.name = model_name(first, path);
  spec.arch = gguf_architecture(first, tensors, spec.assumptions);
  for (const gguf::TensorInfo& tensor : tensors) {
    count_tensor(spec.parameters, gguf_tensor_role(tensor.name), tensor.elements, path.string());
  }
  spec.params = spec.parameters.total();
  if (spec.params == 0) {
    throw InputError{Error{path.string(), "no weight tensors: nothing to size (a vocabulary-only or empty GGUF?)"}};
  }
  spec.active_params = active_parameters(spec.parameters, spec.arch);
  spec.file_weight_bytes = bytes;
  spec.native_quant = native_quant(first, tensors, catalog, spec.assumptions);
  spec.source_note = fmt::format("GGUF v{} header{}", first.version,
                                 parts.size() > 1 ? fmt::format("s of {} parts", parts.size()) : std::string());
  return spec;
}

} // namespace llmhw::model::detail
