#pragma once
// Inference engines (data/engines.json), quantization formats (data/quants.json)
// and workload presets (data/workloads.json).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::catalog {

/// An inference engine and where it runs.
struct EngineSpec {
  std::string id;            ///< "vllm", "llama.cpp", …
  std::string name;          ///< "vLLM"
  std::vector<std::string> backends;   ///< "cuda", "rocm", "tpu", "cpu", "metal", "gaudi", "xpu"
  std::optional<std::string> min_compute_capability;   ///< CUDA: "7.0"
  std::vector<std::string> quants;      ///< weight formats it runs (quants.json ids)
  std::vector<std::string> kv_quants;   ///< KV-cache precisions it supports
  std::vector<std::string> architectures;   ///< model families it serves; empty means any
  bool paged_kv = false;
  bool prefix_caching = false;
  bool speculative_decoding = false;
  std::optional<double> gpu_memory_utilization;   ///< default share of device memory it takes
  std::optional<std::string> multi_node;          ///< how it spans hosts ("ray", "mpi"), if it can
  std::string source;
};

/// A weight precision or quantization format.
struct QuantFormat {
  std::string id;                     ///< "bf16", "fp8", "awq-int4", "q4_k_m"
  std::vector<std::string> aliases;   ///< "int4", "Q4_K_M", "awq"
  double bits_per_weight = 16;        ///< including scales and zero points
  std::string compute_precision;      ///< tensor-core precision the matmuls run in ("bf16", "fp8", "int8", "fp4")
  std::string family;                 ///< "float", "int", "gguf", "microscaling"
  std::optional<std::uint32_t> gguf_type;   ///< ggml_type id for GGUF formats
  std::string source;
};

/// A named workload: what a typical request looks like and what users expect.
struct WorkloadPreset {
  std::string id;               ///< "chat"
  std::string description;
  std::uint64_t prompt_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::uint64_t concurrency = 1;
  std::optional<double> max_ttft_ms;
  std::optional<double> max_tpot_ms;
  std::optional<double> min_tok_s;
  std::string source;
};

} // namespace llmhw::catalog
