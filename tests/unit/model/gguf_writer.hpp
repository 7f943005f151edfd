#pragma once
// Test support: GGUF files written byte by byte as github.com/ggml-org/ggml
// docs/gguf.md lays them out, independently of the reader under test. Tensor
// sizes are given by the caller (worked out from ggml-common.h's block
// layouts in each test), never computed by the library.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace llmhw::test {

/// Little- or big-endian bytes, appended one value at a time.
class Bytes {
public:
  explicit Bytes(bool big_endian = false) : m_big_endian(big_endian) {}

  Bytes& raw(const std::string& bytes);
  Bytes& u8(std::uint8_t value);
  Bytes& u16(std::uint16_t value);
  Bytes& u32(std::uint32_t value);
  Bytes& u64(std::uint64_t value);
  Bytes& f32(float value);
  Bytes& f64(double value);
  /// A GGUF string: u64 length, then the bytes.
  Bytes& string(const std::string& text);
  Bytes& append(const Bytes& other);

  [[nodiscard]] const std::string& str() const { return m_bytes; }
  [[nodiscard]] std::size_t size() const { return m_bytes.size(); }
  [[nodiscard]] bool big_endian() const { return m_big_endian; }

private:
  Bytes& number(const void* value, std::size_t size);

  std::string m_bytes;
  bool m_big_endian;
};

/// gguf_metadata_value_type ids, per docs/gguf.md.
enum GgufType : std::uint32_t {
  k_uint8 = 0,
  k_int8 = 1,
  k_uint16 = 2,
  k_int16 = 3,
  k_uint32 = 4,
  k_int32 = 5,
  k_float32 = 6,
  k_bool = 7,
  k_string = 8,
  k_array = 9,
  k_uint64 = 10,
  k_int64 = 11,
  k_float64 = 12,
};

class GgufWriter {
public:
  explicit GgufWriter(std::uint32_t version = 3, bool big_endian = false);

  /// Adds a key and its value; `value` holds the value's encoding (without the
  /// type, which `type` gives). Use the helpers below for the common cases.
  GgufWriter& metadata(const std::string& key, std::uint32_t type, const Bytes& value);
  GgufWriter& u32(const std::string& key, std::uint32_t value);
  GgufWriter& u64(const std::string& key, std::uint64_t value);
  GgufWriter& f32(const std::string& key, float value);
  GgufWriter& boolean(const std::string& key, bool value);
  GgufWriter& string(const std::string& key, const std::string& value);
  GgufWriter& u32_array(const std::string& key, const std::vector<std::uint32_t>& values);
  GgufWriter& string_array(const std::string& key, const std::vector<std::string>& values);
  /// general.alignment, which also spaces the tensors this writer places.
  GgufWriter& alignment(std::uint32_t bytes);

  /// A tensor of `type` (a ggml_type id) and `shape` (ne[0] first) taking
  /// `bytes`, placed after the previous one at the next aligned offset.
  GgufWriter& tensor(const std::string& name, const std::vector<std::uint64_t>& shape, std::uint32_t type,
                     std::uint64_t bytes);

  /// A value encoder with this file's byte order.
  [[nodiscard]] Bytes value() const { return Bytes(m_big_endian); }

  /// The header: magic, version, counts, metadata, tensor infos, padding.
  [[nodiscard]] std::string header() const;
  /// Bytes of tensor data after the header.
  [[nodiscard]] std::uint64_t data_bytes() const { return m_next_offset; }

  /// Writes the header, then extends the file with zeros (a sparse hole on
  /// most file systems) to hold every tensor's data. Returns the path.
  std::string write(const std::filesystem::path& path) const;

private:
  std::uint32_t m_version;
  bool m_big_endian;
  std::uint64_t m_metadata_count = 0;
  std::uint64_t m_tensor_count = 0;
  std::uint64_t m_alignment = 32;
  std::uint64_t m_next_offset = 0;
  Bytes m_metadata;
  Bytes m_tensors;
};

/// A two-layer Llama-shaped model, hidden 256, 4 heads of 64, 2 KV heads, FFN 512, vocabulary 1000, in a
/// Q4_K_M-like mix (llama_ftype 15: Q4_K, with Q6_K for attn_v and ffn_down), without the output head (callers
/// that want one add `output.weight`); `name` is general.name. Sizes per ggml-common.h's blocks: Q4_K 144 bytes
/// and Q6_K 210 bytes per 256 weights.
GgufWriter tiny_llama_gguf(const std::string& name = "Tiny Llama", const std::string& architecture = "llama");

} // namespace llmhw::test
