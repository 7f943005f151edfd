// GGUF headers written byte by byte (gguf_writer.hpp) and read back: every
// metadata value type, versions 2 and 3 in both byte orders, every ggml
// tensor type's block size, and malformed files that must fail with the
// file, the offset and the problem.

#include "gguf_writer.hpp"

#include "llmhw/model/gguf.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using llmhw::model::gguf::read_header;
using llmhw::model::gguf::ValueType;
using llmhw::test::Bytes;
using llmhw::test::GgufWriter;

namespace {

std::string write(const llmhw::test::TempDir& dir, const std::string& name, const std::string& bytes)
{
  return dir.write(name, bytes);
}

/// The problem read_header reports for `bytes`.
std::string problem_with(const std::string& bytes)
{
  llmhw::test::TempDir dir;
  const std::string path = write(dir, "bad.gguf", bytes);
  auto header = read_header(path);
  REQUIRE_FALSE(header.ok());
  CHECK(header.error().input == path);
  return header.error().problem;
}

/// A file's first 24 bytes: magic, version 3, tensor and metadata counts.
Bytes start(std::uint64_t tensors, std::uint64_t metadata)
{
  Bytes bytes;
  bytes.raw("GGUF").u32(3).u64(tensors).u64(metadata);
  return bytes;
}

GgufWriter every_value_type(std::uint32_t version, bool big_endian)
{
  GgufWriter file(version, big_endian);
  file.metadata("u8", llmhw::test::k_uint8, file.value().u8(200))
      .metadata("i8", llmhw::test::k_int8, file.value().u8(static_cast<std::uint8_t>(-100)))
      .metadata("u16", llmhw::test::k_uint16, file.value().u16(65000))
      .metadata("i16", llmhw::test::k_int16, file.value().u16(static_cast<std::uint16_t>(-30000)))
      .metadata("u32", llmhw::test::k_uint32, file.value().u32(4000000000U))
      .metadata("i32", llmhw::test::k_int32, file.value().u32(static_cast<std::uint32_t>(-2000000000)))
      .metadata("f32", llmhw::test::k_float32, file.value().f32(1.5F))
      .metadata("bool", llmhw::test::k_bool, file.value().u8(1))
      .metadata("string", llmhw::test::k_string, file.value().string("Llama 3.1 8B Instruct"))
      .metadata("u64", llmhw::test::k_uint64, file.value().u64(1ULL << 40))
      .metadata("i64", llmhw::test::k_int64, file.value().u64(static_cast<std::uint64_t>(-(1LL << 40))))
      .metadata("f64", llmhw::test::k_float64, file.value().f64(-0.25))
      .u32_array("per_layer", {8, 8, 4})
      .string_array("tokens", {"<s>", "hello", ""});
  // An array of arrays of int16: [[1, -2], []].
  Bytes nested = file.value();
  nested.u32(llmhw::test::k_array).u64(2);
  nested.u32(llmhw::test::k_int16).u64(2).u16(1).u16(static_cast<std::uint16_t>(-2));
  nested.u32(llmhw::test::k_int16).u64(0);
  file.metadata("nested", llmhw::test::k_array, nested);
  return file;
}

} // namespace

