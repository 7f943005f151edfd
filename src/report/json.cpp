#include "llmhw/report/report.hpp"

#include "json_util.hpp"
#include "layout.hpp"

#include <cmath>

namespace llmhw::report {
namespace {

using nlohmann::json;

json peak_json(const catalog::PeakTflops& peak)
{
  json out = json::object();
  for (const std::string& precision : catalog::compute_precisions()) {
    out[precision] = optional_json(peak.get(precision));
  }
  return out;
}

json device_json(const probe::Device& device)
{
  json out = {
      {"id", device.id}, {"kind", catalog::to_string(device.kind)}, {"vendor", device.vendor}, {"model", device.model}};
  if (device.kind == catalog::DeviceKind::cpu) {
    out["sockets"] = device.sockets;
    out["cores"] = device.cores;
    out["threads"] = device.threads;
    out["numa_nodes"] = device.numa_nodes;
    out["usable_cores"] = optional_json(device.usable_cores);
    out["isa"] = device.isa;
    out["clock_ghz"] = optional_json(device.clock_ghz);
    out["l2_cache_bytes"] = optional_json(device.l2_cache_bytes);
    out["l3_cache_bytes"] = optional_json(device.l3_cache_bytes);
    out["catalog_id"] = optional_json(device.catalog_id);
  } else {
    out["pci"] = device.pci ? json{{"bus_id", device.pci->bus_id},
                                   {"vendor_id", device.pci->vendor_id},
                                   {"device_id", device.pci->device_id}}
                            : json(nullptr);
    out["uuid"] = optional_json(device.uuid);
    out["compute_capability"] = optional_json(device.compute_capability);
    out["architecture"] = optional_json(device.architecture);
    out["driver_version"] = optional_json(device.driver_version);
    out["cuda_version"] = optional_json(device.cuda_version);
    out["numa_node"] = optional_json(device.numa_node);
    out["power_limit_watts"] = optional_json(device.power_limit_watts);
    out["mig_profile"] = optional_json(device.mig_profile);
    out["nvlink_links"] = optional_json(device.nvlink_links);
    out["chips"] = device.chips;
    out["catalog_id"] = optional_json(device.catalog_id);
  }
  out["memory_bytes"] = device.memory_bytes;
  out["memory_free_bytes"] = optional_json(device.memory_free_bytes);
  out["memory_bandwidth_bytes_s"] = optional_json(device.memory_bandwidth_bytes_s);
  out["unified_memory"] = device.unified_memory;
  out["peak_tflops"] = peak_json(device.peak_tflops);
  out["sources"] = device.sources;
  out["field_sources"] = device.field_sources;
  return out;
}

/// A speed the estimator gave, or null when it had no figures to give one (a device without bandwidth or
/// TFLOPS leaves zeros): SPEC's "unknown values are null", never a speed of 0.
json speed_json(double value)
{
  return std::isfinite(value) && value > 0 ? json(value) : json(nullptr);
}

json percentiles_json(const estimate::Percentiles& values)
{
  return {{"p50", speed_json(values.p50)},
          {"p90", speed_json(values.p90)},
          {"p99", speed_json(values.p99)},
          {"mean", speed_json(values.mean)}};
}

json performance_json(const estimate::Performance& performance)
{
  const bool simulated = performance.e2e.p50 > 0;
  return {{"prefill_tok_s", speed_json(performance.prefill_tok_s)},
          {"ttft_ms", speed_json(performance.ttft_ms)},
          {"tpot_ms", speed_json(performance.tpot_ms)},
          {"decode_tok_s_per_user", speed_json(performance.decode_tok_s_per_user)},
          {"decode_tok_s_aggregate", speed_json(performance.decode_tok_s_aggregate)},
          // Under the load (the serving simulation); null where it could not run.
          {"throughput_tok_s", speed_json(performance.throughput_tok_s)},
          {"requests_per_s", speed_json(performance.requests_per_s)},
          {"queue_ms", simulated ? json(performance.queue_ms) : json(nullptr)},
          {"sequences_running", simulated ? json(performance.sequences_running) : json(nullptr)},
          {"percentiles",
           {{"ttft_ms", percentiles_json(performance.ttft)},
            {"tpot_ms", percentiles_json(performance.tpot)},
            {"e2e_ms", percentiles_json(performance.e2e)}}},
          // null when the device's figures are missing and no speed could be estimated
          {"bound", performance.bound.empty() ? json(nullptr) : json(performance.bound)}};
}

json cost_json(const advice::Cost& cost)
{
  return {{"usd_per_hour", optional_json(cost.usd_per_hour)},
          {"usd_per_million_output_tokens", optional_json(cost.usd_per_million_output_tokens)}};
}

json node_commands_json(const std::vector<std::string>& commands)
{
  json out = json::array();
  for (std::size_t node = 0; node < commands.size(); ++node) {
    out.push_back({{"node", node}, {"command", commands[node]}});
  }
  return out;
}

json candidate_json(const advice::RankedCandidate& ranked)
{
  const rules::Assessment& assessment = ranked.assessment;
  const estimate::Estimate& estimate = assessment.estimate;
  const estimate::Candidate& candidate = estimate.candidate;
  const estimate::MemoryPlan& memory = estimate.memory;

  json requirements = json::array();
  for (const rules::Requirement& requirement : assessment.requirements) {
    // A speed requirement on a device without figures has no estimate: null, and not met.
    requirements.push_back(
        {{"name", requirement.name},
         {"limit", requirement.limit},
         {"estimate", requirement.name == "fits" ? json(requirement.estimate) : speed_json(requirement.estimate)},
         {"met", requirement.met}});
  }
  json reasons = json::array();
  for (const rules::Finding& finding : assessment.findings) {
    reasons.push_back(
        {{"code", finding.code}, {"severity", rules::to_string(finding.severity)}, {"message", finding.message}});
  }
  return {
      {"device", candidate.device},
      {"kind", catalog::to_string(candidate.hardware.kind)},
      {"name", candidate.name},
      {"host", candidate.host.empty() ? json(nullptr) : json(candidate.host)},
      {"count", candidate.count},
      {"framework", candidate.engine},
      {"quant", candidate.quant},
      {"kv_quant", candidate.kv_quant},
      {"fits", memory.fits},
      {"score", assessment.score},
      {"verdict", rules::to_string(assessment.verdict)},
      {"concurrency", estimate.concurrency},
      {"memory",
       {{"usable_bytes", memory.usable_bytes},
        {"weights_bytes", memory.weights_bytes},
        {"kv_cache_bytes", memory.kv_cache_bytes},
        {"activation_bytes", memory.activation_bytes},
        {"overhead_bytes", memory.overhead_bytes},
        {"headroom_bytes", memory.headroom_bytes},
        {"max_concurrency", memory.max_concurrency},
        {"max_context", memory.max_context},
        {"gpu_layers", optional_json(memory.gpu_layers)},
        {"total_layers", memory.total_layers},
        {"offload_host_bytes", memory.offload_host_bytes},
        {"host_available_bytes", optional_json(memory.host_available_bytes)}}},
      {"performance", performance_json(estimate.performance)},
      {"requirements", requirements},
      {"reasons", reasons},
      {"assumptions", estimate.assumptions},
      {"cost", cost_json(ranked.cost)},
      {"command", ranked.command},
      {"hosts", rules::hosts_spanned(candidate)},
      {"commands", node_commands_json(ranked.node_commands)},
  };
}

json recommendation_json(const std::optional<advice::Recommendation>& recommendation)
{
  if (!recommendation) {
    return nullptr;
  }
  return {{"device", recommendation->device},
          {"framework", recommendation->framework},
          {"quant", recommendation->quant},
          {"summary", recommendation->summary},
          {"count", recommendation->count},
          {"hosts", recommendation->hosts},
          {"kv_quant", recommendation->kv_quant},
          {"command", recommendation->command},
          {"cost", cost_json(recommendation->cost)},
          {"meets_requirements", recommendation->meets_requirements}};
}

json alternative_json(const advice::Alternative& alternative)
{
  return {{"kind", advice::to_string(alternative.kind)},
          {"target", optional_json(alternative.target)},
          {"count", alternative.count},
          {"framework", alternative.framework},
          {"quant", alternative.quant},
          {"model", optional_json(alternative.model)},
          {"performance", performance_json(alternative.performance)},
          {"message", alternative.message}};
}

json network_json(const std::vector<probe::NetworkInterface>& network)
{
  json out = json::array();
  for (const probe::NetworkInterface& nic : network) {
    out.push_back({{"name", nic.name}, {"kind", nic.kind}, {"rate_gbps", nic.rate_gbps}});
  }
  return out;
}

} // namespace

json probe_json(const probe::Inventory& inventory)
{
  json devices = json::array();
  for (const probe::Device& device : inventory.devices) {
    devices.push_back(device_json(device));
  }
  return {
      {"schema", "llm-hw/probe/v1"},
      {"host",
       {{"hostname", inventory.host.hostname},
        {"os", inventory.host.os},
        {"kernel", inventory.host.kernel},
        {"virtualized", inventory.host.virtualized},
        {"hypervisor", optional_json(inventory.host.hypervisor)},
        {"tpu_environment", inventory.host.tpu_environment},
        {"network", network_json(inventory.host.network)}}},
      {"memory",
       {{"total_bytes", inventory.memory.total_bytes},
        {"available_bytes", inventory.memory.available_bytes},
        {"cgroup_limit_bytes", optional_json(inventory.memory.cgroup_limit_bytes)}}},
      {"devices", devices},
      {"warnings", inventory.warnings},
  };
}

json advice_json(const advice::Advice& advice)
{
  const model::ModelSpec& model = advice.model;
  const workload::Workload& workload = advice.workload;
  json candidates = json::array();
  for (const advice::RankedCandidate& ranked : advice.candidates) {
    candidates.push_back(candidate_json(ranked));
  }
  json alternatives = json::array();
  for (const advice::Alternative& alternative : advice.alternatives) {
    alternatives.push_back(alternative_json(alternative));
  }
  return {
      {"schema", "llm-hw/advice/v1"},
      {"model",
       {{"name", model.name},
        {"id", optional_json(model.catalog_id)},
        {"source", model::to_string(model.source)},
        {"path", optional_json(model.path)},
        {"local_source", optional_json(model.local_source)},
        {"family", model.arch.family},
        {"params", model.params},
        {"active_params", model.active_params},
        {"quant", advice.quant},
        {"kv_quant", advice.kv_quant},
        {"weight_bytes", advice.weight_bytes},
        {"kv_bytes_per_token", advice.kv_bytes_per_token},
        {"max_context", model.arch.max_context},
        {"assumptions", model.assumptions}}},
      {"workload", workload_json(workload)},
      {"candidates", candidates},
      {"recommendation", recommendation_json(advice.recommendation)},
      {"suggestions", advice.suggestions},
      {"alternatives", alternatives},
      {"assumed", advice.assumed.empty() ? json(nullptr) : json(advice.assumed)},
      {"warnings", advice.warnings},
  };
}

json models_json(const catalog::Catalog& catalog)
{
  json models = json::array();
  for (const catalog::ModelEntry& entry : catalog.models) {
    const detail::ParameterFigures figures = detail::parameter_figures(entry, catalog);
    models.push_back({{"id", entry.id},
                      {"name", entry.name},
                      {"aliases", entry.aliases},
                      {"hf_repo", optional_json(entry.hf_repo)},
                      {"ollama", optional_json(entry.ollama)},
                      {"family", entry.family},
                      {"params", figures.total},
                      {"active_params", figures.active},
                      {"native_quant", entry.native_quant},
                      {"source", entry.source}});
  }
  return {{"schema", "llm-hw/models/v1"}, {"models", models}};
}

json targets_json(const catalog::Catalog& catalog)
{
  json targets = json::array();
  for (const catalog::HardwareSpec& spec : catalog.hardware) {
    targets.push_back({{"id", spec.id},
                       {"name", spec.name},
                       {"kind", catalog::to_string(spec.kind)},
                       {"vendor", spec.vendor},
                       {"aliases", spec.aliases},
                       {"count", 1},
                       {"device", spec.id},
                       {"memory_bytes", spec.memory_bytes},
                       {"memory_bandwidth_bytes_s", spec.memory_bandwidth_bytes_s},
                       {"peak_tflops", peak_json(spec.peak_tflops)},
                       {"price_usd_per_hour", nullptr},
                       {"price_date", nullptr},
                       {"price_region", nullptr},
                       {"price_source", nullptr},
                       {"source", spec.source}});
  }
  for (const catalog::SystemSpec& system : catalog.systems) {
    const catalog::HardwareSpec* device = catalog.find_hardware(system.device);
    targets.push_back(
        {{"id", system.id},
         {"name", system.name},
         {"kind", system.kind},
         {"vendor", device ? json(device->vendor) : json(nullptr)},
         {"aliases", system.aliases},
         {"count", system.count},
         {"device", system.device},
         {"memory_bytes", device ? json(device->memory_bytes * system.count) : json(nullptr)},
         {"memory_bandwidth_bytes_s", device ? json(device->memory_bandwidth_bytes_s * system.count) : json(nullptr)},
         {"peak_tflops", device ? peak_json(device->peak_tflops) : json(nullptr)},
         {"price_usd_per_hour", optional_json(system.price_usd_per_hour)},
         // When and where the price was read, and from what, as data/hardware.json records it.
         {"price_date", optional_json(system.price_date)},
         {"price_region", optional_json(system.price_region)},
         {"price_source", optional_json(system.price_source)},
         {"source", system.source}});
  }
  return {{"schema", "llm-hw/targets/v1"}, {"targets", targets}};
}

nlohmann::json workload_json(const workload::Workload& workload)
{
  using nlohmann::json;
  return {{"name", workload.name},
          {"prompt_tokens", workload.prompt_tokens},
          {"output_tokens", workload.output_tokens},
          {"context", workload.context},
          {"concurrency", workload.max_concurrency ? json("max") : json(workload.concurrency)},
          {"max_ttft_ms", optional_json(workload.slo.max_ttft_ms)},
          {"max_tpot_ms", optional_json(workload.slo.max_tpot_ms)},
          {"min_tok_s", optional_json(workload.slo.min_tok_s)},
          {"min_throughput", optional_json(workload.slo.min_throughput_tok_s)}};
}

std::string dump(const nlohmann::json& document)
{
  // Device names from drivers may hold invalid UTF-8: replace, never throw.
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace llmhw::report
