// config.json files as users hand them in: nesting, precision, sliding-window
// spellings, and the malformed ones that must fail naming the field.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"
#include "support/temp_dir.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using nlohmann::json;

using llmhw::test::builtin_catalog;

namespace {

/// Llama 3.1 8B's config.json (huggingface.co/meta-llama/Llama-3.1-8B-Instruct), the fields that matter.
json llama()
{
  return {{"model_type", "llama"},        {"hidden_size", 4096},
          {"intermediate_size", 14336},   {"num_hidden_layers", 32},
          {"num_attention_heads", 32},    {"num_key_value_heads", 8},
          {"vocab_size", 128256},         {"max_position_embeddings", 131072},
          {"tie_word_embeddings", false}, {"torch_dtype", "bfloat16"}};
}

llmhw::Result<llmhw::model::ModelSpec> load_config(const json& config)
{
  static int counter = 0;
  static llmhw::test::TempDir dir;
  const std::string path = dir.write("m" + std::to_string(++counter) + "/config.json", config.dump());
  return llmhw::model::load(path, builtin_catalog());
}

llmhw::model::ModelSpec loaded(const json& config)
{
  auto model = load_config(config);
  if (!model.ok()) {
    FAIL(model.error().message());
  }
  return model.value();
}

std::string problem(const json& config)
{
  auto model = load_config(config);
  REQUIRE_FALSE(model.ok());
  CHECK_THAT(model.error().input, Catch::EndsWith("config.json"));
  return model.error().problem;
}

} // namespace

TEST_CASE("a config.json gives the same model as its catalog entry", "[model][hf]")
{
  const auto model = loaded(llama());
  CHECK(model.source == llmhw::model::ModelSource::hf_config);
  CHECK(model.params == 8'030'261'248ULL); // huggingface.co/meta-llama/Llama-3.1-8B-Instruct safetensors metadata
  CHECK(model.native_quant == "bf16");
  CHECK(llmhw::model::kv_bytes_per_token(model.arch, 2.0) == 131'072);
}

TEST_CASE("multimodal configs nest the text model in text_config", "[model][hf]")
{
  json config = {{"model_type", "mistral3"}, {"torch_dtype", "bfloat16"}, {"text_config", llama()}};
  config["text_config"]["model_type"] = "mistral";
  config["text_config"].erase("torch_dtype");
  config["vision_config"] = {{"model_type", "pixtral"},
                             {"hidden_size", 1024},
                             {"intermediate_size", 4096},
                             {"num_hidden_layers", 24},
                             {"patch_size", 14}};
  const auto model = loaded(config);
  CHECK(model.arch.family == "mistral");
  CHECK(model.arch.hidden_size == 4096);
  CHECK(model.parameters.vision > 0);
  CHECK(model.params == 8'030'261'248ULL + model.parameters.vision);
  CHECK(model.active_params == 8'030'261'248ULL);
}

TEST_CASE("quantization_config and torch_dtype name the checkpoint's precision", "[model][hf]")
{
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"quant_method", "fp8"}, {"weight_block_size", {128, 128}}}, "fp8"}, // DeepSeek-V3
      {{{"quant_method", "awq"}, {"bits", 4}, {"group_size", 128}}, "int4"},
      {{{"quant_method", "gptq"}, {"bits", 8}}, "int8"},
      {{{"quant_method", "bitsandbytes"}, {"load_in_4bit", true}}, "bnb-nf4"},
      {{{"quant_method", "bitsandbytes"}, {"load_in_8bit", true}}, "int8"},
      {{{"quant_method", "mxfp4"}}, "mxfp4"}, // gpt-oss
      {{{"quant_method", "compressed-tensors"}, {"format", "nvfp4-pack-quantized"}}, "nvfp4"},
      {{{"quant_method", "compressed-tensors"},
        {"config_groups", {{"group_0", {{"weights", {{"num_bits", 8}, {"type", "float"}}}}}}}},
       "fp8"},
      {{{"quant_method", "compressed-tensors"},
        {"config_groups", {{"group_0", {{"weights", {{"num_bits", 4}, {"type", "int"}, {"group_size", 128}}}}}}}},
       "int4"},
      {{{"quant_method", "modelopt"}, {"quant_algo", "NVFP4"}}, "nvfp4"},
  };
  for (const auto& [quantization, expected] : cases) {
    INFO(quantization.dump());
    json config = llama();
    config["quantization_config"] = quantization;
    CHECK(loaded(config).native_quant == expected);
  }
  json fp16 = llama();
  fp16["torch_dtype"] = "float16";
  CHECK(loaded(fp16).native_quant == "fp16");
  json renamed = llama(); // transformers >= 4.56 writes "dtype"
  renamed.erase("torch_dtype");
  renamed["dtype"] = "float32";
  CHECK(loaded(renamed).native_quant == "fp32");
  json unknown = llama();
  unknown["quantization_config"] = {{"quant_method", "hqq"}};
  const auto model = loaded(unknown);
  CHECK(model.native_quant == "bf16");
  REQUIRE(model.warnings.size() == 1); // a warning shown with the advice, not an assumption only -v shows
  CHECK_THAT(model.warnings.front(), Catch::Contains("'hqq' is not one llm-hw prices"));
}

