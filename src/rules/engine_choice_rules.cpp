// Which engine an expert would pick among plans that the estimates cannot tell apart: the one that is maintained
// and most used on the device (data/engines.json status and preferred_on, each with its source).
#include "registry.hpp"

#include "llmhw/catalog/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace llmhw::rules::detail {
namespace {

/// A server engine less used on the device than the preferred ones ranks below them by this much: as much as a
/// doubling of the devices (DEVICE_COUNT), so that 2x H100 with vLLM ranks above 1x H100 with LMDeploy when both
/// meet every requirement — the estimates of the two differ by less than their error (docs/accuracy.md: held-out
/// server-engine errors of 20-45%), the engine's fixes, models and users do not.
constexpr int k_less_used_delta = -3;
/// Archived or in maintenance mode: no new models, kernels or fixes. better() ranks such a plan after every
/// maintained one of its verdict in any case; the points keep the score in that order.
constexpr int k_unmaintained_delta = -5;

std::string backend_label(const std::string& backend)
{
  if (backend == "cuda") {
    return "NVIDIA GPUs";
  }
  if (backend == "rocm") {
    return "AMD GPUs";
  }
  if (backend == "tpu") {
    return "TPUs";
  }
  return backend;
}

bool serves_architecture(const catalog::EngineSpec& engine, const std::string& family)
{
  return engine.architectures.empty() ||
         std::any_of(engine.architectures.begin(), engine.architectures.end(),
                     [&](const std::string& name) { return catalog::same_architecture(name, family); });
}

/// The engines preferred on this backend that serve the model's architecture, by name.
std::vector<std::string> preferred_engines(const RuleInput& input, const std::string& backend)
{
  std::vector<std::string> names;
  for (const catalog::EngineSpec& engine : input.catalog.engines) {
    if (catalog::preferred_on(engine, backend) && serves_architecture(engine, input.model.arch.family)) {
      names.push_back(engine.name);
    }
  }
  return names;
}

} // namespace

void engine_status(const RuleInput& input, RuleOutput& out)
{
  if (input.engine == nullptr || input.engine->status.state == catalog::EngineState::active) {
    return;
  }
  const catalog::EngineSpec& engine = *input.engine;
  const std::string since = engine.status.since ? fmt::format(" since {}", *engine.status.since) : std::string();
  if (engine.status.state == catalog::EngineState::archived) {
    out.add(
        "ENGINE_ARCHIVED", Severity::warn,
        [&] {
          return fmt::format("{} is archived{} (read-only: no new models, kernels or fixes); it ranks below every "
                             "maintained engine that runs the model as well (-{})",
                             engine.name, since, -k_unmaintained_delta);
        },
        k_unmaintained_delta);
  } else {
    out.add(
        "ENGINE_MAINTENANCE_MODE", Severity::warn,
        [&] {
          return fmt::format("{} is in maintenance mode{} (minor fixes only, no new models or kernels); it ranks below "
                             "every maintained engine that runs the model as well (-{})",
                             engine.name, since, -k_unmaintained_delta);
        },
        k_unmaintained_delta);
  }
}

void engine_preference(const RuleInput& input, RuleOutput& out)
{
  if (input.engine == nullptr) {
    return;
  }
  const catalog::EngineSpec& engine = *input.engine;
  const std::string backend = backend_of(input.estimate.candidate.hardware);
  if (catalog::preferred_on(engine, backend)) {
    out.add(
        "ENGINE_PREFERRED", Severity::info,
        [&] {
          return fmt::format("{} is among the engines most used on {} (actively maintained, the widest model support): "
                             "preferred where the estimates of engines are within their error of each other",
                             engine.name, backend_label(backend));
        },
        0);
    return;
  }
  // Single-process runners (llama.cpp, Ollama, MLX) are judged by the rules for many users, not by this.
  if (!engine.server) {
    return;
  }
  const std::vector<std::string> preferred = preferred_engines(input, backend);
  if (preferred.empty()) {
    return; // nothing more used runs this model here
  }
  out.add(
      "ENGINE_LESS_USED", Severity::info,
      [&] {
        return fmt::format("{} runs here, but {} {} the engines most used on {}: ranked below them where the estimates "
                           "are within their error of each other ({})",
                           engine.name, fmt::join(preferred, " and "), preferred.size() == 1 ? "is" : "are",
                           backend_label(backend), k_less_used_delta);
      },
      k_less_used_delta);
}

} // namespace llmhw::rules::detail
