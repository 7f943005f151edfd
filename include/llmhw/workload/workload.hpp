#pragma once
// The workload: what requests look like and what users expect of them.

#include "llmhw/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace llmhw::catalog {
struct Catalog;
}

namespace llmhw::workload {

/// Service-level requirements, per user unless named otherwise.
struct ServiceLevels {
  std::optional<double> max_ttft_ms;
  std::optional<double> max_tpot_ms;
  std::optional<double> min_tok_s;            ///< decode tokens/s per user
  std::optional<double> min_throughput_tok_s; ///< aggregate output tokens/s, prefill included
  /// The percentile (50, 90 or 99) max_ttft_ms and max_tpot_ms apply to; empty: 50 (the median).
  std::optional<std::uint32_t> percentile;
};

struct Workload {
  std::string name;                 ///< preset id, file name, or "custom"
  std::uint64_t prompt_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::uint64_t context = 0;        ///< context window to provision per sequence
  std::uint64_t concurrency = 1;    ///< concurrent sequences
  bool max_concurrency = false;     ///< --concurrency max: as many as fit (offline batch throughput)
  /// --request-rate: requests per second arriving (Poisson) instead of a closed loop of `concurrency` users.
  std::optional<double> request_rate;
  /// 0: a closed loop's steady state, what a running service sees. n: the loop as a serving benchmark runs it
  /// (vLLM's benchmark_serving --max-concurrency): every user sends at once and the first n requests of each are
  /// measured, start-up wave included (InferenceX sends 10 per user). The accuracy harness sets it for such rows.
  std::uint32_t benchmark_rounds = 0;
  ServiceLevels slo;
};

/// What the command line says; every field overrides the preset or file.
struct Overrides {
  std::optional<std::string> workload;   ///< preset id or JSON file
  std::optional<std::uint64_t> prompt_tokens;
  std::optional<std::uint64_t> output_tokens;
  std::optional<std::uint64_t> concurrency;
  bool max_concurrency = false;
  std::optional<std::uint64_t> context;
  std::optional<double> request_rate;
  ServiceLevels slo;
};

inline constexpr std::uint64_t k_max_tokens = 10'000'000;      ///< beyond any model's context window
inline constexpr std::uint64_t k_max_concurrency = 1'000'000;

/// The workload from a preset (default "chat") or file, with overrides applied
/// and checked: the context must hold prompt + output.
Result<Workload> resolve(const Overrides& overrides, const catalog::Catalog& catalog);

} // namespace llmhw::workload