TEST_CASE("sliding windows however the family spells them", "[model][hf][sliding]")
{
  SECTION("Qwen: use_sliding_window with max_window_layers")
  {
    json config = llama();
    config["model_type"] = "qwen2";
    config["num_hidden_layers"] = 4;
    config["sliding_window"] = 4096;
    config["max_window_layers"] = 2;
    config["use_sliding_window"] = false;
    CHECK_FALSE(loaded(config).arch.sliding_window.has_value());
    config["use_sliding_window"] = true; // modeling_qwen2: layers from max_window_layers on slide
    const auto model = loaded(config);
    CHECK_FALSE(model.arch.is_sliding(1));
    CHECK(model.arch.is_sliding(2));
    CHECK(llmhw::model::kv_cache_bytes(model.arch, 10'000, 2.0) == (2 * 10'000 + 2 * 4'096) * 2 * 8 * 128 * 2ULL);
  }
  SECTION("layer_types")
  {
    json config = llama();
    config["num_hidden_layers"] = 3;
    config["sliding_window"] = 128;
    config["layer_types"] = {"sliding_attention", "full_attention", "sliding_attention"};
    const auto model = loaded(config);
    CHECK(model.arch.is_sliding(0));
    CHECK_FALSE(model.arch.is_sliding(1));
    CHECK(model.arch.is_sliding(2));
  }
  SECTION("Cohere2 sliding_window_pattern: three sliding layers, then a global one")
  {
    json config = llama();
    config["model_type"] = "cohere2";
    config["num_hidden_layers"] = 8;
    config["sliding_window"] = 4096;
    config["sliding_window_pattern"] = 4;
    const auto model = loaded(config);
    CHECK(model.arch.is_sliding(2));
    CHECK_FALSE(model.arch.is_sliding(3));
    CHECK_FALSE(model.arch.is_sliding(7));
    CHECK(model.arch.tied_embeddings == false); // stated in the config, not Cohere's default
  }
  SECTION("Gemma 2: every other layer, from the model class")
  {
    json config = llama();
    config["model_type"] = "gemma2";
    config["num_hidden_layers"] = 4;
    config["sliding_window"] = 4096;
    config.erase("tie_word_embeddings");
    const auto model = loaded(config);
    CHECK(model.arch.is_sliding(0)); // modeling_gemma2: is_sliding = not bool(layer_idx % 2)
    CHECK_FALSE(model.arch.is_sliding(1));
    CHECK(model.arch.tied_embeddings); // Gemma2Config's default, noted as an assumption
    CHECK_THAT(model.assumptions.front(), Catch::Contains("tie_word_embeddings = true (the Gemma2Config default"));
  }
  SECTION("Mistral 7B v0.1: a window without a pattern covers every layer")
  {
    json config = llama();
    config["model_type"] = "mistral";
    config["sliding_window"] = 4096;
    const auto model = loaded(config);
    CHECK(model.arch.is_sliding(0));
    CHECK(model.arch.is_sliding(31));
  }
}

TEST_CASE("MoE configs: experts, shared experts, and which layers route", "[model][hf][moe]")
{
  json config = llama();
  config["model_type"] = "qwen3_moe";
  config["num_hidden_layers"] = 4;
  config["num_experts"] = 8;
  config["num_experts_per_tok"] = 2;
  config["moe_intermediate_size"] = 1024;
  config["mlp_only_layers"] = {0};
  const auto model = loaded(config);
  CHECK(model.arch.moe_layer_count() == 3);
  // Each MoE layer: 8 experts x 3 x 4096 x 1024; the dense layer keeps its 14336-wide MLP.
  CHECK(model.parameters.routed_experts == 3ULL * 8 * 3 * 4096 * 1024);
  CHECK(model.parameters.dense_mlp == 3ULL * 4096 * 14336);
  config["moe_layers"] = {1, 3}; // Llama 4 lists them outright
  CHECK(loaded(config).arch.moe_layer_count() == 2);
}

TEST_CASE("malformed config.json files name the field and the problem", "[model][hf][malformed]")
{
  json config = llama();
  config["hidden_size"] = "4096";
  CHECK(problem(config) == "hidden_size: expected a non-negative integer, got \"4096\"");
  config = llama();
  config["num_hidden_layers"] = -32;
  CHECK(problem(config) == "num_hidden_layers: expected a non-negative integer, got -32");
  config = llama();
  config.erase("num_attention_heads");
  CHECK(problem(config) == "num_attention_heads: missing (expected a positive integer)");
  config = llama();
  config["num_attention_heads"] = 0;
  CHECK(problem(config) == "num_attention_heads: must be at least 1");
  config = llama();
  config["num_key_value_heads"] = 5;
  CHECK(problem(config) == "num_key_value_heads: 5 does not divide the 32 attention heads into equal groups");
  config = llama();
  config["hidden_size"] = 1 << 30;
  CHECK(problem(config) == "hidden_size: 1073741824 is larger than the limit 131072");
  config = llama();
  config["hidden_size"] = 4100;
  CHECK(problem(config) == "head_dim: missing, and hidden_size 4100 is not a multiple of the 32 attention heads");
  config = llama();
  config["max_position_embeddings"] = 0; // would turn the context check off
  CHECK(problem(config) == "max_position_embeddings: must be positive");
  config = llama();
  config.erase("intermediate_size");
  CHECK(problem(config) == "intermediate_size: missing (expected the width of the dense MLP)");
  config = llama();
  config["num_local_experts"] = 8;
  config["num_experts_per_tok"] = 9;
  CHECK(problem(config) == "num_experts_per_tok: 9 exceeds the 8 experts");
  config = llama();
  config["sliding_window"] = 128;
  config["layer_types"] = {"full_attention"};
  CHECK(problem(config) == "layer_types: expected an array of 32 layer types");
  config["num_hidden_layers"] = 1;
  config["layer_types"] = {"mamba"};
  CHECK(problem(config) == "layer_types: unsupported layer type \"mamba\"");
  config = {{"model_type", "mistral3"}, {"text_config", 5}};
  CHECK(problem(config) == "text_config: expected an object, got 5");
  config = llama();
  config["tie_word_embeddings"] = "no";
  CHECK(problem(config) == "tie_word_embeddings: expected true or false, got \"no\"");
  CHECK_THAT(problem(json::array({1, 2})), Catch::Contains("expected a JSON object"));
}
