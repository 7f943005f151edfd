// Predictions for the measurement set, their errors, and the calibration fit.

#include "accuracy.hpp"

#include "llmhw/model/model.hpp"
#include "llmhw/util/units.hpp"
#include "llmhw/workload/workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace llmhw::accuracy {
namespace {

bool is_speed(const std::string& metric)
{
  return metric == "decode_tok_s_per_user" || metric == "prefill_tok_s" || metric == "output_throughput_tok_s" ||
         metric == "ttft_ms" || metric == "tpot_ms";
}

bool is_decode(const std::string& metric)
{
  return metric == "decode_tok_s_per_user" || metric == "tpot_ms";
}

bool is_prefill(const std::string& metric)
{
  return metric == "prefill_tok_s" || metric == "ttft_ms";
}

class ModelCache {
public:
  explicit ModelCache(const catalog::Catalog& catalog) : m_catalog(catalog) {}
  const model::ModelSpec* get(const std::string& id)
  {
    auto found = m_models.find(id);
    if (found == m_models.end()) {
      auto loaded = model::load(id, m_catalog);
      if (!loaded) {
        return nullptr;
      }
      found = m_models.emplace(id, std::move(loaded).value()).first;
    }
    return &found->second;
  }

private:
  const catalog::Catalog& m_catalog;
  std::map<std::string, model::ModelSpec> m_models;
};

workload::Workload workload_of(const Measurement& row)
{
  workload::Workload workload;
  workload.name = "measurement";
  workload.prompt_tokens = row.prompt_tokens;
  workload.output_tokens = row.output_tokens;
  workload.context = std::max<std::uint64_t>(1, row.context > 0 ? row.context : row.prompt_tokens + row.output_tokens);
  workload.concurrency = row.concurrency == 0 ? 1 : row.concurrency;
  workload.max_concurrency = row.concurrency == 0;
  workload.benchmark_rounds = row.benchmark_rounds;
  return workload;
}

std::optional<estimate::Estimate> estimate_row(const Measurement& row, const model::ModelSpec& model,
                                               const catalog::Catalog& catalog,
                                               const estimate::Calibration& calibration)
{
  const catalog::HardwareSpec* hardware = catalog.find_hardware(row.target);
  if (hardware == nullptr) {
    return std::nullopt;
  }
  estimate::Candidate candidate;
  candidate.device = hardware->id;
  candidate.name = hardware->name;
  candidate.hardware = *hardware;
  candidate.count = row.devices;
  candidate.engine = row.engine;
  candidate.quant = row.quant;
  candidate.kv_quant = row.kv_quant;
  candidate.flash_attention = row.flash_attention;
  workload::Workload workload = workload_of(row);
  if (row.metric == "fits") {
    // llama-bench's runs in the source: pp1024 and tg1024 on one context.
    workload.prompt_tokens = 1024;
    workload.output_tokens = 1024;
    workload.context = 2048;
  }
  return estimate::run_calibrated(candidate, model, workload, catalog, calibration);
}

double predicted_value(const Measurement& row, const estimate::Estimate& estimate)
{
  if (row.metric == "decode_tok_s_per_user") {
    return estimate.performance.decode_tok_s_per_user;
  }
  if (row.metric == "prefill_tok_s") {
    return estimate.performance.prefill_tok_s;
  }
  // Latency rows are means, as the sources report them; a lone request's latency where nothing was simulated.
  if (row.metric == "ttft_ms") {
    return estimate.performance.ttft.mean > 0 ? estimate.performance.ttft.mean : estimate.performance.ttft_ms;
  }
  if (row.metric == "tpot_ms") {
    return estimate.performance.tpot.mean > 0 ? estimate.performance.tpot.mean : estimate.performance.tpot_ms;
  }
  return estimate.performance.throughput_tok_s;
}

double median(std::vector<double> values)
{
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

/// The calibration key of a weight format: its family, except that FP8
/// weights get their own key. FP8 runs on other tensor-core paths (and, on
/// ROCm in 2024, other GEMM libraries) than bf16, so a share of peak fitted
/// on FP8 runs must not be applied to bf16 ones.
std::string family_of(const catalog::Catalog& catalog, const std::string& quant)
{
  const catalog::QuantFormat* format = catalog.find_quant(quant);
  if (format == nullptr) {
    return "*";
  }
  return format->family == "float" && format->compute_precision == "fp8" ? format->id : format->family;
}

std::string class_of(const catalog::Catalog& catalog, const std::string& target)
{
  const catalog::HardwareSpec* hardware = catalog.find_hardware(target);
  return hardware != nullptr ? estimate::to_string(estimate::classify(*hardware)) : "n/a";
}

} // namespace

Evaluation evaluate(const std::vector<Measurement>& rows, const catalog::Catalog& catalog,
                    const estimate::Calibration& calibration)
{
  Evaluation evaluation;
  ModelCache models(catalog);
  for (const Measurement& row : rows) {
    const model::ModelSpec* model = models.get(row.model);
    if (model == nullptr) {
      continue;
    }
    if (row.metric == "weights_gib") {
      const catalog::QuantFormat* quant = catalog.find_quant(row.quant);
      if (quant == nullptr) {
        continue;
      }
      Prediction prediction{row, "n/a", std::stod(row.value),
                            static_cast<double>(model::weight_bytes(*model, *quant)) / units::GiB};
      evaluation.predictions.push_back(std::move(prediction));
      continue;
    }
    const auto estimate = estimate_row(row, *model, catalog, calibration);
    if (!estimate) {
      continue;
    }
    if (row.metric == "fits") {
      ++evaluation.fits_total;
      if (estimate->memory.fits == (row.value == "yes")) {
        ++evaluation.fits_agree;
      } else {
        evaluation.disagreements.push_back(fmt::format("{} {} on {}× {} with {}: measured {}, estimated {}", row.model,
                                                       row.quant, row.devices, row.target, row.engine, row.value,
                                                       estimate->memory.fits ? "fits" : "does not fit"));
      }
      continue;
    }
    if (!is_speed(row.metric)) {
      continue;
    }
    evaluation.predictions.push_back(
        Prediction{row, class_of(catalog, row.target), std::stod(row.value), predicted_value(row, *estimate)});
  }
  return evaluation;
}

std::vector<GroupError> group_errors(const std::vector<Prediction>& predictions)
{
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<Key, std::vector<double>> errors;
  for (const Prediction& p : predictions) {
    const double error = p.relative_error();
    errors[{p.measurement.metric, p.measurement.engine, p.device_class, p.measurement.split}].push_back(error);
    if (p.measurement.split != "report") {
      errors[{p.measurement.metric, p.measurement.engine, p.device_class, "all"}].push_back(error);
      errors[{p.measurement.metric, "*", "*", "all"}].push_back(error);
      errors[{p.measurement.metric, "*", "*", p.measurement.split}].push_back(error);
    }
  }
  std::vector<GroupError> groups;
  for (const auto& [key, values] : errors) {
    GroupError group;
    std::tie(group.metric, group.engine, group.device_class, group.split) = key;
    group.rows = values.size();
    std::vector<double> absolute;
    double sum = 0;
    for (const double value : values) {
      absolute.push_back(std::fabs(value));
      sum += value;
    }
    group.median_abs = median(absolute);
    group.worst_abs = *std::max_element(absolute.begin(), absolute.end());
    group.mean_signed = sum / static_cast<double>(values.size());
    groups.push_back(group);
  }
  return groups;
}

double median_abs_error(const std::vector<Prediction>& predictions, const std::string& metric)
{
  std::vector<double> absolute;
  for (const Prediction& p : predictions) {
    if (p.measurement.metric == metric && p.measurement.split != "report") {
      absolute.push_back(std::fabs(p.relative_error()));
    }
  }
  return median(absolute);
}

double worst_abs_error(const std::vector<Prediction>& predictions, const std::string& metric)
{
  double worst = 0;
  for (const Prediction& p : predictions) {
    if (p.measurement.metric == metric && p.measurement.split != "report") {
      worst = std::max(worst, std::fabs(p.relative_error()));
    }
  }
  return worst;
}

estimate::Calibration fit(const std::vector<Measurement>& rows, const catalog::Catalog& catalog,
                          const estimate::Calibration& base)
{
  // Rows to fit on, by the calibration key they fall under: first per device
  // class, then per architecture where a class mixes architectures and one of
  // them has at least four rows (llama.cpp's kernels of 2024 reach a smaller
  // share of Hopper's peak than of Ampere's).
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, std::vector<Measurement>> by_class;
  std::map<Key, std::vector<Measurement>> by_architecture;
  std::map<Key, std::vector<std::string>> architectures;
  ModelCache models(catalog);
  for (const Measurement& row : rows) {
    const catalog::HardwareSpec* hardware = catalog.find_hardware(row.target);
    // MoE rows set the constants of src/estimate/moe.cpp; the engine factors are fitted on dense models, so that
    // one engine's MoE kernels do not set the share of bandwidth its dense GEMMs reach.
    const model::ModelSpec* spec = models.get(row.model);
    const bool moe = spec != nullptr && spec->arch.moe && spec->arch.moe->num_experts > 0;
    if (row.split == "fit" && is_speed(row.metric) && hardware != nullptr && !moe) {
      // Ollama's rows calibrate llama.cpp, whose kernels it runs.
      const std::string engine = row.engine == "ollama" ? "llama.cpp" : row.engine;
      // CPUs run a kernel of their own per GGUF type (data/calibration.json cpu_kernels), so their rows are
      // fitted per weight format, not per family.
      const std::string device_class = class_of(catalog, row.target);
      const Key key{engine, device_class, device_class == "cpu" ? row.quant : family_of(catalog, row.quant)};
      by_class[key].push_back(row);
      by_architecture[{engine, std::get<1>(key) + "/" + hardware->architecture, std::get<2>(key)}].push_back(row);
      auto& seen = architectures[key];
      if (std::find(seen.begin(), seen.end(), hardware->architecture) == seen.end()) {
        seen.push_back(hardware->architecture);
      }
    }
  }
  std::vector<std::pair<Key, std::vector<Measurement>>> groups(by_class.begin(), by_class.end());
  for (const auto& [key, seen] : architectures) {
    for (const std::string& architecture : seen) {
      const Key sub{std::get<0>(key), std::get<1>(key) + "/" + architecture, std::get<2>(key)};
      if (seen.size() > 1 && by_architecture[sub].size() >= 4) {
        groups.emplace_back(sub, by_architecture[sub]);
      }
    }
  }
  // Drop the factors of every key refitted here first: an architecture row
  // left over from an earlier fit would shadow its class row, which then sees
  // no change in its score and fits to nothing. The fit is the same whatever
  // calibration it starts from.
  estimate::Calibration calibration = base;
  for (const auto& group : groups) {
    const auto& key = group.first;
    std::erase_if(calibration.factors, [&key](const estimate::EfficiencyFactors& f) {
      return f.engine == std::get<0>(key) && f.device_class == std::get<1>(key) && f.quant == std::get<2>(key);
    });
  }
  for (const auto& group : groups) {
    // Plain references, not structured bindings: clang 14 (the fuzz preset)
    // cannot capture structured bindings in the lambdas below.
    const std::vector<Measurement>& group_rows = group.second;
    const std::string& engine = std::get<0>(group.first);
    const std::string& device_class = std::get<1>(group.first);
    const std::string& family = std::get<2>(group.first);
    estimate::EfficiencyFactors start =
        calibration.factors.empty() ? estimate::EfficiencyFactors{} : calibration.factors.front();
    // Start from what the lookup gives this key today.
    for (const Measurement& row : group_rows) {
      const catalog::HardwareSpec* hardware = catalog.find_hardware(row.target);
      if (hardware != nullptr) {
        start = calibration.find(engine, estimate::classify(*hardware), hardware->architecture, row.quant, family);
        break;
      }
    }
    estimate::EfficiencyFactors row_factors = start;
    row_factors.engine = engine;
    row_factors.device_class = device_class;
    row_factors.quant = family;
    // Replace any row with the same key, then append ours.
    auto& factors = calibration.factors;
    factors.erase(std::remove_if(factors.begin(), factors.end(),
                                 [&](const estimate::EfficiencyFactors& f) {
                                   return f.engine == engine && f.device_class == device_class && f.quant == family;
                                 }),
                  factors.end());
    factors.push_back(row_factors);
    const std::size_t index = factors.size() - 1;

    const auto score = [&](const std::vector<std::string>& metrics) {
      const Evaluation evaluation = evaluate(group_rows, catalog, calibration);
      std::vector<double> absolute;
      double sum = 0;
      for (const Prediction& p : evaluation.predictions) {
        if (std::find(metrics.begin(), metrics.end(), p.measurement.metric) != metrics.end()) {
          absolute.push_back(std::fabs(p.relative_error()));
          sum += std::fabs(p.relative_error());
        }
      }
      // Median first; the mean breaks ties so the fit prefers no outliers.
      return absolute.empty() ? 0.0 : median(absolute) + 1e-3 * sum / static_cast<double>(absolute.size());
    };
    // Offline throughput alone cannot tell bandwidth from per-step overhead at
    // the large batches it runs; such groups keep the prior bandwidth share,
    // and the prior overhead unless some runs are small batches (up to 8
    // sequences), whose steps the fixed overhead dominates.
    const bool has_decode = std::any_of(group_rows.begin(), group_rows.end(),
                                        [](const Measurement& m) { return is_decode(m.metric); });
    const bool has_small_batch = std::any_of(group_rows.begin(), group_rows.end(), [](const Measurement& m) {
      return m.metric == "output_throughput_tok_s" && m.concurrency >= 1 && m.concurrency <= 8;
    });
    const bool fit_overhead = has_decode || has_small_batch;
    const bool has_throughput = std::any_of(group_rows.begin(), group_rows.end(),
                                            [](const Measurement& m) { return m.metric == "output_throughput_tok_s"; });
    const bool has_prefill = std::any_of(group_rows.begin(), group_rows.end(), [](const Measurement& m) {
      return is_prefill(m.metric) || m.metric == "output_throughput_tok_s";
    });
    for (int round = 0; round < 2; ++round) {
      if (has_prefill) {
        double best = 1e300;
        double best_share = factors[index].prefill_compute;
        for (int step = 2; step <= 100; ++step) {
          factors[index].prefill_compute = step / 100.0;
          const double s = score({"prefill_tok_s", "ttft_ms", "output_throughput_tok_s"});
          if (s < best) {
            best = s;
            best_share = factors[index].prefill_compute;
          }
        }
        factors[index].prefill_compute = best_share;
      }
      if (has_decode || has_throughput) {
        double best = 1e300;
        double best_bw = factors[index].decode_bandwidth;
        double best_overhead = factors[index].step_overhead_us_per_layer;
        const int fixed_bw = static_cast<int>(std::lround(factors[index].decode_bandwidth * 100));
        const int fixed_overhead = static_cast<int>(std::lround(factors[index].step_overhead_us_per_layer));
        for (int bw = has_decode ? 30 : fixed_bw; bw <= (has_decode ? 96 : fixed_bw); bw += 2) {
          for (int overhead = fit_overhead ? 0 : fixed_overhead; overhead <= (fit_overhead ? 300 : fixed_overhead);
               overhead += 10) {
            factors[index].decode_bandwidth = bw / 100.0;
            factors[index].step_overhead_us_per_layer = overhead;
            const double s = score({"decode_tok_s_per_user", "tpot_ms", "output_throughput_tok_s"});
            if (s < best) {
              best = s;
              best_bw = factors[index].decode_bandwidth;
              best_overhead = overhead;
            }
          }
        }
        factors[index].decode_bandwidth = best_bw;
        factors[index].step_overhead_us_per_layer = best_overhead;
      }
    }
    std::vector<std::string> devices;
    for (const Measurement& row : group_rows) {
      if (std::find(devices.begin(), devices.end(), row.hardware) == devices.end()) {
        devices.push_back(row.hardware);
      }
    }
    std::string kept;
    if (!has_prefill) {
      kept = "; prefill_compute kept from the prior (no prefill rows)";
    } else if (!has_decode && !fit_overhead) {
      kept = "; decode_bandwidth and step overhead kept from the prior (no decode or small-batch rows)";
    } else if (!has_decode) {
      kept = "; decode_bandwidth kept from the prior (throughput rows only)";
    }
    factors[index].source = fmt::format("Fitted on {} rows of bench/data/measurements.csv ({}){}", group_rows.size(),
                                        fmt::join(devices, ", "), kept);
  }
  return calibration;
}

std::string markdown_table(const std::vector<GroupError>& groups)
{
  std::string out = "| metric | engine | device class | rows | split | median error | worst error | bias |\n"
                    "| --- | --- | --- | ---: | --- | ---: | ---: | ---: |\n";
  for (const GroupError& g : groups) {
    out += fmt::format("| {} | {} | {} | {} | {} | {:.1f}% | {:.1f}% | {:+.1f}% |\n", g.metric, g.engine,
                       g.device_class, g.rows, g.split, g.median_abs * 100, g.worst_abs * 100, g.mean_signed * 100);
  }
  return out;
}

} // namespace llmhw::accuracy
