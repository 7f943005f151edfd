// `llm-hw models --fit`, `llm-hw models --local`, and --model's local copies.
#include "commands.hpp"
#include "terminal.hpp"

#include "llmhw/advice/fit.hpp"
#include "llmhw/cli/cli.hpp"
#include "llmhw/model/local_stores.hpp"
#include "llmhw/report/fit_report.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

namespace llmhw::cli {
namespace {

/// A name only a local store could hold: "org/repo" (HF, LM Studio) or "name:tag" (Ollama). A plain name the catalog
/// knows is the catalog's (its local copies, if any, are named with a tag or an org).
bool could_be_local(const std::string& name)
{
  return name.find('/') != std::string::npos || name.find(':') != std::string::npos;
}

/// Every catalog model, then every local copy, as the loaders read them; a local copy that cannot be read is a
/// warning (a download in progress, a format llm-hw does not read), not a failure of the whole ranking.
std::vector<model::ModelSpec> models_to_fit(const catalog::Catalog& catalog, std::vector<std::string>& warnings)
{
  std::vector<model::ModelSpec> models;
  for (const catalog::ModelEntry& entry : catalog.models) {
    auto spec = model::load(entry.id, catalog);
    if (!spec) {
      warnings.push_back(spec.error().message());
      continue;
    }
    models.push_back(std::move(spec.value()));
  }
  const model::LocalScan scan = model::scan_local_stores(model::store_roots_from_process());
  warnings.insert(warnings.end(), scan.warnings.begin(), scan.warnings.end());
  for (const model::LocalModel& local : scan.models) {
    auto spec = model::load_local(local, catalog);
    if (!spec) {
      warnings.push_back(fmt::format("{}; not ranked", spec.error().message()));
      continue;
    }
    models.push_back(std::move(spec.value()));
  }
  return models;
}

} // namespace

Status fit_only_option(const Options& options)
{
  const std::pair<const char*, bool> given[] = {
      {"--model", options.model.has_value()},
      {"--requirements", options.requirements.has_value()},
      {"--workload", options.workload.has_value()},
      {"--prompt-tokens", options.prompt_tokens.has_value()},
      {"--output-tokens", options.output_tokens.has_value()},
      {"--concurrency", options.concurrency.has_value()},
      {"--context", options.context.has_value()},
      {"--max-ttft-ms", options.max_ttft_ms.has_value()},
      {"--max-tpot-ms", options.max_tpot_ms.has_value()},
      {"--min-tok-s", options.min_tok_s.has_value()},
      {"--min-throughput", options.min_throughput.has_value()},
      {"--quant", options.quant.has_value()},
      {"--kv-quant", options.kv_quant.has_value()},
      {"--framework", options.framework.has_value()},
      {"--target", !options.targets.empty()},
      {"--hardware", !options.hardware_files.empty()},
      {"--topology", options.topology.has_value()},
  };
  for (const auto& [option, set] : given) {
    if (set) {
      return Error{option, "applies to llm-hw models --fit (ranking the models for a workload); add --fit"};
    }
  }
  return Ok{};
}

Result<model::ModelSpec> load_model(const std::string& name, const catalog::Catalog& catalog)
{
  std::error_code error;
  if (std::filesystem::exists(name, error) || (!could_be_local(name) && catalog.find_model(name) != nullptr)) {
    return model::load(name, catalog);
  }
  const model::LocalScan scan = model::scan_local_stores(model::store_roots_from_process());
  auto local = model::find_local(name, scan);
  if (!local) {
    return local.error();
  }
  if (!*local) {
    return model::load(name, catalog);
  }
  auto spec = model::load_local(**local, catalog);
  if (!spec && catalog.find_model(name) != nullptr) {
    // An unreadable copy (an interrupted download) should not hide the catalog's entry; say which was used.
    std::cerr << "llm-hw: warning: " << spec.error().message() << "; using the catalog entry instead\n";
    return model::load(name, catalog);
  }
  return spec;
}

Result<int> run_fit(Options options)
{
  if (options.local) {
    return Error{"--local", "cannot be combined with --fit: --fit ranks the local models with the catalog's"};
  }
  if (options.model) {
    return Error{"--model", "cannot be combined with --fit, which ranks every model (advise takes one)"};
  }
  auto setup = advice_setup(options);
  if (!setup) {
    return setup.error();
  }
  if (setup->probe_exit) {
    return *setup->probe_exit;
  }
  std::vector<std::string> warnings;
  std::vector<model::ModelSpec> models = models_to_fit(setup->catalog, warnings);
  auto fit = advice::fit_models(std::move(models), setup->workload, setup->inputs, setup->catalog);
  if (!fit) {
    return fit.error();
  }
  fit->warnings.insert(fit->warnings.begin(), warnings.begin(), warnings.end());
  emit(report::fit(*fit, output_format(options), terminal_style(options.verbose)));
  return k_exit_ok;
}

Result<int> run_local_models(const Options& options)
{
  if (auto only_with_fit = fit_only_option(options); !only_with_fit) {
    return only_with_fit.error();
  }
  const model::StoreRoots roots = model::store_roots_from_process();
  const model::LocalScan scan = model::scan_local_stores(roots);
  emit(report::local_models(scan, roots, output_format(options), terminal_style(options.verbose)));
  return k_exit_ok;
}

} // namespace llmhw::cli
