#pragma once
// Internal: one function per subcommand. Each returns the exit code, having
// printed its document to stdout; errors come back as Error for the one printer.

#include "options.hpp"

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/result.hpp"
#include "llmhw/workload/workload.hpp"

#include <optional>
#include <string>

namespace llmhw::cli {

Result<int> run_probe(const Options& options);
Result<int> run_advise(Options options);   ///< advise and check (a requirements file fills unset options)
Result<int> run_models(Options options);   ///< the catalog; --fit and --local hand on to fit_command.cpp
Result<int> run_targets(const Options& options);

/// `models --fit` and `models --local` (fit_command.cpp).
Result<int> run_fit(Options options);
Result<int> run_local_models(const Options& options);
/// Refuses an advice option (--workload, --target, …) given to `models` without --fit.
Status fit_only_option(const Options& options);

/// The built-in catalog with --catalog files and $LLM_HW_CATALOG_DIR.
Result<catalog::Catalog> load_catalog(const Options& options);

/// Prints a complete document in one write, so no partial output reaches stdout.
void emit(const std::string& document);

/// What advise and models --fit share: the catalog, the hardware and the workload, a requirements file applied
/// first. The workload's default depends on the hardware (one person without a datacenter accelerator, many chat
/// users with one).
struct AdviceSetup {
  catalog::Catalog catalog;
  advice::Inputs inputs;
  workload::Workload workload;
  std::string assumed; ///< the default workload taken, in words; empty when the options chose one
  /// Set when the probe failed (not bad input): its message is printed, the command exits with this code, and
  /// nothing but the catalog is filled in.
  std::optional<int> probe_exit;
};
Result<AdviceSetup> advice_setup(Options& options);

/// --model's value: an existing path, a copy in a local store (HF cache, Ollama, LM Studio), or a catalog name.
Result<model::ModelSpec> load_model(const std::string& name, const catalog::Catalog& catalog);

} // namespace llmhw::cli
