#pragma once
// safetensors headers (github.com/huggingface/safetensors, "Format"): an
// 8-byte little-endian header length N, N bytes of JSON mapping tensor names
// to {dtype, shape, data_offsets: [begin, end)} relative to the byte buffer
// after the header, and an optional "__metadata__" map of strings.

#include "llmhw/util/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::model::safetensors {

struct TensorInfo {
  std::string name;
  std::string dtype; ///< "BF16", "F8_E4M3", "I32", …
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0; ///< data_offsets, relative to the byte buffer
  std::uint64_t end = 0;
  std::uint64_t elements = 0;

  [[nodiscard]] std::uint64_t bytes() const { return end - begin; }
};

struct Header {
  std::string path;
  std::uint64_t header_bytes = 0; ///< N, the JSON header's length
  std::uint64_t file_bytes = 0;
  std::vector<TensorInfo> tensors; ///< in file order of their data
  std::map<std::string, std::string> metadata;

  [[nodiscard]] std::uint64_t tensor_bytes() const;
};

/// Reads and checks the header of the safetensors file at `path`: the header
/// length against the file, the JSON, each dtype and shape, each tensor's
/// extent against its dtype and the file's size, and that no two overlap.
Result<Header> read_header(const std::string& path);

/// Bits per element of a safetensors dtype; nullopt for one the format does not define.
std::optional<std::uint32_t> dtype_bits(std::string_view dtype);

} // namespace llmhw::model::safetensors
