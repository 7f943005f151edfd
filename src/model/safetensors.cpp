#include "llmhw/model/safetensors.hpp"

#include "file_reader.hpp"
#include "llmhw/util/checked.hpp"
#include "llmhw/util/json_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace llmhw::model::safetensors {
namespace {

// The safetensors crate allows 100 MB of header; llm-hw holds what real files
// need, so a crafted header cannot take gigabytes (95 MB took 3.1 GB). The
// largest real headers are a few MB (a DeepSeek-V3 shard: ~0.2 MB; one file
// holding all 91,000 of its tensors would be ~10 MB); 16 MiB leaves room.
constexpr std::uint64_t k_max_header_bytes = 16ULL << 20;
// A file's tensors: DeepSeek-V3 has 91,000 in all; twice that in one file.
constexpr std::uint64_t k_max_tensors = 200'000;
// A tensor entry is about 9 JSON values (object, dtype, shape and its
// extents, data_offsets and its two numbers), plus the __metadata__ strings.
constexpr std::uint64_t k_max_header_values = 10 * k_max_tensors;
constexpr std::size_t k_max_rank = 16;

constexpr std::array<std::pair<std::string_view, std::uint32_t>, 20> k_dtypes = {{
    {"BOOL", 8}, {"U8", 8},   {"I8", 8},    {"F8_E5M2", 8}, {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"I16", 16},
    {"U16", 16}, {"F16", 16}, {"BF16", 16}, {"I32", 32},    {"U32", 32},    {"F32", 32},    {"F64", 64},
    {"I64", 64}, {"U64", 64}, {"C64", 64},  {"F4", 4},      {"F6_E2M3", 6}, {"F6_E3M2", 6},
}};

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
  throw InputError{Error{path, problem}};
}

std::uint64_t unsigned_at(const nlohmann::json& value, const std::string& path, const std::string& what)
{
  if (!value.is_number_unsigned()) {
    fail(path, fmt::format("{}: expected a non-negative integer, got {}", what, value.dump()));
  }
  return value.get<std::uint64_t>();
}

TensorInfo parse_tensor(const std::string& path, const std::string& name, const nlohmann::json& entry)
{
  const std::string where = fmt::format("header: tensor '{}'", name);
  if (!entry.is_object()) {
    fail(path, fmt::format("{}: expected an object", where));
  }
  TensorInfo tensor;
  tensor.name = name;
  const auto dtype = entry.find("dtype");
  if (dtype == entry.end() || !dtype->is_string()) {
    fail(path, fmt::format("{}: dtype missing or not a string", where));
  }
  tensor.dtype = dtype->get<std::string>();
  const auto bits = dtype_bits(tensor.dtype);
  if (!bits) {
    fail(path, fmt::format("{}: unknown dtype '{}'", where, tensor.dtype));
  }
  const auto shape = entry.find("shape");
  if (shape == entry.end() || !shape->is_array() || shape->size() > k_max_rank) {
    fail(path, fmt::format("{}: shape missing, not an array, or of more than {} dimensions", where, k_max_rank));
  }
  tensor.elements = 1;
  for (const nlohmann::json& extent : *shape) {
    tensor.shape.push_back(unsigned_at(extent, path, where + ": shape"));
    const auto product = util::checked_mul(tensor.elements, tensor.shape.back());
    if (!product) {
      fail(path, fmt::format("{}: shape overflows 64 bits", where));
    }
    tensor.elements = *product;
  }
  const auto offsets = entry.find("data_offsets");
  if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2) {
    fail(path, fmt::format("{}: data_offsets must be [begin, end]", where));
  }
  tensor.begin = unsigned_at((*offsets)[0], path, where + ": data_offsets");
  tensor.end = unsigned_at((*offsets)[1], path, where + ": data_offsets");
  if (tensor.end < tensor.begin) {
    fail(path, fmt::format("{}: data_offsets [{}, {}] end before they begin", where, tensor.begin, tensor.end));
  }
  const auto total_bits = util::checked_mul(tensor.elements, *bits);
  if (!total_bits || *total_bits % 8 != 0 || *total_bits / 8 != tensor.bytes()) {
    fail(path, fmt::format("{}: data_offsets [{}, {}] hold {} bytes, but {} {} needs {}", where, tensor.begin,
                           tensor.end, tensor.bytes(), tensor.dtype, nlohmann::json(tensor.shape).dump(),
                           total_bits ? fmt::format("{} bits", *total_bits) : std::string("more than 2^64 bits")));
  }
  return tensor;
}

void check_extents(Header& header, std::uint64_t data_bytes)
{
  std::sort(header.tensors.begin(), header.tensors.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.begin < b.begin; });
  const TensorInfo* previous = nullptr; // the last tensor holding bytes
  for (const TensorInfo& tensor : header.tensors) {
    if (tensor.end > data_bytes) {
      fail(header.path, fmt::format("header: tensor '{}': data_offsets end {} is past the end of the data ({} bytes "
                                    "after the header)",
                                    tensor.name, tensor.end, data_bytes));
    }
    if (tensor.begin == tensor.end) {
      continue; // a tensor with a 0 in its shape holds no bytes and overlaps nothing
    }
    if (previous != nullptr && previous->end > tensor.begin) {
      fail(header.path, fmt::format("header: tensor '{}' overlaps tensor '{}'", tensor.name, previous->name));
    }
    previous = &tensor;
  }
}

Header parse(detail::FileReader& file)
{
  Header header;
  header.path = file.path();
  header.file_bytes = file.size();
  header.header_bytes = file.u64("header length");
  if (header.header_bytes > k_max_header_bytes) {
    file.fail_at(
        0, fmt::format("header length {} exceeds the limit of {} bytes", header.header_bytes, k_max_header_bytes));
  }
  if (header.header_bytes > file.remaining()) { // before allocating what a 16-byte file may claim
    file.fail_at(file.offset(), fmt::format("JSON header ({} bytes) runs past the end of the file ({} bytes)",
                                            header.header_bytes, file.size()));
  }
  std::string text(header.header_bytes, '\0');
  file.read(text.data(), header.header_bytes, "JSON header");
  auto json = util::parse_json(text, header.path + ": header", k_max_header_values);
  if (!json) {
    throw InputError{json.error()};
  }
  if (!json->is_object()) {
    fail(header.path, "header: expected a JSON object");
  }
  if (json->size() > k_max_tensors) {
    fail(header.path, fmt::format("header: more than {} tensors", k_max_tensors));
  }
  for (const auto& [name, entry] : json->items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) {
        fail(header.path, "header: __metadata__ must be an object of strings");
      }
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) {
          fail(header.path, fmt::format("header: __metadata__.{}: expected a string", key));
        }
        header.metadata.emplace(key, value.get<std::string>());
      }
      continue;
    }
    header.tensors.push_back(parse_tensor(header.path, name, entry));
  }
  check_extents(header, header.file_bytes - 8 - header.header_bytes);
  return header;
}

} // namespace

std::optional<std::uint32_t> dtype_bits(std::string_view dtype)
{
  for (const auto& [name, bits] : k_dtypes) {
    if (name == dtype) {
      return bits;
    }
  }
  return std::nullopt;
}

std::uint64_t Header::tensor_bytes() const
{
  std::uint64_t total = 0;
  for (const TensorInfo& tensor : tensors) {
    total += tensor.bytes(); // extents are disjoint and inside the file: no overflow
  }
  return total;
}

Result<Header> read_header(const std::string& path)
{
  try {
    detail::FileReader file(path);
    return parse(file);
  } catch (const InputError& error) {
    return error.error;
  }
}

} // namespace llmhw::model::safetensors
