#include "commands.hpp"

#include "requirements.hpp"
#include "terminal.hpp"

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/cli/cli.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/probe/probe.hpp"
#include "llmhw/report/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace llmhw::cli {

Result<catalog::Catalog> load_catalog(const Options& options)
{
  catalog::CatalogSources sources;
  sources.files = options.catalog_files;
  if (const char* directory = std::getenv("LLM_HW_CATALOG_DIR"); directory != nullptr && *directory != '\0') {
    sources.directory = directory;
  }
  return catalog::load(sources);
}

void emit(const std::string& document)
{
  std::cout << document << std::flush;
}

namespace {

probe::Environment probe_environment(const Options& options)
{
  probe::Environment environment = probe::Environment::from_process();
  environment.topology_xml = options.topology;
  environment.measure_bandwidth = options.measure;
  environment.use_kept_measurement = !options.no_cache;
  if (options.measure && stderr_is_terminal()) {
    // One line, rewritten in place and cleared when done; never on stdout.
    environment.on_progress = [](const std::string& line) { std::cerr << "\r\033[K" << line << std::flush; };
  }
  return environment;
}

/// With --topology the XML file is the probe's only source of CPU facts, so a
/// file hwloc cannot load is bad input (exit 2), not a failed probe (exit 3).
Result<int> probe_failure(const Options& options, const Error& error)
{
  if (options.topology) {
    return error;
  }
  print_error("probe failed: " + error.message());
  return k_exit_probe_failed;
}

/// Other hosts' `llm-hw probe --json`, each named by its hostname. Hosts are
/// told apart in the advice by that name, so two files that report the same
/// hostname (cloned machines, "localhost") are named "host (file)"; a file
/// given twice would count its devices twice and is refused.
Result<std::vector<probe::Inventory>> read_fleet(const std::vector<std::string>& files, const catalog::Catalog& catalog)
{
  std::vector<probe::Inventory> inventories;
  std::vector<std::string> sources; ///< the file each inventory came from
  std::vector<std::filesystem::path> seen;
  for (const std::string& file : files) {
    std::error_code error;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(file, error);
    if (error) {
      canonical = file;
    }
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) {
      return Error{file, "given twice with --hardware (its devices would be counted twice)"};
    }
    seen.push_back(canonical);
    auto hosts = probe::read_hardware_file(file, catalog); // a node list gives a host per node
    if (!hosts) {
      return hosts.error();
    }
    for (probe::Inventory& inventory : *hosts) {
      inventories.push_back(std::move(inventory));
      sources.push_back(file);
    }
  }
  std::vector<std::string> names;
  for (const probe::Inventory& inventory : inventories) {
    names.push_back(inventory.host.hostname);
  }
  for (std::size_t i = 0; i < inventories.size(); ++i) {
    const std::string file = std::filesystem::path(sources[i]).filename().string();
    if (names[i].empty()) {
      inventories[i].host.hostname = file;
    } else if (std::count(names.begin(), names.end(), names[i]) > 1) {
      inventories[i].host.hostname = fmt::format("{} ({})", names[i], file);
    }
  }
  return inventories;
}

/// The workload preset asked when nothing else says: one person at reading pace where no datacenter accelerator
/// is in sight (a laptop, a desktop, a small VM), many chat users where one is.
constexpr const char* k_personal_workload = "personal";
constexpr const char* k_shared_workload = "chat";

/// Whether the command line (or the requirements file it names) says who the users are and what they expect.
bool workload_given(const Options& options)
{
  return options.workload || options.concurrency || options.requirements || options.max_ttft_ms ||
         options.max_tpot_ms || options.min_tok_s || options.min_throughput || options.request_rate;
}

/// Picks the default workload into `overrides` and returns the sentence that says so; empty when the options chose.
Result<std::string> default_workload(const Options& options, const advice::Inputs& inputs,
                                     const catalog::Catalog& catalog, workload::Overrides& overrides)
{
  if (workload_given(options) || catalog.find_workload(k_personal_workload) == nullptr) {
    return std::string(); // the options chose, or a replaced catalog has no such preset: its own default stands
  }
  auto datacenter = advice::has_datacenter_accelerator(inputs, catalog);
  if (!datacenter) {
    return datacenter.error();
  }
  const std::string where = inputs.targets.empty() ? "here" : "among the targets";
  if (!*datacenter) {
    overrides.workload = k_personal_workload;
    return fmt::format("1 user at reading pace (no datacenter accelerator {}; --concurrency or --workload to change)",
                       where);
  }
  const catalog::WorkloadPreset* shared = catalog.find_workload(k_shared_workload);
  overrides.workload = k_shared_workload;
  return fmt::format("{} chat users (a datacenter accelerator {}; --concurrency or --workload to change)",
                     shared != nullptr ? shared->concurrency : 8, where);
}

