// How the devices are put together and who they serve: hosts, links, MIG, consumer cards, CPUs.
#include "registry.hpp"

#include "llmhw/util/text.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace llmhw::rules::detail {
namespace {

bool is_consumer_gpu(const catalog::HardwareSpec& hardware)
{
  const std::string name = util::normalize_name(hardware.name);
  return hardware.kind == catalog::DeviceKind::gpu &&
         (name.find("geforce") != std::string::npos || name.find("radeonrx") != std::string::npos ||
          name.find("intelarc") != std::string::npos);
}

/// Below this many CPU cores a serving system's own process costs more than its batching can win back.
constexpr std::uint32_t k_min_cores_for_server = 8;
/// Enough to rank such a row under the sensible ones of its verdict; it still runs, so it is no blocker.
constexpr int k_not_sensible_delta = -50;

/// "No accelerator needed" tells a reader to buy nothing, so a CPU must meet the need with room for the error of its
/// estimate, which is larger for prefill than for decode: prefill rests on which kernels the engine runs for the weight
/// format and ISA, decode on memory bandwidth alone. Issue 13 measured CPU prefill estimates 40-80% low on a Zen 5 VM
/// and 3-20x high on large Xeons, decode within 4-18%. So the first token must come in half its limit, and each later
/// token with a fifth of its limit to spare.
constexpr double k_cpu_prefill_margin = 2.0;
constexpr double k_cpu_decode_margin = 1.25;
/// What a reader needs whatever the workload asks: a first token within 10 s, the limit for keeping the user's
/// attention on the dialogue (Nielsen, "Usability Engineering", 1993, ch. 5.5), and an answer that appears at least
/// as fast as it is read: 238 words a minute of silent reading (Brysbaert, J. Memory and Language 109, 2019) at
/// about 1.3 tokens a word is 5 tokens a second.
constexpr double k_reader_ttft_ms = 10000;
constexpr double k_reader_tok_s = 5;

std::uint64_t users(const RuleInput& input)
{
  return input.workload.max_concurrency ? input.estimate.memory.max_concurrency : input.workload.concurrency;
}

} // namespace

void spans_hosts(const RuleInput& input, RuleOutput& out)
{
  const std::uint32_t hosts = hosts_spanned(input.estimate.candidate);
  if (hosts <= 1 || input.engine == nullptr) {
    return;
  }
  if (!input.engine->multi_node) {
    out.add(
        "ENGINE_SINGLE_HOST", Severity::blocker,
        [&] {
          return fmt::format("{} devices span {} hosts and {} has no multi-node mode", input.estimate.candidate.count,
                             hosts, input.engine->name);
        },
        -60);
    return;
  }
  out.add(
      "MULTI_HOST", Severity::info,
      [&] {
        return fmt::format("{} hosts: tensor parallel within each host, pipeline parallel across them ({})", hosts,
                           *input.engine->multi_node);
      },
      -5);
}

void device_count(const RuleInput& input, RuleOutput& out)
{
  const std::uint32_t count = input.estimate.candidate.count;
  if (count < 2) {
    return;
  }
  // Twice the devices cost twice as much to buy or rent, so each doubling must buy more than 3 points of score:
  // 1x H100 in fp8 (QUANTIZED_WEIGHTS -2) ranks above 2x H100 in bf16 (-3). In the score itself, so that the
  // table's order and the score it shows agree.
  const int points = static_cast<int>(std::lround(3 * std::log2(static_cast<double>(count))));
  out.add(
      "DEVICE_COUNT", Severity::info,
      [&] {
        return fmt::format("{} devices: each doubling of the devices doubles the cost and must buy more than 3 points "
                           "of score (-{})",
                           count, points);
      },
      -points);
}

