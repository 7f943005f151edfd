#include "pools.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/estimate/estimate.hpp"
#include "llmhw/rules/rules.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace llmhw::advice::detail {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value)
{
  return std::find(list.begin(), list.end(), value) != list.end();
}

void add_unique(std::vector<std::string>& list, const std::string& value)
{
  if (!contains(list, value)) {
    list.push_back(value);
  }
}

/// Figures the estimator needs that neither the probe nor the catalog gave.
std::vector<std::string> missing_figures(const catalog::HardwareSpec& hardware)
{
  std::vector<std::string> missing;
  if (hardware.memory_bandwidth_bytes_s <= 0) {
    missing.emplace_back("memory_bandwidth_bytes_s");
  }
  // CPUs' peaks are derived from cores, clock and ISA; accelerators need a published figure.
  if (hardware.kind != catalog::DeviceKind::cpu && !hardware.peak_tflops.bf16 && !hardware.peak_tflops.fp16) {
    missing.emplace_back("peak_tflops.bf16");
  }
  return missing;
}

/// The catalog's figures for a probed device, overlaid with what the probe measured or read.
catalog::HardwareSpec hardware_of(const probe::Device& device, const probe::Inventory& inventory,
                                  const catalog::Catalog& catalog)
{
  catalog::HardwareSpec hardware;
  if (device.catalog_id) {
    if (const catalog::HardwareSpec* known = catalog.find_hardware(*device.catalog_id)) {
      hardware = *known;
    }
  }
  if (hardware.id.empty()) {
    hardware.id = device.id;
  }
  hardware.kind = device.kind;
  if (!device.model.empty()) {
    hardware.name = device.model;
  }
  if (!device.vendor.empty()) {
    hardware.vendor = device.vendor;
  }
  if (device.memory_bytes > 0) {
    hardware.memory_bytes = device.memory_bytes;
  }
  if (device.kind == catalog::DeviceKind::cpu) {
    // The CPU's memory is the host's, less what a cgroup limit withholds.
    hardware.memory_bytes = inventory.memory.total_bytes;
    if (inventory.memory.cgroup_limit_bytes && *inventory.memory.cgroup_limit_bytes > 0) {
      hardware.memory_bytes = std::min(hardware.memory_bytes, *inventory.memory.cgroup_limit_bytes);
    }
    catalog::CpuSpec cpu = hardware.cpu.value_or(catalog::CpuSpec{});
    if (device.cores > 0) {
      cpu.cores = device.cores;
    }
    if (device.threads > 0) {
      cpu.threads = device.threads;
    }
    if (device.usable_cores) {
      cpu.cores = std::min(cpu.cores, static_cast<std::uint32_t>(std::max(1.0, *device.usable_cores)));
    }
    for (const std::string& flag : device.isa) {
      add_unique(cpu.isa, flag);
    }
    // The probe's clock (cpufreq or BogoMIPS) lets the estimator derive a CPU missing from the catalog's peak.
    if (!cpu.base_clock_ghz && !cpu.boost_clock_ghz && device.clock_ghz) {
      cpu.base_clock_ghz = device.clock_ghz;
    }
    hardware.cpu = cpu;
  }
  if (device.memory_bandwidth_bytes_s && *device.memory_bandwidth_bytes_s > 0) {
    hardware.memory_bandwidth_bytes_s = *device.memory_bandwidth_bytes_s;
    const auto source = device.field_sources.find("memory_bandwidth_bytes_s");
    if (source != device.field_sources.end() && source->second.starts_with("measured")) {
      hardware.memory_bandwidth_measured = source->second;
    }
  }
  if (device.compute_capability) {
    hardware.compute_capability = device.compute_capability;
  }
  if (device.architecture) {
    hardware.architecture = *device.architecture;
  }
  const catalog::PeakTflops& probed = device.peak_tflops;
  for (auto field :
       {&catalog::PeakTflops::fp32, &catalog::PeakTflops::tf32, &catalog::PeakTflops::bf16, &catalog::PeakTflops::fp16,
        &catalog::PeakTflops::fp8, &catalog::PeakTflops::int8, &catalog::PeakTflops::int4, &catalog::PeakTflops::fp4}) {
    if (probed.*field) {
      hardware.peak_tflops.*field = probed.*field;
    }
  }
  hardware.unified_memory = hardware.unified_memory || device.unified_memory;
  // No active NVLink: peers talk over the host's PCIe.
  if (device.nvlink_links && *device.nvlink_links == 0 && hardware.interconnect.kind.starts_with("nvlink")) {
    hardware.interconnect = {"none", std::nullopt};
  }
  return hardware;
}

