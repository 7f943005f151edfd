#pragma once
// The estimator against published measurements (bench/data/measurements.csv):
// one prediction per row, errors grouped by engine × device class × metric,
// and the fit of data/calibration.json's factors on the rows marked "fit".

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/estimate/calibration.hpp"
#include "llmhw/util/result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace llmhw::accuracy {

/// One row of the measurement set, with the columns llm-hw added to name the catalog entries.
struct Measurement {
  std::string source;
  std::string metric;   ///< decode_tok_s_per_user, prefill_tok_s, output_throughput_tok_s, ttft_ms, tpot_ms, fits, weights_gib
  std::string value;    ///< as written ("70.94", "yes")
  std::string hardware; ///< as the source names it
  std::string target;   ///< catalog hardware id (empty for weights_gib)
  std::string model;    ///< catalog model id
  std::string quant;
  std::string kv_quant;
  std::string engine;
  std::uint32_t devices = 1;
  std::uint64_t prompt_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::uint64_t context = 0;     ///< provisioned context per sequence; 0: prompt + output
  std::uint64_t concurrency = 1; ///< 0: as many as fit ("max (offline)")
  /// Requests per user a closed-loop benchmark measured from a cold start (0: the steady state; see Workload).
  std::uint32_t benchmark_rounds = 0;
  std::string split;             ///< fit, holdout, report (shown, not bounded), check (memory facts)
  std::optional<bool> flash_attention; ///< the run's -fa; empty: the engine's default
};

/// The built-in catalog with bench/data/hosts.json: the machines measured for the set that are no catalog
/// entry (a 2-vCPU cloud VM as llm-hw probes it).
Result<catalog::Catalog> load_catalog(const std::string& source_dir);

/// Reads the CSV (RFC 4180 quoting). Errors name the file and line.
Result<std::vector<Measurement>> read_measurements(const std::string& path);

/// A numeric measurement and the estimator's figure for it.
struct Prediction {
  Measurement measurement;
  std::string device_class;
  double measured = 0;
  double predicted = 0;
  /// (predicted − measured) / measured for rates; for latencies (ttft_ms, tpot_ms) the sign is flipped, so that
  /// a positive error always means an optimistic estimate.
  [[nodiscard]] double relative_error() const
  {
    const bool latency = measurement.metric.ends_with("_ms");
    return (latency ? measured - predicted : predicted - measured) / measured;
  }
};

/// The estimator's figure for every numeric speed row (decode, prefill,
/// throughput) and weights_gib row; fits rows go to `fits_agree` / `fits_total`.
struct Evaluation {
  std::vector<Prediction> predictions;
  int fits_agree = 0;
  int fits_total = 0;
  std::vector<std::string> disagreements; ///< fits rows the estimator gets wrong
};

Evaluation evaluate(const std::vector<Measurement>& rows, const catalog::Catalog& catalog,
                    const estimate::Calibration& calibration);

struct GroupError {
  std::string engine;
  std::string device_class;
  std::string metric;
  std::string split; ///< "fit", "holdout", "report", "all"
  std::size_t rows = 0;
  double median_abs = 0; ///< median |predicted − measured| / measured
  double worst_abs = 0;
  double mean_signed = 0; ///< bias: positive when the estimator is optimistic
};

/// Errors per engine × device class × metric, and per metric over everything.
std::vector<GroupError> group_errors(const std::vector<Prediction>& predictions);

/// Median absolute relative error of the predictions whose metric is `metric` (every split but "report").
double median_abs_error(const std::vector<Prediction>& predictions, const std::string& metric);
double worst_abs_error(const std::vector<Prediction>& predictions, const std::string& metric);

/// Fits every engine × device class × quant family that has "fit" rows: the
/// decode bandwidth share and per-layer step overhead minimising the median
/// error of decode and throughput rows, then the prefill compute share. Rows
/// of `base` without measurements are kept.
estimate::Calibration fit(const std::vector<Measurement>& rows, const catalog::Catalog& catalog,
                          const estimate::Calibration& base);

/// The markdown table docs/accuracy.md shows.
std::string markdown_table(const std::vector<GroupError>& groups);

} // namespace llmhw::accuracy
