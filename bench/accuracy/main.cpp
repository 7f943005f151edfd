// llm-hw-accuracy: the estimator against bench/data/measurements.csv.
//   llm-hw-accuracy [CSV]          error table per engine × device class × metric (markdown)
//   llm-hw-accuracy --rows [CSV]   every row: measured, predicted, error
//   llm-hw-accuracy --fit [CSV]    refit the calibration on the "fit" rows and print it as JSON

#include "accuracy.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <string>

#ifndef LLM_HW_SOURCE_DIR
#define LLM_HW_SOURCE_DIR "."
#endif

int main(int argc, char** argv)
{
  using namespace llmhw;
  std::string mode;
  std::string path = LLM_HW_SOURCE_DIR "/bench/data/measurements.csv";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--fit" || arg == "--rows") {
      mode = arg;
    } else {
      path = arg;
    }
  }
  auto catalog = accuracy::load_catalog(LLM_HW_SOURCE_DIR);
  auto rows = accuracy::read_measurements(path);
  if (!catalog || !rows) {
    std::fprintf(stderr, "llm-hw-accuracy: error: %s\n", (!catalog ? catalog.error() : rows.error()).message().c_str());
    return 2;
  }
  if (mode == "--fit") {
    const estimate::Calibration fitted = accuracy::fit(*rows, *catalog, estimate::builtin_calibration());
    for (const estimate::EfficiencyFactors& f : fitted.factors) {
      fmt::print("    {{\"engine\": \"{}\", \"device_class\": \"{}\", \"quant\": \"{}\", \"decode_bandwidth\": {:.2f}, "
                 "\"prefill_compute\": {:.2f}, \"step_overhead_us_per_layer\": {:.0f},\n     \"source\": \"{}\"}},\n",
                 f.engine, f.device_class, f.quant, f.decode_bandwidth, f.prefill_compute, f.step_overhead_us_per_layer,
                 f.source);
    }
    return 0;
  }
  const accuracy::Evaluation evaluation = accuracy::evaluate(*rows, *catalog, estimate::builtin_calibration());
  if (mode == "--rows") {
    for (const accuracy::Prediction& p : evaluation.predictions) {
      fmt::print(
          "{:<8} {:<24} {:<13} {:<8} {:>2}x {:<20} {:<12} {:<16} measured {:>9.2f} predicted {:>9.2f} {:+6.1f}%\n",
          p.measurement.split, p.measurement.metric, p.measurement.engine, p.measurement.quant, p.measurement.devices,
          p.measurement.target, p.measurement.model, p.device_class, p.measured, p.predicted, p.relative_error() * 100);
    }
    return 0;
  }
  fmt::print("{}", accuracy::markdown_table(accuracy::group_errors(evaluation.predictions)));
  fmt::print("\nfits: {} of {} rows agree\n", evaluation.fits_agree, evaluation.fits_total);
  for (const std::string& line : evaluation.disagreements) {
    fmt::print("  disagrees: {}\n", line);
  }
  return 0;
}