/// RAM the host can give a partial offload's CPU layers: what the probe saw available (MemAvailable), within a
/// cgroup limit; empty when the probe read no memory figures.
std::optional<std::uint64_t> host_memory_available(const probe::Inventory& inventory)
{
  std::uint64_t bytes = inventory.memory.available_bytes > 0 ? inventory.memory.available_bytes
                                                             : inventory.memory.total_bytes;
  if (inventory.memory.cgroup_limit_bytes && *inventory.memory.cgroup_limit_bytes > 0) {
    bytes = std::min(bytes, *inventory.memory.cgroup_limit_bytes);
  }
  return bytes > 0 ? std::optional<std::uint64_t>(bytes) : std::nullopt;
}

} // namespace

std::vector<Pool> pools_from_targets(const std::vector<catalog::TargetRef>& targets)
{
  std::vector<Pool> pools;
  for (const catalog::TargetRef& target : targets) {
    Pool pool;
    pool.hardware = target.device;
    pool.system = target.system;
    if (pool.system && target.instances > 1) {
      // "2xaws-p5.48xlarge": two instances are two hosts of the system's devices each, on its network.
      pool.system->count = target.device_count;
      pool.system->nodes = target.nodes;
    }
    pool.available = target.device_count;
    if (target.system) {
      pool.device = target.instances > 1 ? target.id : target.system->id;
      pool.name = target.instances > 1 ? fmt::format("{}× {}", target.instances, target.system->name)
                                       : target.system->name;
      // Slices and cloud instances come whole: one pays for every chip or GPU in them.
      pool.fixed_count = target.system->kind == "slice" || target.system->kind == "instance";
    } else {
      pool.device = target.device.id;
      pool.name = target.device.name;
    }
    pool.price_usd_per_hour = target.price_usd_per_hour;
    pool.unknown_figures = missing_figures(target.device);
    pools.push_back(std::move(pool));
  }
  return pools;
}

std::vector<Pool> pools_from_inventory(const probe::Inventory& inventory, const catalog::Catalog& catalog, bool local,
                                       const std::string& host)
{
  std::vector<Pool> pools;
  std::map<std::string, std::size_t> pool_of_key;
  for (const probe::Device& device : inventory.devices) {
    catalog::HardwareSpec hardware = hardware_of(device, inventory, catalog);
    // Identical GPUs pool for tensor parallelism; CPUs and MIG slices stand alone.
    const bool poolable = device.kind != catalog::DeviceKind::cpu && !device.mig_profile;
    const std::string key =
        poolable ? fmt::format("{}|{}|{}", catalog::to_string(device.kind), device.model, device.memory_bytes)
                 : device.id;
    if (auto found = pool_of_key.find(key); found != pool_of_key.end()) {
      Pool& pool = pools[found->second];
      pool.device_ids.push_back(device.id);
      pool.available += device.kind == catalog::DeviceKind::tpu ? std::max<std::uint32_t>(1, device.chips) : 1;
      if (device.memory_free_bytes && pool.memory_free_bytes) {
        pool.memory_free_bytes = std::min(*pool.memory_free_bytes, *device.memory_free_bytes);
      }
      continue;
    }
    Pool pool;
    pool.device = device.id;
    pool.device_ids = {device.id};
    pool.name = device.model.empty() ? hardware.name : device.model;
    pool.host = host;
    pool.local = local;
    pool.available = device.kind == catalog::DeviceKind::tpu ? std::max<std::uint32_t>(1, device.chips) : 1;
    pool.memory_free_bytes = device.kind == catalog::DeviceKind::cpu
                                 ? std::optional<std::uint64_t>(inventory.memory.available_bytes)
                                 : device.memory_free_bytes;
    if (pool.memory_free_bytes && *pool.memory_free_bytes == 0) {
      pool.memory_free_bytes.reset();
    }
    pool.host_memory_bytes = host_memory_available(inventory);
    pool.mig_profile = device.mig_profile;
    pool.unknown_figures = missing_figures(hardware);
    pool.hardware = std::move(hardware);
    pool_of_key.emplace(key, pools.size());
    pools.push_back(std::move(pool));
  }
  return pools;
}

