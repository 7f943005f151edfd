#include "printable.hpp"

#include "llmhw/util/text.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace llmhw::report::detail {
namespace {

void clean(std::string& text)
{
  text = util::printable(text);
}

void clean(std::optional<std::string>& text)
{
  if (text) {
    clean(*text);
  }
}

void clean(std::vector<std::string>& texts)
{
  for (std::string& text : texts) {
    clean(text);
  }
}

void clean(std::map<std::string, std::string>& texts)
{
  std::map<std::string, std::string> cleaned;
  for (const auto& [key, value] : texts) {
    cleaned.emplace(util::printable(key), util::printable(value));
  }
  texts = std::move(cleaned);
}

void clean(model::ModelSpec& model)
{
  clean(model.name);
  clean(model.catalog_id);
  clean(model.path);
  clean(model.hf_repo);
  clean(model.ollama_tag);
  clean(model.arch.family);
  clean(model.native_quant);
  clean(model.assumptions);
  clean(model.source_note);
}

void clean(estimate::Candidate& candidate)
{
  clean(candidate.device);
  clean(candidate.name);
  clean(candidate.host);
  candidate.hardware = printable(std::move(candidate.hardware));
  if (candidate.system) {
    candidate.system = printable(std::move(*candidate.system));
  }
  clean(candidate.mig_profile);
  clean(candidate.unknown_figures);
  clean(candidate.engine);
  clean(candidate.quant);
  clean(candidate.kv_quant);
}

void clean(advice::RankedCandidate& ranked)
{
  rules::Assessment& assessment = ranked.assessment;
  clean(assessment.estimate.candidate);
  clean(assessment.estimate.performance.bound);
  clean(assessment.estimate.assumptions);
  for (rules::Finding& finding : assessment.findings) {
    clean(finding.code);
    clean(finding.message);
  }
  for (rules::Requirement& requirement : assessment.requirements) {
    clean(requirement.name);
  }
  clean(ranked.command);
  for (std::string& command : ranked.node_commands) {
    clean(command);
  }
}

} // namespace

probe::Inventory printable(probe::Inventory inventory)
{
  probe::Host& host = inventory.host;
  clean(host.hostname);
  clean(host.os);
  clean(host.kernel);
  clean(host.hypervisor);
  clean(host.tpu_environment);
  for (probe::NetworkInterface& nic : host.network) {
    clean(nic.name);
    clean(nic.kind);
  }
  for (probe::Device& device : inventory.devices) {
    clean(device.id);
    clean(device.vendor);
    clean(device.model);
    clean(device.isa);
    if (device.pci) {
      clean(device.pci->bus_id);
      clean(device.pci->vendor_id);
      clean(device.pci->device_id);
    }
    clean(device.uuid);
    clean(device.compute_capability);
    clean(device.architecture);
    clean(device.driver_version);
    clean(device.cuda_version);
    clean(device.mig_profile);
    clean(device.catalog_id);
    clean(device.sources);
    clean(device.field_sources);
  }
  clean(inventory.warnings);
  return inventory;
}

advice::Advice printable(advice::Advice advice)
{
  clean(advice.model);
  clean(advice.workload.name);
  clean(advice.quant);
  clean(advice.kv_quant);
  for (advice::RankedCandidate& ranked : advice.candidates) {
    clean(ranked);
  }
  if (advice.recommendation) {
    clean(advice.recommendation->device);
    clean(advice.recommendation->framework);
    clean(advice.recommendation->quant);
    clean(advice.recommendation->summary);
  }
  clean(advice.suggestions);
  clean(advice.warnings);
  clean(advice.assumed);
  return advice;
}

catalog::ModelEntry printable(catalog::ModelEntry entry)
{
  clean(entry.id);
  clean(entry.name);
  clean(entry.hf_repo);
  clean(entry.ollama);
  clean(entry.aliases);
  clean(entry.family);
  clean(entry.native_quant);
  clean(entry.source);
  clean(entry.defined_in);
  return entry;
}

catalog::HardwareSpec printable(catalog::HardwareSpec spec)
{
  clean(spec.id);
  clean(spec.name);
  clean(spec.vendor);
  clean(spec.aliases);
  clean(spec.pci_ids);
  clean(spec.architecture);
  clean(spec.compute_capability);
  clean(spec.precisions);
  clean(spec.interconnect.kind);
  if (spec.cpu) {
    clean(spec.cpu->isa);
  }
  clean(spec.source);
  return spec;
}

catalog::SystemSpec printable(catalog::SystemSpec system)
{
  clean(system.id);
  clean(system.name);
  clean(system.kind);
  clean(system.aliases);
  clean(system.device);
  clean(system.host_cpu);
  clean(system.provider);
  clean(system.price_date);
  clean(system.price_region);
  clean(system.price_source);
  clean(system.source);
  return system;
}

std::string terminal_safe(const std::string& document, const Palette& colors)
{
  const std::array<const std::string*, 9> own{&colors.bold,  &colors.dim,  &colors.red,
                                              &colors.yellow, &colors.green, &colors.cyan,
                                              &colors.blue,  &colors.magenta, &colors.reset};
  std::string out;
  out.reserve(document.size());
  std::size_t start = 0; // of the text not yet passed on
  const auto pass_text_up_to = [&](std::size_t end) {
    out += util::printable(std::string_view(document).substr(start, end - start));
  };
  for (std::size_t i = 0; i < document.size();) {
    if (document[i] == '\n') {
      pass_text_up_to(i);
      out += '\n';
      start = ++i;
      continue;
    }
    if (document[i] == '\x1b') {
      const auto is_own = [&](const std::string* sequence) {
        return !sequence->empty() && document.compare(i, sequence->size(), *sequence) == 0;
      };
      if (const auto found = std::find_if(own.begin(), own.end(), is_own); found != own.end()) {
        pass_text_up_to(i);
        out += **found;
        i += (*found)->size();
        start = i;
        continue;
      }
    }
    ++i;
  }
  pass_text_up_to(document.size());
  return out;
}

std::string terminal_safe(const std::string& document, Format format, const Style& style)
{
  return terminal_safe(document, format == Format::text ? palette(style) : Palette{});
}

} // namespace llmhw::report::detail
