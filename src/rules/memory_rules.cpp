// Does the model fit, and how much of the workload fits with it?
#include "registry.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>

namespace llmhw::rules::detail {
namespace {

std::uint64_t needed_bytes(const estimate::MemoryPlan& memory)
{
  return memory.weights_bytes + memory.kv_cache_bytes + memory.activation_bytes + memory.overhead_bytes;
}

} // namespace

void fits_in_memory(const RuleInput& input, RuleOutput& out)
{
  const estimate::MemoryPlan& memory = input.estimate.memory;
  const std::uint64_t needed = needed_bytes(memory);
  out.requirements.push_back(
      {"fits", static_cast<double>(memory.usable_bytes), static_cast<double>(needed), memory.fits});
  if (runs(memory)) {
    return;
  }
  const std::uint32_t count = input.estimate.candidate.count;
  out.add(
      "DOES_NOT_FIT", Severity::blocker,
      [&] {
        return fmt::format("needs {} (weights {}, KV cache {}, activations {}, overhead {}) but {} usable across {} "
                           "device{}",
                           units::format_bytes(needed), units::format_bytes(memory.weights_bytes),
                           units::format_bytes(memory.kv_cache_bytes), units::format_bytes(memory.activation_bytes),
                           units::format_bytes(memory.overhead_bytes), units::format_bytes(memory.usable_bytes), count,
                           count == 1 ? "" : "s");
      },
      -60);
}

void context_within_model(const RuleInput& input, RuleOutput& out)
{
  const std::uint64_t trained = input.model.arch.max_context;
  if (trained == 0 || input.workload.context <= trained) {
    return;
  }
  out.add(
      "CONTEXT_EXCEEDS_MODEL", Severity::blocker,
      [&] {
        return fmt::format("a context of {} tokens exceeds the {} the model was trained for (max_position_embeddings); "
                           "engines refuse a longer --max-model-len",
                           input.workload.context, trained);
      },
      -60);
}

void concurrency_fits(const RuleInput& input, RuleOutput& out)
{
  const estimate::MemoryPlan& memory = input.estimate.memory;
  const workload::Workload& workload = input.workload;
  if (!runs(memory) || memory.gpu_layers) {
    return; // nothing runs, or a llama.cpp split, which has its own warning
  }
  if (memory.max_context < workload.context) {
    out.add(
        "CONTEXT_LIMITED_BY_MEMORY", Severity::warn,
        [&] {
          return fmt::format("the KV cache holds at most {} tokens per sequence, less than the {} the workload needs",
                             memory.max_context, workload.context);
        },
        -25);
    return;
  }
  if (workload.max_concurrency) {
    out.add(
        "CONCURRENCY_SIZED_TO_MEMORY", Severity::info,
        [&] {
          return fmt::format("{} sequences of {} tokens fit in the KV cache", memory.max_concurrency, workload.context);
        },
        0);
    return;
  }
  if (memory.max_concurrency < workload.concurrency) {
    // The requested users do not fit: the plan runs, but not as asked (a blocker, so check fails and advise
    // recommends none of it), and the speeds say what the users who wait would see.
    out.add(
        "KV_CACHE_LIMITS_CONCURRENCY", Severity::blocker,
        [&] {
          return fmt::format("the KV cache holds {} of the {} concurrent sequences of {} tokens; the other {} wait in "
                             "the queue (time to first token {} with the wait)",
                             memory.max_concurrency, workload.concurrency, workload.context,
                             workload.concurrency - memory.max_concurrency,
                             units::format_duration_ms(input.estimate.performance.ttft_ms));
        },
        -60);
  }
}

void headroom(const RuleInput& input, RuleOutput& out)
{
  const estimate::MemoryPlan& memory = input.estimate.memory;
  if (!memory.fits || memory.usable_bytes == 0 || memory.headroom_bytes < 0) {
    return;
  }
  // Under 5% spare, allocator fragmentation or a longer prompt than planned can run out of memory.
  const double share = static_cast<double>(memory.headroom_bytes) / static_cast<double>(memory.usable_bytes);
  if (share < 0.05) {
    out.add(
        "THIN_HEADROOM", Severity::warn,
        [&] {
          return fmt::format("only {} ({:.1f}% of usable memory) to spare after weights, KV cache and buffers",
                             units::format_bytes(static_cast<std::uint64_t>(memory.headroom_bytes)), share * 100);
        },
        -5);
  }
}

void partial_offload(const RuleInput& input, RuleOutput& out)
{
  const estimate::MemoryPlan& memory = input.estimate.memory;
  if (!memory.gpu_layers || memory.total_layers == 0 || *memory.gpu_layers >= memory.total_layers) {
    return;
  }
  out.add(
      "PARTIAL_OFFLOAD", Severity::warn,
      [&] {
        return fmt::format("only {} of {} layers fit on the GPU (-ngl {}); the rest run on the CPU at its memory "
                           "bandwidth",
                           *memory.gpu_layers, memory.total_layers, *memory.gpu_layers);
      },
      -20);
}

void offload_host_memory(const RuleInput& input, RuleOutput& out)
{
  const estimate::MemoryPlan& memory = input.estimate.memory;
  if (memory.gpu_layers || memory.offload_host_bytes == 0 || !memory.host_available_bytes) {
    return;
  }
  out.add(
      "OFFLOAD_EXCEEDS_HOST_MEMORY", Severity::blocker,
      [&] {
        return fmt::format(
            "the layers that do not fit the GPU need {} of host memory with their KV cache, but the host "
            "has {} for them{}",
            units::format_bytes(memory.offload_host_bytes), units::format_bytes(*memory.host_available_bytes),
            input.estimate.candidate.hardware.unified_memory ? " beside the GPU's share of unified memory" : "");
      },
      -60);
}

} // namespace llmhw::rules::detail
