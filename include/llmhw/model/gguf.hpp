#pragma once
// GGUF headers (github.com/ggml-org/ggml docs/gguf.md, versions 2 and 3):
// magic, version, tensor and metadata counts, typed metadata key/value pairs,
// tensor infos. Only the header is read; tensor data is never touched, so
// opening a multi-gigabyte file takes milliseconds.

#include "llmhw/util/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::model::gguf {

/// gguf_metadata_value_type.
enum class ValueType : std::uint32_t {
  uint8 = 0,
  int8 = 1,
  uint16 = 2,
  int16 = 3,
  uint32 = 4,
  int32 = 5,
  float32 = 6,
  boolean = 7,
  string = 8,
  array = 9,
  uint64 = 10,
  int64 = 11,
  float64 = 12,
};

std::string to_string(ValueType type);

/// One metadata value. Arrays keep their elements when they have at most
/// k_max_kept_elements (per-layer settings); longer ones (tokenizer vocabularies)
/// are checked and skipped, keeping only their length.
struct Value {
  ValueType type = ValueType::uint8;
  std::uint64_t uint_value = 0; ///< unsigned integers and booleans
  std::int64_t int_value = 0;   ///< signed integers
  double float_value = 0;       ///< float32 and float64
  std::string string_value;
  ValueType element_type = ValueType::uint8; ///< arrays
  std::uint64_t array_length = 0;            ///< arrays: elements in the file
  std::vector<Value> elements;               ///< arrays: the elements, when kept

  /// The value as a non-negative integer, whatever integer type holds it.
  [[nodiscard]] std::optional<std::uint64_t> as_count() const;
  [[nodiscard]] std::optional<double> as_number() const;
};

inline constexpr std::uint64_t k_max_kept_elements = 1 << 16;

struct TensorInfo {
  std::string name;
  std::vector<std::uint64_t> shape; ///< ne[0] (the row, contiguous) first
  std::uint32_t type = 0;           ///< ggml_type
  std::uint64_t offset = 0;         ///< from the start of the data section
  std::uint64_t elements = 0;
  std::uint64_t bytes = 0;
};

struct Header {
  std::string path;
  std::uint32_t version = 0;
  bool big_endian = false;
  std::map<std::string, Value, std::less<>> metadata;
  std::vector<TensorInfo> tensors;
  std::uint64_t alignment = 32;  ///< general.alignment
  std::uint64_t data_offset = 0; ///< where tensor data starts
  std::uint64_t file_bytes = 0;

  [[nodiscard]] const Value* find(std::string_view key) const;
};

/// Reads and checks the header of the GGUF file at `path`: every length and
/// count against the file's size and llm-hw's limits, every tensor's type,
/// shape, alignment and extent. Errors name the file, the byte offset and the
/// problem.
Result<Header> read_header(const std::string& path);

/// A ggml tensor type: its name and block layout (ggml-common.h).
struct GgmlType {
  std::uint32_t id = 0;
  std::string_view name;           ///< "Q4_K"
  std::uint32_t block_weights = 1; ///< weights per block
  std::uint32_t block_bytes = 0;   ///< bytes per block, scales included
};

/// The type with id `id`, or nullptr when ggml has none.
const GgmlType* ggml_type(std::uint32_t id);

} // namespace llmhw::model::gguf