TEST_CASE("GGUF metadata of every value type reads back", "[model][gguf]")
{
  llmhw::test::TempDir dir;
  const auto [version, big_endian] = GENERATE(std::pair{3U, false}, std::pair{2U, false}, std::pair{3U, true});
  INFO("version " << version << (big_endian ? " big-endian" : " little-endian"));
  const std::string path = every_value_type(version, big_endian).write(dir.path() / "all.gguf");
  auto header = read_header(path);
  REQUIRE(header.ok());
  CHECK(header->version == version);
  CHECK(header->big_endian == big_endian);
  CHECK(header->metadata.size() == 15);
  CHECK(header->find("u8")->uint_value == 200);
  CHECK(header->find("i8")->int_value == -100);
  CHECK(header->find("u16")->uint_value == 65000);
  CHECK(header->find("i16")->int_value == -30000);
  CHECK(header->find("u32")->uint_value == 4000000000U);
  CHECK(header->find("i32")->int_value == -2000000000);
  CHECK(header->find("f32")->float_value == 1.5);
  CHECK(header->find("bool")->uint_value == 1);
  CHECK(header->find("string")->string_value == "Llama 3.1 8B Instruct");
  CHECK(header->find("u64")->uint_value == (1ULL << 40));
  CHECK(header->find("i64")->int_value == -(1LL << 40));
  CHECK(header->find("f64")->float_value == -0.25);
  CHECK(header->find("i64")->as_count() == std::nullopt); // negative: no count
  CHECK(header->find("u16")->as_count() == 65000U);
  const auto* per_layer = header->find("per_layer");
  REQUIRE(per_layer->elements.size() == 3);
  CHECK(per_layer->element_type == ValueType::uint32);
  CHECK(per_layer->elements[2].uint_value == 4);
  CHECK(header->find("tokens")->elements[1].string_value == "hello");
  const auto* nested = header->find("nested");
  REQUIRE(nested->elements.size() == 2);
  CHECK(nested->elements[0].elements[1].int_value == -2);
  CHECK(nested->elements[1].array_length == 0);
  CHECK(header->tensors.empty());
}