namespace {

/// The network between hosts as their probes saw it: per host, its RDMA NICs (InfiniBand, RoCE, EFA) together, else
/// its fastest Ethernet link; the slowest host sets the figure. Empty when a host reported no NIC.
std::optional<catalog::HostNetwork> fleet_network(const std::vector<const probe::Inventory*>& hosts)
{
  std::optional<catalog::HostNetwork> slowest;
  for (const probe::Inventory* inventory : hosts) {
    std::map<std::string, double> rdma_gbps;
    double ethernet_gbps = 0;
    for (const probe::NetworkInterface& nic : inventory->host.network) {
      if (nic.kind == "ethernet") {
        ethernet_gbps = std::max(ethernet_gbps, nic.rate_gbps);
      } else {
        rdma_gbps[nic.kind] += nic.rate_gbps;
      }
    }
    catalog::HostNetwork network{"ethernet", ethernet_gbps * 1e9 / 8, "probe: the fastest Ethernet link"};
    for (const auto& [kind, gbps] : rdma_gbps) {
      if (gbps * 1e9 / 8 > network.bandwidth_bytes_s || network.kind == "ethernet") {
        network = {kind, gbps * 1e9 / 8, fmt::format("probe: {} NICs together", kind)};
      }
    }
    if (network.bandwidth_bytes_s <= 0) {
      return std::nullopt;
    }
    if (!slowest || network.bandwidth_bytes_s < slowest->bandwidth_bytes_s) {
      slowest = network;
    }
  }
  return slowest;
}

} // namespace

std::vector<Pool> fleet_pools(const std::vector<Pool>& host_pools, const std::vector<probe::Inventory>& inventories)
{
  // Like hosts: the same accelerator, memory and number of them.
  std::map<std::string, std::vector<const Pool*>> alike;
  for (const Pool& pool : host_pools) {
    if (pool.host.empty() || pool.hardware.kind == catalog::DeviceKind::cpu || pool.mig_profile) {
      continue;
    }
    alike[fmt::format("{}|{}|{}|{}", pool.hardware.id, pool.name, pool.hardware.memory_bytes, pool.available)]
        .push_back(&pool);
  }
  std::vector<Pool> fleets;
  for (const auto& [key, pools] : alike) {
    if (pools.size() < 2) {
      continue;
    }
    const Pool& first = *pools.front();
    std::vector<std::string> hosts;
    std::vector<const probe::Inventory*> probes;
    Pool fleet = first;
    for (const Pool* pool : pools) {
      hosts.push_back(pool->host);
      for (const probe::Inventory& inventory : inventories) {
        if (inventory.host.hostname == pool->host) {
          probes.push_back(&inventory);
        }
      }
      if (pool->memory_free_bytes && fleet.memory_free_bytes) {
        fleet.memory_free_bytes = std::min(*fleet.memory_free_bytes, *pool->memory_free_bytes);
      }
      if (pool->host_memory_bytes && fleet.host_memory_bytes) {
        fleet.host_memory_bytes = std::min(*fleet.host_memory_bytes, *pool->host_memory_bytes);
      }
    }
    const auto n = static_cast<std::uint32_t>(pools.size());
    fleet.device = util::join(first.device_ids, ",");
    fleet.device_ids.clear(); // the same ids on every host: the candidate names them once
    fleet.host = util::join(hosts, "+");
    fleet.available = first.available * n;
    fleet.fixed_count = true; // fewer devices fit one host, which its own pool already offers
    catalog::SystemSpec system;
    system.id = "hosts";
    system.name = fmt::format("{} hosts of {}x {}", n, first.available, first.name);
    system.kind = "system";
    system.device = first.hardware.id;
    system.count = fleet.available;
    system.nodes = n;
    system.network = fleet_network(probes);
    system.source = "--hardware";
    fleet.system = std::move(system);
    fleet.name = fmt::format("{} ({} hosts)", first.name, n);
    fleets.push_back(std::move(fleet));
  }
  return fleets;
}

std::vector<std::uint32_t> counts_to_try(const Pool& pool)
{
  if (pool.fixed_count || pool.available <= 1) {
    return {std::max<std::uint32_t>(1, pool.available)};
  }
  std::vector<std::uint32_t> counts;
  for (std::uint32_t count = 1; count < pool.available; count *= 2) {
    counts.push_back(count);
  }
  counts.push_back(pool.available);
  return counts;
}