void tensor_parallel_over_pcie(const RuleInput& input, RuleOutput& out)
{
  const estimate::Candidate& candidate = input.estimate.candidate;
  const catalog::Interconnect& link = candidate.hardware.interconnect;
  if (candidate.count < 2 || candidate.hardware.kind == catalog::DeviceKind::cpu) {
    return;
  }
  if (!(link.kind.starts_with("pcie") || link.kind == "none")) {
    return;
  }
  const std::optional<double> bandwidth =
      link.kind == "none" ? candidate.hardware.pcie_bandwidth_bytes_s : link.bandwidth_bytes_s;
  out.add(
      "TP_OVER_PCIE", Severity::warn,
      [&] {
        return fmt::format("tensor parallel over {}{}: two all-reduces per layer per step cross the host bus; "
                           "NVLink-class links are 10-20x faster",
                           link.kind == "none" ? "PCIe" : link.kind,
                           bandwidth ? fmt::format(" ({} per direction)", units::format_bandwidth(*bandwidth)) : "");
      },
      -10);
}

void mig_slice(const RuleInput& input, RuleOutput& out)
{
  const auto& profile = input.estimate.candidate.mig_profile;
  if (!profile) {
    return;
  }
  out.add(
      "MIG_SLICE", Severity::warn,
      [&] {
        return fmt::format(
            "a MIG slice ({}): its share of the GPU's memory, bandwidth and SMs; the other slices belong "
            "to other tenants",
            *profile);
      },
      -5);
}

void consumer_gpu_many_users(const RuleInput& input, RuleOutput& out)
{
  const catalog::HardwareSpec& hardware = input.estimate.candidate.hardware;
  const std::uint64_t serving = users(input);
  // Beyond a handful of users this is a service: it needs ECC, datacenter cooling and a driver licensed for it.
  if (!is_consumer_gpu(hardware) || serving <= 4) {
    return;
  }
  out.add(
      "CONSUMER_GPU_MANY_USERS", Severity::warn,
      [&] {
        return fmt::format("{} is a consumer card serving {} users: no ECC memory{}", hardware.name, serving,
                           backend_of(hardware) == "cuda" ? ", and NVIDIA's GeForce driver licence excludes datacenter "
                                                            "deployment"
                                                          : "");
      },
      -10);
}

void engine_for_many_users(const RuleInput& input, RuleOutput& out)
{
  if (input.engine == nullptr || input.engine->paged_kv) {
    return;
  }
  const std::uint64_t serving = users(input);
  if (serving <= 4) {
    return;
  }
  // Fixed slots reserve the whole context for every user and batch less well than a paged KV cache
  // (Kwon et al., "Efficient Memory Management for LLM Serving with PagedAttention", SOSP 2023).
  out.add(
      "ENGINE_FEW_SLOTS", Severity::warn,
      [&] {
        return fmt::format("{} splits one KV buffer into fixed slots with no paged KV cache; for {} concurrent users a "
                           "paged, continuously batching engine (vLLM, SGLang) wastes less memory",
                           input.engine->name, serving);
      },
      serving > 16 ? -10 : -5);
}

void not_sensible(const RuleInput& input, RuleOutput& out)
{
  const catalog::HardwareSpec& hardware = input.estimate.candidate.hardware;
  if (hardware.kind == catalog::DeviceKind::cpu && input.engine != nullptr && input.engine->server && hardware.cpu &&
      hardware.cpu->cores > 0 && hardware.cpu->cores < k_min_cores_for_server) {
    // A serving system keeps a core for its API server and scheduler (vLLM's CPU docs: leave one out of
    // VLLM_CPU_OMP_THREADS_BIND); on a few cores that core is a large share of the compute, and the batching it
    // schedules has few users to batch. A single-process runner (llama.cpp) uses every core.
    out.add(
        "NOT_SENSIBLE", Severity::warn,
        [&] {
          return fmt::format(
              "{} is a serving system built to batch many users; on {} CPU {} its server process takes a "
              "core the model needs — llama.cpp or Ollama use them all (shown with -v)",
              input.engine->name, hardware.cpu->cores, hardware.cpu->cores == 1 ? "core" : "cores");
        },
        k_not_sensible_delta);
    return;
  }
  if (hardware.kind == catalog::DeviceKind::gpu && hardware.unified_memory &&
      !input.estimate.candidate.unknown_figures.empty()) {
    // An integrated GPU the catalog does not know: it shares the host's memory and bandwidth, has no published
    // speed, and the engines' kernels for it are the exception; its rows would be guesses beside the CPU's figures.
    out.add(
        "NOT_SENSIBLE", Severity::warn,
        [&] {
          return fmt::format("{} is an integrated GPU the catalog has no figures for: it shares the CPU's memory, and "
                             "its speed here is unknown (shown with -v)",
                             input.estimate.candidate.name.empty() ? hardware.name : input.estimate.candidate.name);
        },
        k_not_sensible_delta);
  }
}