TEST_CASE("long arrays are checked and skipped, keeping their length", "[model][gguf]")
{
  llmhw::test::TempDir dir;
  GgufWriter file;
  std::vector<std::string> vocabulary(100'000, "tok");
  file.string_array("tokenizer.ggml.tokens", vocabulary);
  auto header = read_header(file.write(dir.path() / "vocab.gguf"));
  REQUIRE(header.ok());
  const auto* tokens = header->find("tokenizer.ggml.tokens");
  CHECK(tokens->array_length == 100'000);
  CHECK(tokens->elements.empty());
}

TEST_CASE("every ggml type's tensors take their block layout's bytes", "[model][gguf]")
{
  // Block layouts from ggml/src/ggml-common.h: {type id, name, weights per block, bytes per block}.
  struct Layout {
    std::uint32_t id;
    const char* name;
    std::uint64_t weights;
    std::uint64_t bytes;
  };
  const std::vector<Layout> layouts = {
      {0, "F32", 1, 4},
      {1, "F16", 1, 2},
      {2, "Q4_0", 32, 2 + 16},
      {3, "Q4_1", 32, 4 + 16},
      {6, "Q5_0", 32, 2 + 4 + 16},
      {7, "Q5_1", 32, 4 + 4 + 16},
      {8, "Q8_0", 32, 2 + 32},
      {9, "Q8_1", 32, 4 + 32},
      {10, "Q2_K", 256, 16 + 64 + 4},
      {11, "Q3_K", 256, 32 + 64 + 12 + 2},
      {12, "Q4_K", 256, 4 + 12 + 128},
      {13, "Q5_K", 256, 4 + 12 + 32 + 128},
      {14, "Q6_K", 256, 128 + 64 + 16 + 2},
      {15, "Q8_K", 256, 4 + 256 + 32},
      {16, "IQ2_XXS", 256, 2 + 64},
      {17, "IQ2_XS", 256, 2 + 64 + 8},
      {18, "IQ3_XXS", 256, 2 + 96},
      {19, "IQ1_S", 256, 2 + 32 + 16},
      {20, "IQ4_NL", 32, 2 + 16},
      {21, "IQ3_S", 256, 2 + 64 + 8 + 32 + 4},
      {22, "IQ2_S", 256, 2 + 64 + 8 + 8},
      {23, "IQ4_XS", 256, 2 + 2 + 4 + 128},
      {24, "I8", 1, 1},
      {25, "I16", 1, 2},
      {26, "I32", 1, 4},
      {27, "I64", 1, 8},
      {28, "F64", 1, 8},
      {29, "IQ1_M", 256, 32 + 16 + 8},
      {30, "BF16", 1, 2},
      {34, "TQ1_0", 256, 48 + 4 + 2},
      {35, "TQ2_0", 256, 64 + 2},
      {39, "MXFP4", 32, 1 + 16},
      {40, "NVFP4", 64, 4 + 32},
      {41, "Q1_0", 128, 2 + 16},
  };
  llmhw::test::TempDir dir;
  GgufWriter file;
  std::uint64_t expected_bytes = 0;
  for (const Layout& layout : layouts) {
    // Three rows of two blocks each.
    const std::uint64_t bytes = 3 * 2 * layout.bytes;
    file.tensor(std::string("t.") + layout.name, {2 * layout.weights, 3}, layout.id, bytes);
    expected_bytes += bytes;
  }
  auto header = read_header(file.write(dir.path() / "types.gguf"));
  REQUIRE(header.ok());
  REQUIRE(header->tensors.size() == layouts.size());
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < layouts.size(); ++i) {
    INFO(layouts[i].name);
    const auto& tensor = header->tensors[i];
    CHECK(tensor.elements == 6 * layouts[i].weights);
    CHECK(tensor.bytes == 6 * layouts[i].bytes);
    CHECK(llmhw::model::gguf::ggml_type(tensor.type)->name == layouts[i].name);
    bytes += tensor.bytes;
  }
  CHECK(bytes == expected_bytes);
}

TEST_CASE("general.alignment moves the data section", "[model][gguf]")
{
  llmhw::test::TempDir dir;
  GgufWriter file;
  file.alignment(64).tensor("a", {32}, 0, 128).tensor("b", {32}, 0, 128);
  auto header = read_header(file.write(dir.path() / "aligned.gguf"));
  REQUIRE(header.ok());
  CHECK(header->alignment == 64);
  CHECK(header->data_offset % 64 == 0);
  CHECK(header->tensors[1].offset == 128);
}

TEST_CASE("malformed GGUF headers name the offset and the problem", "[model][gguf][malformed]")
{
  SECTION("empty and truncated")
  {
    CHECK_THAT(problem_with(""), Catch::Contains("offset 0: magic (4 bytes) runs past the end of the file (0 bytes)"));
    CHECK_THAT(problem_with("GGUF\x03"), Catch::Contains("offset 4: version"));
    CHECK_THAT(problem_with(start(0, 1).str()), Catch::Contains("offset 24: metadata key 0"));
  }
  SECTION("not GGUF, or a version llm-hw does not read")
  {
    CHECK_THAT(problem_with("GGML\x03\0\0\0"), Catch::Contains("not a GGUF file"));
    Bytes v1;
    v1.raw("GGUF").u32(1).u32(0).u32(0);
    CHECK_THAT(problem_with(v1.str()), Catch::Contains("GGUF version 1"));
    Bytes v9;
    v9.raw("GGUF").u32(9).u64(0).u64(0);
    CHECK_THAT(problem_with(v9.str()), Catch::Contains("GGUF version 9 is not one llm-hw reads"));
  }
  SECTION("absurd counts")
  {
    CHECK_THAT(problem_with(start(1ULL << 40, 0).str()), Catch::Contains("offset 8: tensor count 1099511627776"));
    CHECK_THAT(problem_with(start(0, 1ULL << 40).str()), Catch::Contains("offset 16: metadata count"));
    // 60 times the largest real file's tensors (about 1,100): more is refused before any is read.
    CHECK_THAT(problem_with(start(65'537, 0).str()),
               Catch::Contains("offset 8: tensor count 65537 exceeds the limit of 65536"));
    CHECK_THAT(problem_with(start(0, 65'537).str()),
               Catch::Contains("offset 16: metadata count 65537 exceeds the limit of 65536"));
  }
  SECTION("lengths past the end of the file")
  {
    Bytes key = start(0, 1);
    key.u64(60'000).raw("general.name");
    CHECK_THAT(problem_with(key.str()), Catch::Contains("offset 32: metadata key 0 (60000 bytes) runs past the end"));
    Bytes huge = start(0, 1);
    huge.u64(UINT64_MAX);
    CHECK_THAT(problem_with(huge.str()), Catch::Contains("offset 24: metadata key 0: length 18446744073709551615 "
                                                         "exceeds the limit of 65535 bytes"));
    Bytes array = start(0, 1);
    array.string("tokens").u32(llmhw::test::k_array).u32(llmhw::test::k_uint32).u64(1ULL << 60);
    CHECK_THAT(problem_with(array.str()), Catch::Contains("array of 1152921504606846976 uint32 elements runs past"));
  }
  SECTION("unknown value type, bad boolean, arrays nested too deep, duplicate key")
  {
    Bytes type = start(0, 1);
    type.string("k").u32(13);
    CHECK_THAT(problem_with(type.str()), Catch::Contains("offset 33: metadata 'k': unknown value type 13"));
    Bytes boolean = start(0, 1);
    boolean.string("k").u32(llmhw::test::k_bool).u8(2);
    CHECK_THAT(problem_with(boolean.str()), Catch::Contains("neither 0 nor 1"));
    Bytes deep = start(0, 1);
    deep.string("k").u32(llmhw::test::k_array);
    for (int level = 0; level < 9; ++level) {
      deep.u32(llmhw::test::k_array).u64(1);
    }
    CHECK_THAT(problem_with(deep.str()), Catch::Contains("nested deeper than 8"));
    GgufWriter twice;
    twice.u32("k", 1).u32("k", 2);
    CHECK_THAT(problem_with(twice.header()), Catch::Contains("metadata 'k': duplicate key"));
  }
  SECTION("tensor infos")
  {
    GgufWriter unknown;
    unknown.tensor("w", {32}, 99, 64);
    CHECK_THAT(problem_with(unknown.header()), Catch::Contains("tensor 'w': unknown ggml type 99"));
    GgufWriter removed; // GGML_TYPE_Q4_2 = 4 was removed before GGUF existed
    removed.tensor("w", {32}, 4, 64);
    CHECK_THAT(problem_with(removed.header()), Catch::Contains("unknown ggml type 4"));
    GgufWriter dims;
    dims.tensor("w", {1, 1, 1, 1, 1}, 0, 4);
    CHECK_THAT(problem_with(dims.header()), Catch::Contains("tensor 'w': 5 dimensions"));
    GgufWriter rows;
    rows.tensor("w", {100, 2}, 12, 288); // Q4_K rows must be whole 256-weight blocks
    CHECK_THAT(problem_with(rows.header()),
               Catch::Contains("row of 100 elements is not a whole number of Q4_K blocks"));
    GgufWriter overflow;
    overflow.tensor("w", {1ULL << 32, 1ULL << 32}, 0, 4);
    CHECK_THAT(problem_with(overflow.header()), Catch::Contains("shape overflows"));
    GgufWriter name;
    name.tensor(std::string(65, 'x'), {1}, 0, 4);
    CHECK_THAT(problem_with(name.header()), Catch::Contains("exceeds the limit of 64 bytes"));
    GgufWriter same;
    same.tensor("w", {8}, 0, 32).tensor("w", {8}, 0, 32);
    CHECK_THAT(problem_with(same.header() + std::string(64, '\0')), Catch::Contains("tensor 'w' appears twice"));
  }
  SECTION("tensor data outside the file, misaligned or overlapping")
  {
    GgufWriter past;
    past.tensor("w", {1024}, 0, 4096);
    CHECK_THAT(problem_with(past.header() + std::string(100, '\0')),
               Catch::Contains("tensor 'w' at data offset 0: its 4096 bytes run past the end of the file"));
    Bytes misaligned = start(1, 0);
    misaligned.string("w").u32(1).u64(8).u32(0).u64(4); // F32 [8] at data offset 4
    std::string bytes = misaligned.str();
    bytes.resize(64 + 64, '\0');
    CHECK_THAT(problem_with(bytes), Catch::Contains("tensor 'w' at data offset 4: not aligned to 32 bytes"));
    Bytes overlap = start(2, 0);
    overlap.string("a").u32(1).u64(16).u32(0).u64(0);  // F32 [16]: bytes 0-63
    overlap.string("b").u32(1).u64(16).u32(0).u64(32); // bytes 32-95
    bytes = overlap.str();
    bytes.resize(128 + 128, '\0');
    CHECK_THAT(problem_with(bytes), Catch::Contains("tensor 'b' overlaps tensor 'a'"));
    GgufWriter alignment;
    alignment.u32("general.alignment", 48);
    CHECK_THAT(problem_with(alignment.header()), Catch::Contains("general.alignment must be a uint32 power of two"));
  }
}
