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
namespace {

Result<catalog::Catalog> load_catalog(const Options& options)
{
  catalog::CatalogSources sources;
  sources.files = options.catalog_files;
  if (const char* directory = std::getenv("LLM_HW_CATALOG_DIR"); directory != nullptr && *directory != '\0') {
    sources.directory = directory;
  }
  return catalog::load(sources);
}

probe::Environment probe_environment(const Options& options)
{
  probe::Environment environment = probe::Environment::from_process();
  environment.topology_xml = options.topology;
  environment.measure_bandwidth = options.measure;
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

/// Prints a complete document in one write, so no partial output reaches stdout.
void emit(const std::string& document)
{
  std::cout << document << std::flush;
}

/// Other hosts' `llm-hw probe --json`, each named by its hostname. Hosts are
/// told apart in the advice by that name, so two files that report the same
/// hostname (cloned machines, "localhost") are named "host (file)"; a file
/// given twice would count its devices twice and is refused.
Result<std::vector<probe::Inventory>> read_fleet(const std::vector<std::string>& files)
{
  std::vector<probe::Inventory> inventories;
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
    auto inventory = probe::read_inventory_json(file);
    if (!inventory) {
      return inventory.error();
    }
    inventories.push_back(std::move(inventory.value()));
  }
  std::vector<std::string> names;
  for (const probe::Inventory& inventory : inventories) {
    names.push_back(inventory.host.hostname);
  }
  for (std::size_t i = 0; i < inventories.size(); ++i) {
    const std::string file = std::filesystem::path(files[i]).filename().string();
    if (names[i].empty()) {
      inventories[i].host.hostname = file;
    } else if (std::count(names.begin(), names.end(), names[i]) > 1) {
      inventories[i].host.hostname = fmt::format("{} ({})", names[i], file);
    }
  }
  return inventories;
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

Result<int> run_advise(Options options)
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
  auto workload = workload::resolve(*overrides, *catalog);
  if (!workload) {
    return workload.error();
  }
  auto model = model::load(options.model.value_or(k_default_model), *catalog);
  if (!model) {
    return model.error();
  }

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
    auto fleet = read_fleet(options.hardware_files);
    if (!fleet) {
      return fleet.error();
    }
    inputs.inventories = std::move(fleet.value());
    inputs.local = false;
  } else if (inputs.targets.empty()) {
    auto inventory = probe::detect(probe_environment(options), *catalog);
    if (!inventory) {
      return probe_failure(options, inventory.error());
    }
    inputs.inventories.push_back(std::move(inventory.value()));
  }
  auto advice = advice::recommend(*model, *workload, inputs, *catalog);
  if (!advice) {
    return advice.error();
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

Result<int> run_models(const Options& options)
{
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