estimate::Candidate candidate_of(const Pool& pool, std::uint32_t count, const std::string& engine,
                                 const std::string& quant, const std::string& kv_quant)
{
  estimate::Candidate candidate;
  if (pool.local || !pool.host.empty()) {
    const auto used = std::min<std::size_t>(count, pool.device_ids.size());
    candidate.device = pool.hardware.kind == catalog::DeviceKind::tpu || used == 0
                           ? pool.device
                           : util::join(std::span(pool.device_ids.data(), used), ",");
  } else {
    candidate.device = pool.device;
  }
  candidate.name = pool.name;
  candidate.host = pool.host;
  candidate.local = pool.local;
  candidate.hardware = pool.hardware;
  candidate.count = count;
  candidate.system = pool.system;
  candidate.memory_free_bytes = pool.memory_free_bytes;
  candidate.host_memory_bytes = pool.host_memory_bytes;
  candidate.mig_profile = pool.mig_profile;
  candidate.unknown_figures = pool.unknown_figures;
  candidate.engine = engine;
  candidate.quant = quant;
  candidate.kv_quant = kv_quant;
  return candidate;
}

namespace {

std::vector<std::string> weight_precisions(const Pool& pool, const catalog::EngineSpec& engine,
                                           const model::ModelSpec& model, const Inputs& inputs,
                                           const catalog::Catalog& catalog)
{
  if (inputs.quant) {
    const catalog::QuantFormat* pinned = catalog.find_quant(*inputs.quant);
    return {pinned != nullptr ? pinned->id : *inputs.quant};
  }
  const catalog::QuantFormat* native = catalog.find_quant(model.native_quant);
  if (native == nullptr || native->family == "gguf" || model.source == model::ModelSource::gguf) {
    return {model.native_quant}; // a GGUF file is served as it is
  }
  const catalog::HardwareSpec& hardware = pool.hardware;
  const bool cpu = hardware.kind == catalog::DeviceKind::cpu;
  std::vector<std::string> wanted;
  // The checkpoint as published; bf16 runs as fp16 on GPUs without bf16 units (V100, T4): the same bytes.
  std::string base = native->id;
  if (base == "bf16" && !cpu && !hardware.precisions.empty() && !contains(hardware.precisions, "bf16") &&
      contains(hardware.precisions, "fp16")) {
    base = "fp16";
  }
  wanted.push_back(base);
  const bool reads_gguf = std::any_of(engine.quants.begin(), engine.quants.end(), [&](const std::string& id) {
    const catalog::QuantFormat* quant = catalog.find_quant(id);
    return quant != nullptr && quant->family == "gguf";
  });
  if (reads_gguf) {
    // The GGUF conversions people download: 8-bit, and Q4_K_M, Ollama's default.
    wanted.insert(wanted.end(), {"q8_0", "q4_k_m"});
  } else if (!cpu) {
    if (contains(hardware.precisions, "fp8")) {
      wanted.emplace_back("fp8");
    }
    wanted.emplace_back(hardware.kind == catalog::DeviceKind::tpu ? "int8" : "int4");
  }
  // An fp8 checkpoint (DeepSeek-V3 and R1) where the engine or the device has no fp8 is served converted: to int8
  // of the same size (Meituan's channel-wise INT8 DeepSeek-R1 for A100s; the TPU engines' int8) or up to 16 bits
  // (DeepSeek's own fp8_cast_bf16.py). Without these the TPU engines, which run no fp8 weights, got no candidate.
  const bool convert_fp8 =
      base == "fp8" && (!contains(engine.quants, "fp8") || (!cpu && !contains(hardware.precisions, "fp8")));
  std::vector<std::string> conversions;
  if (convert_fp8) {
    conversions = {"int8", contains(hardware.precisions, "bf16") || cpu ? "bf16" : "fp16"};
    wanted.insert(wanted.end(), conversions.begin(), conversions.end());
  }
  std::vector<std::string> out;
  for (const std::string& id : wanted) {
    const catalog::QuantFormat* quant = catalog.find_quant(id);
    if (quant == nullptr || !contains(engine.quants, id) || contains(out, id)) {
      continue;
    }
    if (id != base && quant->bits_per_weight >= native->bits_per_weight && !contains(conversions, id)) {
      continue; // only smaller than the checkpoint: nobody quantizes fp8 weights up to bf16 when fp8 runs
    }
    out.push_back(id);
  }
  if (out.empty()) {
    out.push_back(base); // the rules will say why this engine cannot run it
  }
  return out;
}

std::vector<std::string> kv_precisions(const Pool& pool, const catalog::EngineSpec& engine, const Inputs& inputs,
                                       const catalog::Catalog& catalog)
{
  if (inputs.kv_quant) {
    const catalog::QuantFormat* pinned = catalog.find_quant(*inputs.kv_quant);
    return {pinned != nullptr ? pinned->id : *inputs.kv_quant};
  }
  const catalog::HardwareSpec& hardware = pool.hardware;
  const bool has_bf16 = hardware.kind == catalog::DeviceKind::cpu || contains(hardware.precisions, "bf16");
  std::vector<std::string> out;
  if (has_bf16 && contains(engine.kv_quants, "bf16")) {
    out.emplace_back("bf16");
  } else if (contains(engine.kv_quants, "fp16")) {
    out.emplace_back("fp16");
  } else if (!engine.kv_quants.empty()) {
    out.push_back(engine.kv_quants.front());
  } else {
    out.emplace_back("bf16");
  }
  // An 8-bit KV cache doubles the sequences that fit: fp8 where the device has fp8 units, q8_0 in llama.cpp.
  if (contains(engine.kv_quants, "fp8") && contains(hardware.precisions, "fp8")) {
    out.emplace_back("fp8");
  } else if (contains(engine.kv_quants, "q8_0")) {
    out.emplace_back("q8_0");
  }
  return out;
}

/// Whether the engine can shard the model's attention heads over the tensor-parallel group `count` devices
/// of the pool make (its rule in engines.json; vLLM refuses 8 for Qwen2.5-7B's 28 heads at start-up).
bool heads_split(const Pool& pool, std::uint32_t count, const catalog::EngineSpec& engine,
                 const model::ModelSpec& model)
{
  estimate::Candidate shape;
  shape.count = count;
  shape.system = pool.system;
  return !estimate::tensor_parallel_problem(&engine, model.arch, estimate::tensor_parallel_size(shape, &engine));
}

/// Whether `count` devices of the pool fill more than one host.
bool spans_hosts(const Pool& pool, std::uint32_t count)
{
  estimate::Candidate shape;
  shape.count = count;
  shape.system = pool.system;
  return rules::hosts_spanned(shape) > 1;
}

/// The devices the engine can use of `count`: `count` when its tensor parallelism splits the model's heads. A pool
/// that can be split tries the smaller counts anyway, so it gets none; a slice or instance, paid for whole, runs
/// on the most of its devices that work, keeping every host equally used.
std::optional<std::uint32_t> usable_count(const Pool& pool, std::uint32_t count, const catalog::EngineSpec& engine,
                                          const model::ModelSpec& model)
{
  if (heads_split(pool, count, engine, model)) {
    return count;
  }
  if (!pool.fixed_count) {
    return std::nullopt;
  }
  const std::uint32_t hosts = pool.system ? std::max<std::uint32_t>(1, pool.system->nodes.value_or(1)) : 1;
  for (std::uint32_t used = count - 1; used >= 1; --used) {
    if ((used % hosts == 0 || used == 1) && heads_split(pool, used, engine, model)) {
      return used;
    }
  }
  return std::nullopt;
}

} // namespace

