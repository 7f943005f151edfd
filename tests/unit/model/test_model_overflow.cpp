// Sizes at the edge of 64 bits: shapes a config.json may declare within the
// reader's limits still give byte counts past 2^64 in wide precisions. They
// saturate at UINT64_MAX (fits nowhere) instead of wrapping to a small number
// or converting an out-of-range double (undefined behaviour; UBSan's
// float-cast-overflow under the fuzz preset).

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"
#include "support/temp_dir.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>

using llmhw::test::builtin_catalog;

TEST_CASE("a config.json whose fp32 weights pass 2^64 bytes saturates", "[model][overflow]")
{
  // Every field within hf_config's limits: 1024 layers of 16384 experts, each
  // 3 x 131072 x 2097152 weights: 3 x 2^62 = 1.4e19 parameters in the routed
  // experts alone, under 2^64 = 1.8e19, but 5.5e19 bytes in fp32.
  const nlohmann::json config = {{"model_type", "mixtral"},
                                 {"hidden_size", 131072},
                                 {"intermediate_size", 2097152},
                                 {"num_hidden_layers", 1024},
                                 {"num_attention_heads", 4096},
                                 {"num_key_value_heads", 4096},
                                 {"head_dim", 32},
                                 {"vocab_size", 1024},
                                 {"num_local_experts", 16384},
                                 {"num_experts_per_tok", 2},
                                 {"max_position_embeddings", 4096},
                                 {"torch_dtype", "float32"}};
  llmhw::test::TempDir dir;
  auto model = llmhw::model::load(dir.write("huge/config.json", config.dump()), builtin_catalog());
  REQUIRE(model.ok());
  CHECK(model->params > 3ULL << 62);
  CHECK(llmhw::model::weight_bytes(*model, *builtin_catalog().find_quant("fp32")) == UINT64_MAX);
  CHECK(llmhw::model::weight_bytes(*model, *builtin_catalog().find_quant("bf16")) == UINT64_MAX);
  // Two of 16384 experts per token: what a step reads still fits.
  CHECK(llmhw::model::weight_bytes_read_per_token(*model, *builtin_catalog().find_quant("fp32")) < UINT64_MAX);
}

TEST_CASE("a KV cache past 2^64 bytes saturates", "[model][overflow][kv]")
{
  llmhw::model::Architecture arch;
  arch.num_layers = 1024;
  arch.num_kv_heads = 4096;
  arch.head_dim = 4096; // 2 x 4096 x 4096 x 1024 = 3.4e10 elements per token
  CHECK(llmhw::model::kv_cache_bytes(arch, 1ULL << 34, 4.0) == UINT64_MAX); // 2.4e21 bytes
  CHECK(llmhw::model::kv_cache_bytes(arch, 1000, 2.0) == 2ULL * 4096 * 4096 * 1024 * 1000 * 2);
}
