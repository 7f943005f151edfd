// safetensors files written byte by byte: an 8-byte little-endian header
// length, the JSON header, the tensor bytes (huggingface/safetensors README,
// "Format"). Read back alone, as sharded sets with an index, with and without
// a config.json beside them, and malformed.

#include "gguf_writer.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/model/safetensors.hpp"
#include "support/temp_dir.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <functional>

using nlohmann::json;

using llmhw::test::builtin_catalog;

namespace {

/// The bytes of a safetensors file with `header` and `data_bytes` of data.
std::string safetensors_bytes(const std::string& header, std::uint64_t data_bytes)
{
  llmhw::test::Bytes bytes;
  bytes.u64(header.size()).raw(header).raw(std::string(data_bytes, '\0'));
  return bytes.str();
}

/// One entry of a header: {"dtype", "shape", "data_offsets"}.
json tensor(const std::string& dtype, const std::vector<std::uint64_t>& shape, std::uint64_t begin, std::uint64_t end)
{
  return {{"dtype", dtype}, {"shape", shape}, {"data_offsets", {begin, end}}};
}

/// A Llama-shaped checkpoint in BF16: hidden 64, 1 layer, 4 heads of 16,
/// 2 KV heads, FFN 128, vocabulary 100; tensors laid out back to back.
json llama_header(bool with_lm_head)
{
  json header = json::object();
  std::uint64_t offset = 0;
  const auto add = [&](const std::string& name, std::uint64_t rows, std::uint64_t columns) {
    const std::uint64_t bytes = rows * columns * 2;
    header[name] = tensor("BF16", {rows, columns}, offset, offset + bytes);
    offset += bytes;
  };
  add("model.embed_tokens.weight", 100, 64);
  add("model.layers.0.self_attn.q_proj.weight", 64, 64);
  add("model.layers.0.self_attn.k_proj.weight", 32, 64);
  add("model.layers.0.self_attn.v_proj.weight", 32, 64);
  add("model.layers.0.self_attn.o_proj.weight", 64, 64);
  add("model.layers.0.mlp.gate_proj.weight", 128, 64);
  add("model.layers.0.mlp.up_proj.weight", 128, 64);
  add("model.layers.0.mlp.down_proj.weight", 64, 128);
  header["model.layers.0.input_layernorm.weight"] = tensor("BF16", {64}, offset, offset + 128);
  header["model.layers.0.post_attention_layernorm.weight"] = tensor("BF16", {64}, offset + 128, offset + 256);
  header["model.norm.weight"] = tensor("BF16", {64}, offset + 256, offset + 384);
  offset += 384;
  if (with_lm_head) {
    add("lm_head.weight", 100, 64);
  }
  header["__metadata__"] = {{"format", "pt"}};
  return header;
}

std::uint64_t data_bytes(const json& header)
{
  std::uint64_t end = 0;
  for (const auto& [name, entry] : header.items()) {
    if (name != "__metadata__") {
      end = std::max(end, entry["data_offsets"][1].get<std::uint64_t>());
    }
  }
  return end;
}

// Parameters of llama_header: 6,400 embedding + 4,096 q + 2 x 2,048 kv + 4,096 o + 3 x 8,192 MLP + 3 x 64 norms.
constexpr std::uint64_t k_params = 6'400 + 4'096 + 2 * 2'048 + 4'096 + 3 * 8'192 + 3 * 64;

const json k_config = {{"model_type", "llama"},     {"hidden_size", 64},
                       {"intermediate_size", 128},  {"num_hidden_layers", 1},
                       {"num_attention_heads", 4},  {"num_key_value_heads", 2},
                       {"vocab_size", 100},         {"tie_word_embeddings", false},
                       {"torch_dtype", "bfloat16"}, {"max_position_embeddings", 2048}};

std::string problem_with(const std::string& bytes)
{
  llmhw::test::TempDir dir;
  const std::string path = dir.write("bad.safetensors", bytes);
  auto header = llmhw::model::safetensors::read_header(path);
  REQUIRE_FALSE(header.ok());
  CHECK(header.error().input.rfind(path, 0) == 0);
  return header.error().problem;
}

llmhw::model::ModelSpec load(const std::string& path)
{
  auto model = llmhw::model::load(path, builtin_catalog());
  if (!model.ok()) {
    FAIL(model.error().message());
  }
  return model.value();
}

} // namespace