std::vector<estimate::Candidate> candidates_for(const Pool& pool, const model::ModelSpec& model, const Inputs& inputs,
                                                const catalog::Catalog& catalog)
{
  std::vector<const catalog::EngineSpec*> engines;
  if (inputs.framework) {
    if (const catalog::EngineSpec* pinned = catalog.find_engine(*inputs.framework)) {
      engines.push_back(pinned);
    }
  } else {
    const std::string backend = rules::backend_of(pool.hardware);
    for (const catalog::EngineSpec& engine : catalog.engines) {
      if (contains(engine.backends, backend)) {
        engines.push_back(&engine);
      }
    }
  }
  // What each engine runs does not depend on the device count: work it out once, not once per count.
  struct Offer {
    const catalog::EngineSpec* engine;
    std::vector<std::string> quants;
    std::vector<std::string> kv_quants;
  };
  std::vector<Offer> offers;
  offers.reserve(engines.size());
  for (const catalog::EngineSpec* engine : engines) {
    offers.push_back({engine, weight_precisions(pool, *engine, model, inputs, catalog),
                      kv_precisions(pool, *engine, inputs, catalog)});
  }
  std::vector<estimate::Candidate> candidates;
  for (const std::uint32_t count : counts_to_try(pool)) {
    for (const Offer& offer : offers) {
      const std::optional<std::uint32_t> used = usable_count(pool, count, *offer.engine, model);
      if (!used || (spans_hosts(pool, *used) && !runs_across_hosts(offer.engine->id))) {
        continue; // engines without a multi-node mode are not offered across hosts
      }
      for (const std::string& quant : offer.quants) {
        for (const std::string& kv_quant : offer.kv_quants) {
          candidates.push_back(candidate_of(pool, *used, offer.engine->id, quant, kv_quant));
        }
      }
    }
  }
  return candidates;
}

} // namespace llmhw::advice::detail