/// The hardware to rank on: --target values, --hardware files, else this machine's probe. When the probe fails (not
/// bad input) its message is printed and `probe_exit` holds the exit code.
Result<advice::Inputs> hardware_inputs(const Options& options, const catalog::Catalog& catalog,
                                       std::optional<int>& probe_exit)
{
  advice::Inputs inputs;
  inputs.targets = options.targets;
  inputs.framework = options.framework;
  inputs.quant = options.quant;
  inputs.kv_quant = options.kv_quant;
  inputs.sort = options.sort == "cost" ? advice::Sort::cost : options.sort == "speed" ? advice::Sort::speed
                                                                                      : advice::Sort::score;
  if (!inputs.targets.empty() && !options.hardware_files.empty()) {
    return Error{"--hardware", "cannot be combined with --target: rank either probed hosts or catalog targets"};
  }
  if (!options.hardware_files.empty()) {
    // Other hosts' `llm-hw probe --json`: candidates name the host they live on.
    auto fleet = read_fleet(options.hardware_files, catalog);
    if (!fleet) {
      return fleet.error();
    }
    inputs.inventories = std::move(fleet.value());
    inputs.local = false;
  } else if (inputs.targets.empty()) {
    auto inventory = probe::detect(probe_environment(options), catalog);
    if (!inventory) {
      auto failure = probe_failure(options, inventory.error());
      if (!failure) {
        return failure.error();
      }
      probe_exit = *failure;
      return inputs;
    }
    inputs.inventories.push_back(std::move(inventory.value()));
  }
  return inputs;
}

} // namespace

Result<int> run_probe(const Options& options)
{
  auto catalog = load_catalog(options);
  if (!catalog) {
    return catalog.error();
  }
  auto inventory = probe::detect(probe_environment(options), *catalog);
  if (!inventory) {
    return probe_failure(options, inventory.error());
  }
  emit(report::probe(*inventory, output_format(options), terminal_style(options.verbose, options.color)));
  return k_exit_ok;
}

Result<AdviceSetup> advice_setup(Options& options)
{
  if (options.requirements) {
    if (auto applied = apply_requirements_file(*options.requirements, options); !applied) {
      return applied.error();
    }
    // The file's lists and names are held to the command line's bounds (which it passed already).
    if (auto sizes = check_option_sizes(options); !sizes) {
      return Error{fmt::format("{} (from {})", sizes.error().input, *options.requirements), sizes.error().problem};
    }
  }
  auto catalog = load_catalog(options);
  if (!catalog) {
    return catalog.error();
  }
  if (auto names = check_catalog_names(options, *catalog); !names) {
    return names.error();
  }
  auto overrides = workload_overrides(options);
  if (!overrides) {
    return overrides.error();
  }
  std::optional<int> probe_exit;
  auto inputs = hardware_inputs(options, *catalog, probe_exit);
  if (!inputs) {
    return inputs.error();
  }
  if (probe_exit) {
    return AdviceSetup{std::move(catalog.value()), {}, {}, {}, probe_exit};
  }
  // The default workload depends on the hardware: the probe (or the targets) comes first.
  auto assumed = default_workload(options, *inputs, *catalog, *overrides);
  if (!assumed) {
    return assumed.error();
  }
  auto workload = workload::resolve(*overrides, *catalog);
  if (!workload) {
    return workload.error();
  }
  return AdviceSetup{std::move(catalog.value()), std::move(inputs.value()), std::move(workload.value()),
                     std::move(assumed.value()), std::nullopt};
}

Result<int> run_advise(Options options)
{
  auto setup = advice_setup(options);
  if (!setup) {
    return setup.error();
  }
  if (setup->probe_exit) {
    return *setup->probe_exit;
  }
  const catalog::Catalog& catalog = setup->catalog;
  auto model = load_model(options.model.value_or(k_default_model), catalog);
  if (!model) {
    return model.error();
  }
  auto advice = advice::recommend(*model, setup->workload, setup->inputs, catalog);
  if (!advice) {
    return advice.error();
  }
  advice->assumed = std::move(setup->assumed);
  if (options.format == "k8s") {
    auto manifests = report::kubernetes(*advice);
    if (!manifests) {
      return manifests.error();
    }
    emit(*manifests);
    return k_exit_ok;
  }
  const report::Style style = terminal_style(options.verbose, options.color);
  emit(options.command == "check" ? report::check(*advice, output_format(options), style)
                                  : report::advice(*advice, output_format(options), style));
  if (options.command == "check") {
    // The recommended candidate is the first; it passes when it fits and meets every requirement.
    return report::check_passed(*advice) ? k_exit_ok : k_exit_requirement_not_met;
  }
  return k_exit_ok;
}

Result<int> run_models(Options options)
{
  if (options.fit) {
    return run_fit(std::move(options));
  }
  if (options.local) {
    return run_local_models(options);
  }
  if (auto only_with_fit = fit_only_option(options); !only_with_fit) {
    return only_with_fit.error();
  }
  auto catalog = load_catalog(options);
  if (!catalog) {
    return catalog.error();
  }
  emit(report::models(*catalog, output_format(options), terminal_style(options.verbose, options.color)));
  return k_exit_ok;
}

Result<int> run_targets(const Options& options)
{
  auto catalog = load_catalog(options);
  if (!catalog) {
    return catalog.error();
  }
  emit(report::targets(*catalog, output_format(options), terminal_style(options.verbose, options.color)));
  return k_exit_ok;
}

} // namespace llmhw::cli
