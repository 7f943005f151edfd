#pragma once
// Internal: everything the command line says, as parsed strings, and the
// checks that turn them into typed values.

#include "llmhw/report/report.hpp"
#include "llmhw/workload/workload.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace llmhw::catalog {
struct Catalog;
}

namespace llmhw::cli {

/// Raw option values, as typed. Numbers stay strings until validated, so that
/// every bad value gets one message in one form.
/// The model advised on when neither --model nor a requirements file names one.
inline constexpr const char* k_default_model = "llama-3.1-8b";

struct Options {
  std::string command;
  std::optional<std::string> model;        ///< default: k_default_model
  std::optional<std::string> requirements; ///< --requirements FILE
  std::optional<std::string> quant;
  std::optional<std::string> kv_quant;
  std::optional<std::string> workload;
  std::optional<std::string> prompt_tokens;
  std::optional<std::string> output_tokens;
  std::optional<std::string> concurrency;
  std::optional<std::string> context;
  std::optional<std::string> max_ttft_ms;
  std::optional<std::string> max_tpot_ms;
  std::optional<std::string> min_tok_s;
  std::optional<std::string> min_throughput;
  std::optional<std::string> request_rate;   ///< --request-rate R: Poisson arrivals instead of a closed loop
  std::optional<std::string> slo_percentile; ///< --slo-percentile 50|90|99
  std::optional<std::string> framework;
  std::vector<std::string> targets;
  std::vector<std::string> hardware_files;
  std::vector<std::string> catalog_files;
  std::optional<std::string> topology;
  std::string format = "text";
  std::string sort = "score";              ///< --sort score|cost|speed, checked by the parser
  std::string color = "auto";              ///< --color auto|always|never, checked by the parser
  bool json = false;
  bool verbose = false;
  bool measure = false;  ///< --measure: the local CPU's memory bandwidth
  bool no_cache = false; ///< --no-cache: ignore a kept measurement
  bool fit = false;   ///< models --fit
  bool local = false; ///< models --local
};

/// Bounds on what the command line and a requirements file may say: far above any real use, low enough that a
/// runaway script cannot hand the ranking (every target × engine × precision) minutes of work or print a
/// megabyte-long error line.
inline constexpr std::size_t k_max_name_chars = 256;  ///< a name or number: --target, --quant, --prompt-tokens …
inline constexpr std::size_t k_max_path_chars = 4096; ///< a file path (PATH_MAX on Linux)
inline constexpr std::size_t k_max_list_values = 64; ///< values of a repeatable option: --target, --hardware, --catalog

/// Every option within those bounds; the error names the option and the bound it passes.
Status check_option_sizes(const Options& options);

/// The workload overrides the options name, each checked: token counts and
/// concurrency are positive integers within bounds, times positive and finite.
Result<workload::Overrides> workload_overrides(const Options& options);

/// --quant, --kv-quant and --framework must name catalog entries.
Status check_catalog_names(const Options& options, const catalog::Catalog& catalog);

report::Format output_format(const Options& options);

} // namespace llmhw::cli
