#include "gguf_writer.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace llmhw::test {

Bytes& Bytes::number(const void* value, std::size_t size)
{
  std::string bytes(static_cast<const char*>(value), size); // the host is little-endian
  if (m_big_endian) {
    std::reverse(bytes.begin(), bytes.end());
  }
  m_bytes += bytes;
  return *this;
}

Bytes& Bytes::raw(const std::string& bytes)
{
  m_bytes += bytes;
  return *this;
}

Bytes& Bytes::u8(std::uint8_t value)
{
  return number(&value, 1);
}
Bytes& Bytes::u16(std::uint16_t value)
{
  return number(&value, 2);
}
Bytes& Bytes::u32(std::uint32_t value)
{
  return number(&value, 4);
}
Bytes& Bytes::u64(std::uint64_t value)
{
  return number(&value, 8);
}
Bytes& Bytes::f32(float value)
{
  return number(&value, 4);
}
Bytes& Bytes::f64(double value)
{
  return number(&value, 8);
}

Bytes& Bytes::string(const std::string& text)
{
  u64(text.size());
  return raw(text);
}

Bytes& Bytes::append(const Bytes& other)
{
  return raw(other.str());
}

GgufWriter::GgufWriter(std::uint32_t version, bool big_endian)
    : m_version(version), m_big_endian(big_endian), m_metadata(big_endian), m_tensors(big_endian)
{
}

GgufWriter& GgufWriter::metadata(const std::string& key, std::uint32_t type, const Bytes& value)
{
  m_metadata.string(key).u32(type).append(value);
  ++m_metadata_count;
  return *this;
}

GgufWriter& GgufWriter::u32(const std::string& key, std::uint32_t value)
{
  return metadata(key, k_uint32, this->value().u32(value));
}

GgufWriter& GgufWriter::u64(const std::string& key, std::uint64_t value)
{
  return metadata(key, k_uint64, this->value().u64(value));
}

GgufWriter& GgufWriter::f32(const std::string& key, float value)
{
  return metadata(key, k_float32, this->value().f32(value));
}

GgufWriter& GgufWriter::boolean(const std::string& key, bool value)
{
  return metadata(key, k_bool, this->value().u8(value ? 1 : 0));
}

GgufWriter& GgufWriter::string(const std::string& key, const std::string& value)
{
  return metadata(key, k_string, this->value().string(value));
}

GgufWriter& GgufWriter::u32_array(const std::string& key, const std::vector<std::uint32_t>& values)
{
  Bytes array = value();
  array.u32(k_uint32).u64(values.size());
  for (const std::uint32_t item : values) {
    array.u32(item);
  }
  return metadata(key, k_array, array);
}

GgufWriter& GgufWriter::string_array(const std::string& key, const std::vector<std::string>& values)
{
  Bytes array = value();
  array.u32(k_string).u64(values.size());
  for (const std::string& item : values) {
    array.string(item);
  }
  return metadata(key, k_array, array);
}

GgufWriter& GgufWriter::alignment(std::uint32_t bytes)
{
  m_alignment = bytes;
  return u32("general.alignment", bytes);
}

GgufWriter& GgufWriter::tensor(const std::string& name, const std::vector<std::uint64_t>& shape, std::uint32_t type,
                               std::uint64_t bytes)
{
  m_tensors.string(name).u32(static_cast<std::uint32_t>(shape.size()));
  for (const std::uint64_t extent : shape) {
    m_tensors.u64(extent);
  }
  m_tensors.u32(type).u64(m_next_offset);
  m_next_offset = (m_next_offset + bytes + m_alignment - 1) / m_alignment * m_alignment;
  ++m_tensor_count;
  return *this;
}

std::string GgufWriter::header() const
{
  Bytes header(m_big_endian);
  header.raw("GGUF").u32(m_version).u64(m_tensor_count).u64(m_metadata_count).append(m_metadata).append(m_tensors);
  std::string bytes = header.str();
  bytes.resize((bytes.size() + m_alignment - 1) / m_alignment * m_alignment, '\0');
  return bytes;
}

std::string GgufWriter::write(const std::filesystem::path& path) const
{
  const std::string bytes = header();
  std::filesystem::create_directories(path.parent_path());
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
    if (!out) {
      throw std::runtime_error("cannot write " + path.string());
    }
  }
  std::filesystem::resize_file(path, bytes.size() + m_next_offset);
  return path.string();
}

GgufWriter tiny_llama_gguf(const std::string& name, const std::string& architecture)
{
  constexpr std::uint32_t k_f32 = 0;   // ggml_type ids (ggml.h)
  constexpr std::uint32_t k_q4_k = 12; // 144 bytes per 256 weights
  constexpr std::uint32_t k_q6_k = 14; // 210 bytes per 256 weights
  GgufWriter file;
  file.string("general.architecture", architecture)
      .string("general.name", name)
      .u32("general.file_type", 15)
      .u32("llama.context_length", 4096)
      .u32("llama.embedding_length", 256)
      .u32("llama.block_count", 2)
      .u32("llama.feed_forward_length", 512)
      .u32("llama.attention.head_count", 4)
      .u32("llama.attention.head_count_kv", 2)
      .u32("llama.attention.key_length", 64)
      .u32("llama.vocab_size", 1000);
  file.tensor("token_embd.weight", {256, 1000}, k_q4_k, 1000 * 144);
  for (int layer = 0; layer < 2; ++layer) {
    const std::string blk = "blk." + std::to_string(layer) + ".";
    file.tensor(blk + "attn_norm.weight", {256}, k_f32, 256 * 4)
        .tensor(blk + "attn_q.weight", {256, 256}, k_q4_k, 256 * 144)
        .tensor(blk + "attn_k.weight", {256, 128}, k_q4_k, 128 * 144)
        .tensor(blk + "attn_v.weight", {256, 128}, k_q6_k, 128 * 210)
        .tensor(blk + "attn_output.weight", {256, 256}, k_q4_k, 256 * 144)
        .tensor(blk + "ffn_norm.weight", {256}, k_f32, 256 * 4)
        .tensor(blk + "ffn_gate.weight", {256, 512}, k_q4_k, 512 * 144)
        .tensor(blk + "ffn_up.weight", {256, 512}, k_q4_k, 512 * 144)
        .tensor(blk + "ffn_down.weight", {512, 256}, k_q6_k, 256 * 2 * 210);
  }
  file.tensor("output_norm.weight", {256}, k_f32, 256 * 4);
  return file;
}

} // namespace llmhw::test