TEST_CASE("a safetensors header reads back: dtypes, shapes, offsets, metadata", "[model][safetensors]")
{
  llmhw::test::TempDir dir;
  json header = {{"a", tensor("F8_E4M3", {4, 8}, 0, 32)},
                 {"b", tensor("F4", {16}, 32, 40)}, // 16 FP4 values: 8 bytes
                 {"c", tensor("I32", {2}, 40, 48)},
                 {"__metadata__", {{"format", "pt"}}}};
  const std::string path = dir.write("t.safetensors", safetensors_bytes(header.dump(), 48));
  auto read = llmhw::model::safetensors::read_header(path);
  REQUIRE(read.ok());
  REQUIRE(read->tensors.size() == 3);
  CHECK(read->tensors[0].name == "a");
  CHECK(read->tensors[0].elements == 32);
  CHECK(read->tensors[1].dtype == "F4");
  CHECK(read->tensor_bytes() == 48);
  CHECK(read->metadata.at("format") == "pt");
}

TEST_CASE("a HF folder: config.json for the architecture, safetensors for exact bytes", "[model][safetensors]")
{
  llmhw::test::TempDir dir;
  const json header = llama_header(true);
  dir.write("model/model.safetensors", safetensors_bytes(header.dump(), data_bytes(header)));
  dir.write("model/config.json", k_config.dump());
  const auto model = load((dir.path() / "model").string());
  CHECK(model.source == llmhw::model::ModelSource::safetensors);
  CHECK(model.name == "model");
  CHECK(model.native_quant == "bf16");
  CHECK(model.params == k_params + 6'400);
  CHECK(*model.file_weight_bytes == data_bytes(header));
  CHECK(model.parameters.lm_head == 6'400);
  // 1 layer x 2 x 2 KV heads x 16 dims x 2 bytes = 128 B per token.
  CHECK(llmhw::model::kv_bytes_per_token(model.arch, 2.0) == 128);
  // The file's own count agrees with the count derived from config.json.
  auto derived = llmhw::model::load((dir.path() / "model" / "config.json").string(), builtin_catalog());
  REQUIRE(derived.ok());
  CHECK(derived->params == model.params);
  CHECK(derived->source == llmhw::model::ModelSource::hf_config);
}

TEST_CASE("sharded checkpoints: every shard the index names is read", "[model][safetensors]")
{
  llmhw::test::TempDir dir;
  json first = {{"model.embed_tokens.weight", tensor("BF16", {100, 64}, 0, 12'800)}};
  json second = {{"lm_head.weight", tensor("BF16", {100, 64}, 0, 12'800)},
                 {"model.norm.weight", tensor("BF16", {64}, 12'800, 12'928)}};
  dir.write("m/model-00001-of-00002.safetensors", safetensors_bytes(first.dump(), 12'800));
  const std::string shard = dir.write("m/model-00002-of-00002.safetensors", safetensors_bytes(second.dump(), 12'928));
  json index = {{"metadata", {{"total_size", 25'728}}},
                {"weight_map",
                 {{"model.embed_tokens.weight", "model-00001-of-00002.safetensors"},
                  {"lm_head.weight", "model-00002-of-00002.safetensors"},
                  {"model.norm.weight", "model-00002-of-00002.safetensors"}}}};
  const std::string index_path = dir.write("m/model.safetensors.index.json", index.dump());
  SECTION("through the index, the folder, or one shard")
  {
    for (const std::string& path : {index_path, (dir.path() / "m").string(), shard}) {
      INFO(path);
      // No config.json: the shapes give hidden 64 and vocabulary 100, but no layers to find heads in.
      auto model = llmhw::model::load(path, builtin_catalog());
      REQUIRE_FALSE(model.ok());
      CHECK_THAT(model.error().problem, Catch::Contains("no config.json beside it"));
    }
    dir.write("m/config.json", k_config.dump());
    const auto model = load(index_path);
    CHECK(*model.file_weight_bytes == 25'728);
    CHECK(model.params == 12'864); // what the shards hold: embedding, lm_head, final norm
  }
  SECTION("a shard named by the index is missing")
  {
    std::filesystem::remove(shard);
    auto model = llmhw::model::load(index_path, builtin_catalog());
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().input == shard);
  }
  SECTION("the index names a tensor its shard lacks")
  {
    index["weight_map"]["model.layers.0.mlp.up_proj.weight"] = "model-00001-of-00002.safetensors";
    dir.write("m/model.safetensors.index.json", index.dump());
    auto model = llmhw::model::load(index_path, builtin_catalog());
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().problem == "weight_map.model.layers.0.mlp.up_proj.weight: tensor not found in "
                                   "model-00001-of-00002.safetensors");
  }
  SECTION("the index points outside its folder")
  {
    index["weight_map"]["lm_head.weight"] = "../../etc/passwd.safetensors";
    dir.write("m/model.safetensors.index.json", index.dump());
    auto model = llmhw::model::load(index_path, builtin_catalog());
    REQUIRE_FALSE(model.ok());
    CHECK_THAT(model.error().problem, Catch::Contains("is not a .safetensors file name in this folder"));
  }
}

TEST_CASE("a lone safetensors file: the architecture from tensor shapes", "[model][safetensors]")
{
  llmhw::test::TempDir dir;
  const json header = llama_header(false);
  const std::string path = dir.write("lone/weights.safetensors", safetensors_bytes(header.dump(), data_bytes(header)));
  const auto model = load(path);
  CHECK(model.params == k_params);
  CHECK(model.arch.tied_embeddings); // no lm_head.weight
  CHECK(model.arch.num_layers == 1);
  CHECK(model.arch.vocab_size == 100);
  // k_proj is 32 rows wide: 1 layer x 2 x 32 x 2 bytes = 128 B per token, whatever the head split.
  CHECK(llmhw::model::kv_bytes_per_token(model.arch, 2.0) == 128);
  CHECK_FALSE(model.assumptions.empty());
}

TEST_CASE("quantized safetensors: bytes from the files, parameters from config.json", "[model][safetensors]")
{
  llmhw::test::TempDir dir;
  // AWQ packs eight 4-bit weights in each I32; element counts are not parameters.
  json header = {{"model.layers.0.mlp.up_proj.qweight", tensor("I32", {64, 16}, 0, 4'096)},
                 {"model.layers.0.mlp.up_proj.scales", tensor("F16", {1, 128}, 4'096, 4'352)}};
  dir.write("awq/model.safetensors", safetensors_bytes(header.dump(), 4'352));
  json config = k_config;
  config["quantization_config"] = {{"quant_method", "awq"}, {"bits", 4}, {"group_size", 128}};
  dir.write("awq/config.json", config.dump());
  const auto model = load((dir.path() / "awq").string());
  CHECK(model.native_quant == "int4");
  CHECK(*model.file_weight_bytes == 4'352);
  CHECK(model.params == k_params + 6'400); // derived from the config
}

TEST_CASE("malformed safetensors headers name the tensor and the problem", "[model][safetensors][malformed]")
{
  CHECK_THAT(problem_with("abc"), Catch::Contains("offset 0: header length (8 bytes) runs past the end of the file"));
  llmhw::test::Bytes long_header;
  long_header.u64(1000).raw("{}");
  CHECK_THAT(problem_with(long_header.str()), Catch::Contains("offset 8: JSON header (1000 bytes) runs past the end"));
  llmhw::test::Bytes absurd;
  absurd.u64(1ULL << 40);
  CHECK_THAT(problem_with(absurd.str()), Catch::Contains("header length 1099511627776 exceeds the limit"));
  CHECK_THAT(problem_with(safetensors_bytes("{\"a\": [", 0)), Catch::Contains("not valid JSON"));
  CHECK_THAT(problem_with(safetensors_bytes("[]", 0)), Catch::Contains("expected a JSON object"));
  const auto bad = [](const json& entry, std::uint64_t data) {
    return problem_with(safetensors_bytes(json{{"w", entry}}.dump(), data));
  };
  CHECK_THAT(bad(tensor("Q4", {4}, 0, 2), 2), Catch::Contains("tensor 'w': unknown dtype 'Q4'"));
  CHECK_THAT(bad(tensor("F16", {4}, 0, 6), 6),
             Catch::Contains("tensor 'w': data_offsets [0, 6] hold 6 bytes, but F16 [4] needs 64 bits"));
  CHECK_THAT(bad(tensor("F16", {4}, 0, 8), 4),
             Catch::Contains("data_offsets end 8 is past the end of the data (4 bytes"));
  CHECK_THAT(bad(tensor("F16", {4}, 8, 0), 8), Catch::Contains("end before they begin"));
  CHECK_THAT(bad(json{{"dtype", "F16"}, {"shape", {-4}}, {"data_offsets", {0, 8}}}, 8),
             Catch::Contains("shape: expected a non-negative integer, got -4"));
  CHECK_THAT(bad(json{{"dtype", "F16"}, {"shape", {"4"}}, {"data_offsets", {0, 8}}}, 8),
             Catch::Contains("shape: expected a non-negative integer, got \"4\""));
  CHECK_THAT(bad(json{{"dtype", "F16"}, {"shape", {4}}, {"data_offsets", {0}}}, 8),
             Catch::Contains("data_offsets must be [begin, end]"));
  CHECK_THAT(bad(json{{"dtype", "F16"}, {"shape", {1ULL << 40, 1ULL << 40}}, {"data_offsets", {0, 8}}}, 8),
             Catch::Contains("shape overflows"));
  const json overlapping = {{"a", tensor("F32", {4}, 0, 16)}, {"b", tensor("F32", {4}, 8, 24)}};
  CHECK_THAT(problem_with(safetensors_bytes(overlapping.dump(), 24)),
             Catch::Contains("tensor 'b' overlaps tensor 'a'"));
  const json metadata = {{"__metadata__", {{"format", 1}}}};
  CHECK_THAT(problem_with(safetensors_bytes(metadata.dump(), 0)),
             Catch::Contains("__metadata__.format: expected a string"));
}

TEST_CASE("a zero-length tensor holds no bytes and overlaps nothing", "[model][safetensors]")
{
  llmhw::test::TempDir dir;
  // Legal per the format: a 0 in the shape, data_offsets [a, a], here at the start of another
  // tensor and inside a third.
  const json header = {{"a", tensor("F32", {4}, 0, 16)},
                       {"empty_at_b", tensor("F32", {0, 8}, 16, 16)},
                       {"empty_inside_a", tensor("BF16", {3, 0}, 8, 8)},
                       {"b", tensor("F32", {2}, 16, 24)}};
  const std::string path = dir.write("empty.safetensors", safetensors_bytes(header.dump(), 24));
  const auto read = llmhw::model::safetensors::read_header(path);
  REQUIRE(read.ok());
  CHECK(read->tensors.size() == 4);
  CHECK(read->tensor_bytes() == 24);
  const json overlapping = {{"a", tensor("F32", {4}, 0, 16)}, {"b", tensor("F32", {4}, 8, 24)}};
  CHECK_THAT(problem_with(safetensors_bytes(overlapping.dump(), 24)), // still refused when both hold bytes
             Catch::Contains("tensor 'b' overlaps tensor 'a'"));
}

namespace {

/// The problem loading a lone safetensors file of llama_header with `change` applied.
std::string inferred_problem(const std::function<void(json&)>& change)
{
  llmhw::test::TempDir dir;
  json header = llama_header(true);
  change(header);
  const std::string path = dir.write("lone/weights.safetensors", safetensors_bytes(header.dump(), data_bytes(header)));
  auto model = llmhw::model::load(path, builtin_catalog());
  if (model.ok()) {
    return "";
  }
  CHECK(model.error().input == path);
  return model.error().problem;
}

/// `name` replaced by a BF16 matrix of `rows` × `columns` placed after every other tensor.
void reshape(json& header, const std::string& name, std::uint64_t rows, std::uint64_t columns)
{
  const std::uint64_t end = data_bytes(header);
  header[name] = tensor("BF16", {rows, columns}, end, end + rows * columns * 2);
}

} // namespace

TEST_CASE("shapes inferred without a config.json must agree with each other", "[model][safetensors][malformed]")
{
  CHECK(inferred_problem([](json&) {}).empty());
  // q_proj reads 48 inputs, the embedding is 64 wide.
  CHECK_THAT(inferred_problem([](json& h) { reshape(h, "model.layers.0.self_attn.q_proj.weight", 64, 48); }),
             Catch::Contains("embed_tokens is 64 wide, but layer 0's q_proj reads 48 and k_proj 64"));
  // A layer 5 without layers 1 to 4: block count and tensors disagree.
  CHECK_THAT(inferred_problem([](json& h) { reshape(h, "model.layers.5.mlp.up_proj.weight", 128, 64); }),
             Catch::Contains("tensors name layers up to 5 but only 2 distinct layers"));
  // k_proj of no rows: no KV heads (a head width of 0 once divided by zero).
  CHECK_THAT(inferred_problem([](json& h) { reshape(h, "model.layers.0.self_attn.k_proj.weight", 0, 64); }),
             Catch::Contains("has a dimension of 0"));
  // k_proj of 48 rows: head_dim taken as 48, and q_proj's 64 rows are not whole heads of it.
  CHECK_THAT(inferred_problem([](json& h) { reshape(h, "model.layers.0.self_attn.k_proj.weight", 48, 64); }),
             Catch::Contains("q_proj's 64 outputs are not whole heads of 48"));
}

TEST_CASE("safetensors of zero-length tensors only is refused: nothing to size", "[model][safetensors][malformed]")
{
  llmhw::test::TempDir dir;
  const json header = {{"model.embed_tokens.weight", tensor("BF16", {0, 64}, 0, 0)}};
  const std::string path = dir.write("empty/model.safetensors", safetensors_bytes(header.dump(), 0));
  dir.write("empty/config.json", k_config.dump());
  auto model = llmhw::model::load((dir.path() / "empty").string(), builtin_catalog());
  REQUIRE_FALSE(model.ok());
  CHECK(model.error().problem == "no weight tensors: nothing to size");
}
