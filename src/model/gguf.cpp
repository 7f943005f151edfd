// GGUF header reader, per github.com/ggml-org/ggml docs/gguf.md:
//   magic "GGUF" | u32 version | u64 tensor_count | u64 metadata_kv_count |
//   metadata_kv_count x (string key, u32 value_type, value) |
//   tensor_count x (string name, u32 n_dims, n_dims x u64 ne, u32 ggml_type, u64 offset) |
//   padding to general.alignment | tensor data.
// Strings are a u64 length and that many bytes, not NUL-terminated. Version 3
// allows big-endian files, recognised by a byte-swapped version number.

#include "llmhw/model/gguf.hpp"

#include "file_reader.hpp"
#include "llmhw/util/checked.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <set>

namespace llmhw::model::gguf {
namespace {

static_assert(std::endian::native == std::endian::little, "the readers assume a little-endian host");

// Real files hold about 1,100 tensors (DeepSeek-V3, Llama 3.1 405B: experts are
// merged into 3-D tensors) and 30 to 60 metadata entries (the tokenizer is a
// few arrays). 2^20 tensors took 340 MB and 18 s; 65,536 is 60 times the
// largest real count and costs about 20 MB.
constexpr std::uint64_t k_max_tensors = 1 << 16;
constexpr std::uint64_t k_max_metadata = 1 << 16;
constexpr std::uint64_t k_max_key_bytes = 65535; // gguf.md: keys are at most 65535 bytes
constexpr std::uint64_t k_max_string_bytes = 1ULL << 26;
constexpr std::uint64_t k_max_tensor_name_bytes = 64; // gguf.md: names are at most 64 bytes
constexpr std::uint32_t k_max_dims = 4;               // GGML_MAX_DIMS
constexpr int k_max_array_depth = 8;
// What the header may hold in memory, whatever the file holds: values kept
// past these are checked and skipped like long arrays.
constexpr std::uint64_t k_max_kept_values = 1 << 18;
constexpr std::uint64_t k_max_kept_string_bytes = 64ULL << 20;

using detail::FileReader;

/// Values and string bytes kept so far.
struct Budget {
  std::uint64_t values = 0;
  std::uint64_t string_bytes = 0;
};

std::uint64_t element_bytes(ValueType type)
{
  switch (type) {
  case ValueType::uint8:
  case ValueType::int8:
  case ValueType::boolean: return 1;
  case ValueType::uint16:
  case ValueType::int16: return 2;
  case ValueType::uint32:
  case ValueType::int32:
  case ValueType::float32: return 4;
  case ValueType::uint64:
  case ValueType::int64:
  case ValueType::float64:
  case ValueType::string: return 8; // at least the length
  case ValueType::array: return 12; // at least the element type and length
  }
  return 1;
}

ValueType value_type(FileReader& file, std::string_view what)
{
  const std::uint64_t at = file.offset();
  const std::uint32_t raw = file.u32(what);
  if (raw > static_cast<std::uint32_t>(ValueType::float64)) {
    file.fail_at(at, fmt::format("{}: unknown value type {}", what, raw));
  }
  return static_cast<ValueType>(raw);
}

/// A u64 length followed by that many bytes; kept when `keep`.
std::string read_string(FileReader& file, std::uint64_t max_bytes, std::string_view what, bool keep = true)
{
  const std::uint64_t at = file.offset();
  const std::uint64_t length = file.u64(what);
  if (length > max_bytes) {
    file.fail_at(at, fmt::format("{}: length {} exceeds the limit of {} bytes", what, length, max_bytes));
  }
  if (!keep || length > file.remaining()) {
    file.skip(length, what);
    return {};
  }
  std::string text(length, '\0');
  file.read(text.data(), length, what);
  return text;
}

Value read_value(FileReader& file, Budget& budget, ValueType type, std::string_view what, int depth, bool keep);

Value read_array(FileReader& file, Budget& budget, std::string_view what, int depth, bool keep)
{
  if (depth >= k_max_array_depth) {
    file.fail_at(file.offset(), fmt::format("{}: arrays nested deeper than {}", what, k_max_array_depth));
  }
  Value array;
  array.type = ValueType::array;
  array.element_type = value_type(file, what);
  const std::uint64_t at = file.offset();
  array.array_length = file.u64(what);
  const auto least_bytes = util::checked_mul(array.array_length, element_bytes(array.element_type));
  if (!least_bytes || *least_bytes > file.remaining()) {
    file.fail_at(at, fmt::format("{}: array of {} {} elements runs past the end of the file ({} bytes)", what,
                                 array.array_length, to_string(array.element_type), file.size()));
  }
  const bool keep_elements =
      keep && array.array_length <= k_max_kept_elements && budget.values + array.array_length <= k_max_kept_values;
  if (keep_elements) {
    budget.values += array.array_length;
  }
  if (!keep_elements && array.element_type != ValueType::string && array.element_type != ValueType::array) {
    file.skip(*least_bytes, what); // fixed-size elements: skip them in one step
    return array;
  }
  if (keep_elements) {
    array.elements.reserve(array.array_length);
  }
  for (std::uint64_t i = 0; i < array.array_length; ++i) {
    Value element = read_value(file, budget, array.element_type, what, depth + 1, keep_elements);
    if (keep_elements) {
      array.elements.push_back(std::move(element));
    }
  }
  return array;
}

Value read_value(FileReader& file, Budget& budget, ValueType type, std::string_view what, int depth, bool keep)
{
  Value value;
  value.type = type;
  switch (type) {
  case ValueType::uint8: value.uint_value = file.u8(what); break;
  case ValueType::int8: value.int_value = static_cast<std::int8_t>(file.u8(what)); break;
  case ValueType::uint16: value.uint_value = file.u16(what); break;
  case ValueType::int16: value.int_value = static_cast<std::int16_t>(file.u16(what)); break;
  case ValueType::uint32: value.uint_value = file.u32(what); break;
  case ValueType::int32: value.int_value = static_cast<std::int32_t>(file.u32(what)); break;
  case ValueType::uint64: value.uint_value = file.u64(what); break;
  case ValueType::int64: value.int_value = static_cast<std::int64_t>(file.u64(what)); break;
  case ValueType::float32: value.float_value = file.f32(what); break;
  case ValueType::float64: value.float_value = file.f64(what); break;
  case ValueType::boolean: {
    const std::uint64_t at = file.offset();
    value.uint_value = file.u8(what);
    if (value.uint_value > 1) {
      file.fail_at(at, fmt::format("{}: boolean byte {} is neither 0 nor 1", what, value.uint_value));
    }
    break;
  }
  case ValueType::string: {
    const bool affordable = budget.string_bytes < k_max_kept_string_bytes;
    value.string_value = read_string(file, k_max_string_bytes, what, keep && affordable);
    budget.string_bytes += value.string_value.size();
    break;
  }
  case ValueType::array: return read_array(file, budget, what, depth, keep);
  }
  return value;
}

void read_metadata(FileReader& file, std::uint64_t count, Header& header)
{
  Budget budget;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t at = file.offset();
    std::string key = read_string(file, k_max_key_bytes, fmt::format("metadata key {}", i));
    budget.string_bytes += key.size();
    if (budget.string_bytes > k_max_kept_string_bytes) {
      file.fail_at(at, fmt::format("metadata keys take more than {} bytes", k_max_kept_string_bytes));
    }
    const std::string what = fmt::format("metadata '{}'", key);
    Value value = read_value(file, budget, value_type(file, what), what, 0, true);
    if (!header.metadata.emplace(std::move(key), std::move(value)).second) {
      file.fail_at(at, fmt::format("{}: duplicate key", what));
    }
  }
}

TensorInfo read_tensor_info(FileReader& file, std::uint64_t index)
{
  TensorInfo tensor;
  tensor.name = read_string(file, k_max_tensor_name_bytes, fmt::format("tensor {} name", index));
  const std::string what = fmt::format("tensor '{}'", tensor.name);
  const std::uint64_t dims_at = file.offset();
  const std::uint32_t dims = file.u32(what);
  if (dims == 0 || dims > k_max_dims) {
    file.fail_at(dims_at, fmt::format("{}: {} dimensions (ggml allows 1 to {})", what, dims, k_max_dims));
  }
  tensor.elements = 1;
  for (std::uint32_t d = 0; d < dims; ++d) {
    const std::uint64_t at = file.offset();
    const std::uint64_t extent = file.u64(what);
    const auto product = util::checked_mul(tensor.elements, extent);
    if (extent > static_cast<std::uint64_t>(INT64_MAX) || !product ||
        *product > static_cast<std::uint64_t>(INT64_MAX)) {
      file.fail_at(at, fmt::format("{}: shape overflows 63 bits", what));
    }
    tensor.shape.push_back(extent);
    tensor.elements = *product;
  }
  const std::uint64_t type_at = file.offset();
  tensor.type = file.u32(what);
  const GgmlType* type = ggml_type(tensor.type);
  if (type == nullptr) {
    file.fail_at(type_at, fmt::format("{}: unknown ggml type {}", what, tensor.type));
  }
  if (tensor.shape[0] % type->block_weights != 0) {
    file.fail_at(type_at, fmt::format("{}: row of {} elements is not a whole number of {} blocks ({} weights)", what,
                                      tensor.shape[0], type->name, type->block_weights));
  }
  const auto bytes = util::checked_mul(tensor.elements / type->block_weights, type->block_bytes);
  if (!bytes) {
    file.fail_at(type_at, fmt::format("{}: size overflows 64 bits", what));
  }
  tensor.bytes = *bytes;
  tensor.offset = file.u64(what);
  return tensor;
}

std::uint64_t alignment_of(const Header& header, FileReader& file)
{
  const Value* value = header.find("general.alignment");
  if (value == nullptr) {
    return 32; // GGUF_DEFAULT_ALIGNMENT
  }
  if (value->type != ValueType::uint32 || value->uint_value == 0 || !std::has_single_bit(value->uint_value)) {
    file.fail_at(0, "general.alignment must be a uint32 power of two");
  }
  return value->uint_value;
}

/// Every tensor aligned, inside the file, and clear of the others.
void check_extents(Header& header, FileReader& file)
{
  const std::uint64_t data_bytes = header.file_bytes > header.data_offset ? header.file_bytes - header.data_offset : 0;
  std::vector<const TensorInfo*> by_offset;
  for (const TensorInfo& tensor : header.tensors) {
    const std::string where = fmt::format("tensor '{}' at data offset {}", tensor.name, tensor.offset);
    if (tensor.offset % header.alignment != 0) {
      file.fail_at(header.data_offset, fmt::format("{}: not aligned to {} bytes", where, header.alignment));
    }
    const auto end = util::checked_add(tensor.offset, tensor.bytes);
    if (!end || *end > data_bytes) {
      file.fail_at(header.data_offset, fmt::format("{}: its {} bytes run past the end of the file ({} bytes)", where,
                                                   tensor.bytes, header.file_bytes));
    }
    by_offset.push_back(&tensor);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
  for (std::size_t i = 1; i < by_offset.size(); ++i) {
    const TensorInfo& before = *by_offset[i - 1];
    if (before.offset + before.bytes > by_offset[i]->offset) {
      file.fail_at(header.data_offset,
                   fmt::format("tensor '{}' overlaps tensor '{}'", by_offset[i]->name, before.name));
    }
  }
}

Header parse(FileReader& file)
{
  Header header;
  header.path = file.path();
  header.file_bytes = file.size();
  char magic[4];
  file.read(magic, 4, "magic");
  if (std::string_view(magic, 4) != "GGUF") {
    file.fail_at(0, "not a GGUF file (no 'GGUF' magic)");
  }
  std::uint32_t version = file.u32("version");
  if ((version & 0xFFFF) == 0 && version != 0) {
    header.big_endian = true; // a big-endian v3 file read as little-endian
    file.set_big_endian(true);
    version = __builtin_bswap32(version);
  }
  header.version = version;
  if (version == 1) {
    file.fail_at(4, "GGUF version 1 (32-bit counts) is not supported; convert the model again with llama.cpp");
  }
  if (version != 2 && version != 3) {
    file.fail_at(4, fmt::format("GGUF version {} is not one llm-hw reads (2 or 3)", version));
  }
  const std::uint64_t tensor_count = file.u64("tensor count");
  if (tensor_count > k_max_tensors) {
    file.fail_at(8, fmt::format("tensor count {} exceeds the limit of {}", tensor_count, k_max_tensors));
  }
  const std::uint64_t metadata_count = file.u64("metadata count");
  if (metadata_count > k_max_metadata) {
    file.fail_at(16, fmt::format("metadata count {} exceeds the limit of {}", metadata_count, k_max_metadata));
  }
  read_metadata(file, metadata_count, header);
  header.alignment = alignment_of(header, file);
  header.tensors.reserve(std::min<std::uint64_t>(tensor_count, file.remaining() / 24));
  std::set<std::string> names;
  for (std::uint64_t i = 0; i < tensor_count; ++i) {
    const std::uint64_t at = file.offset();
    header.tensors.push_back(read_tensor_info(file, i));
    if (!names.insert(header.tensors.back().name).second) {
      file.fail_at(at, fmt::format("tensor '{}' appears twice", header.tensors.back().name));
    }
  }
  const std::uint64_t end_of_infos = file.offset();
  header.data_offset = (end_of_infos + header.alignment - 1) / header.alignment * header.alignment;
  check_extents(header, file);
  return header;
}

} // namespace

std::string to_string(ValueType type)
{
  switch (type) {
  case ValueType::uint8: return "uint8";
  case ValueType::int8: return "int8";
  case ValueType::uint16: return "uint16";
  case ValueType::int16: return "int16";
  case ValueType::uint32: return "uint32";
  case ValueType::int32: return "int32";
  case ValueType::float32: return "float32";
  case ValueType::boolean: return "bool";
  case ValueType::string: return "string";
  case ValueType::array: return "array";
  case ValueType::uint64: return "uint64";
  case ValueType::int64: return "int64";
  case ValueType::float64: return "float64";
  }
  return "unknown";
}

std::optional<std::uint64_t> Value::as_count() const
{
  switch (type) {
  case ValueType::uint8:
  case ValueType::uint16:
  case ValueType::uint32:
  case ValueType::uint64: return uint_value;
  case ValueType::int8:
  case ValueType::int16:
  case ValueType::int32:
  case ValueType::int64:
    if (int_value >= 0) {
      return static_cast<std::uint64_t>(int_value);
    }
    return std::nullopt;
  default: return std::nullopt;
  }
}

std::optional<double> Value::as_number() const
{
  if (type == ValueType::float32 || type == ValueType::float64) {
    return float_value;
  }
  if (type == ValueType::int8 || type == ValueType::int16 || type == ValueType::int32 || type == ValueType::int64) {
    return static_cast<double>(int_value);
  }
  if (auto count = as_count()) {
    return static_cast<double>(*count);
  }
  return std::nullopt;
}

const Value* Header::find(std::string_view key) const
{
  const auto it = metadata.find(key);
  return it == metadata.end() ? nullptr : &it->second;
}

Result<Header> read_header(const std::string& path)
{
  try {
    FileReader file(path);
    return parse(file);
  } catch (const InputError& error) {
    return error.error;
  }
}

} // namespace llmhw::model::gguf