namespace {

/// "peak FP8 TFLOPS" for the precision "fp8".
std::string peak_name(std::string precision)
{
  std::transform(precision.begin(), precision.end(), precision.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return fmt::format("peak {} TFLOPS", precision);
}

} // namespace

void unknown_figures(const RuleInput& input, RuleOutput& out)
{
  const auto& unknown = input.estimate.candidate.unknown_figures;
  if (unknown.empty()) {
    return;
  }
  // In words a reader knows, with what the gap costs and how to fill it (the field names are in the JSON).
  std::vector<std::string> names;
  bool bandwidth = false;
  for (const std::string& figure : unknown) {
    bandwidth = bandwidth || figure == "memory_bandwidth_bytes_s";
    names.push_back(figure == "memory_bandwidth_bytes_s"   ? "memory bandwidth"
                    : figure.rfind("peak_tflops.", 0) == 0 ? peak_name(figure.substr(12))
                                                           : figure);
  }
  out.add(
      "UNKNOWN_FIGURES", Severity::warn,
      [&] {
        return fmt::format(
            "the device's {} {} neither probed nor in the catalog ({}), so {}; add {} with a user catalog "
            "file (docs/catalog.md)",
            util::join(names, " and "), names.size() == 1 ? "is" : "are", util::join(unknown, ", "),
            bandwidth ? "no speed can be estimated" : "prefill, time to first token and throughput are not estimated",
            names.size() == 1 ? "it" : "them");
      },
      -10);
}

namespace {

/// Whether every speed requirement, and a reader's own floor, holds with the margin a CPU estimate needs.
bool met_with_margin(const RuleInput& input, const RuleOutput& out)
{
  for (const Requirement& requirement : out.requirements) {
    if (requirement.name == "fits") {
      continue;
    }
    const double margin = requirement.name == "max_ttft_ms" ? k_cpu_prefill_margin : k_cpu_decode_margin;
    const bool held = requirement.at_most ? requirement.estimate * margin <= requirement.limit
                                          : requirement.estimate >= requirement.limit * margin;
    if (!held) {
      return false;
    }
  }
  const estimate::Performance& speed = input.estimate.performance;
  return speed.ttft_ms > 0 && speed.ttft_ms * k_cpu_prefill_margin <= k_reader_ttft_ms &&
         speed.decode_tok_s_per_user >= k_reader_tok_s * k_cpu_decode_margin;
}

} // namespace

void cpu_suffices(const RuleInput& input, RuleOutput& out)
{
  if (input.estimate.candidate.hardware.kind != catalog::DeviceKind::cpu) {
    return;
  }
  const bool blocked = std::any_of(out.findings.begin(), out.findings.end(),
                                   [](const Finding& finding) { return finding.severity == Severity::blocker; });
  const auto speed_requirements = std::count_if(out.requirements.begin(), out.requirements.end(),
                                                [](const Requirement& r) { return r.name != "fits"; });
  const bool all_met = std::all_of(out.requirements.begin(), out.requirements.end(),
                                   [](const Requirement& requirement) { return requirement.met; });
  if (blocked || speed_requirements == 0 || !all_met || !met_with_margin(input, out)) {
    return;
  }
  // The field's first advice: no accelerator to buy, share or keep busy when the CPU already does the job. It ranks
  // first by this code (advice's better()), not by points: a bonus was clamped away at 100 and hid the differences
  // between CPU candidates (a q8_0 KV cache, -1, tied with a 16-bit one for a 0.5B model and won on speed).
  out.add(
      "CPU_SUFFICES", Severity::info,
      [&] {
        return fmt::format("the CPU meets every requirement with room for its estimate's error (time per token {}, "
                           "first token {}): no accelerator needed",
                           units::format_duration_ms(input.estimate.performance.tpot_ms),
                           units::format_duration_ms(input.estimate.performance.ttft_ms));
      },
      0);
}

} // namespace llmhw::rules::detail
