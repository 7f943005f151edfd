// Can this engine run this model, in this precision, on this device at all?
#include "registry.hpp"

#include "llmhw/catalog/artifacts.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace llmhw::rules {

std::string backend_of(const catalog::HardwareSpec& hardware)
{
  using catalog::DeviceKind;
  if (hardware.kind == DeviceKind::cpu) {
    return "cpu";
  }
  if (hardware.kind == DeviceKind::tpu) {
    return "tpu";
  }
  const std::string vendor = util::normalize_name(hardware.vendor);
  if (vendor.find("nvidia") != std::string::npos) {
    return "cuda";
  }
  if (vendor.find("amd") != std::string::npos) {
    return "rocm";
  }
  if (vendor.find("apple") != std::string::npos) {
    return "metal";
  }
  if (vendor.find("intel") != std::string::npos) {
    return hardware.kind == DeviceKind::accelerator ? "gaudi" : "xpu";
  }
  return "unknown";
}

bool engine_refuses(const Finding& finding)
{
  // The blockers of this file: each is a start-up failure of the engine (or no weights for it to load).
  static constexpr std::array<std::string_view, 18> codes = {"ENGINE_UNKNOWN",
                                                             "ENGINE_BACKEND_UNSUPPORTED",
                                                             "ENGINE_NEEDS_NEWER_GPU",
                                                             "GGUF_NEEDS_LLAMA_CPP",
                                                             "ARCHITECTURE_UNSUPPORTED",
                                                             "TP_HEADS_INDIVISIBLE",
                                                             "QUANT_UNKNOWN",
                                                             "QUANT_UNSUPPORTED_BY_ENGINE",
                                                             "QUANT_NO_KERNELS",
                                                             "PRECISION_NOT_NATIVE",
                                                             "KV_QUANT_UNKNOWN",
                                                             "KV_QUANT_UNSUPPORTED_BY_ENGINE",
                                                             "WEIGHT_ONLY_NEEDS_NEWER_GPU",
                                                             "QUANT_UNSUPPORTED_ON_BACKEND",
                                                             "KV_QUANT_UNSUPPORTED_ON_BACKEND",
                                                             "MLA_UNSUPPORTED_ON_BACKEND",
                                                             "QUANT_NEEDS_NATIVE_MODEL",
                                                             "ARTIFACT_MISSING"};
  return finding.severity == Severity::blocker && std::find(codes.begin(), codes.end(), finding.code) != codes.end();
}

namespace detail {
namespace {

constexpr int k_blocker = -60;

bool contains(const std::vector<std::string>& list, const std::string& value)
{
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string device_label(const estimate::Candidate& candidate)
{
  return candidate.name.empty() ? candidate.hardware.name : candidate.name;
}

/// What the engine's CPU backend cannot do for this candidate (engines.json "cpu"); empty when nothing.
std::string cpu_backend_problem(const RuleInput& input, const catalog::CpuBackendRule& rule)
{
  const estimate::Candidate& candidate = input.estimate.candidate;
  const std::vector<std::string> no_flags;
  const std::vector<std::string>& isa = candidate.hardware.cpu ? candidate.hardware.cpu->isa : no_flags;
  if (!rule.isa.empty() &&
      std::none_of(rule.isa.begin(), rule.isa.end(), [&](const std::string& flag) { return contains(isa, flag); })) {
    return fmt::format("needs {} ({} has none of them)", fmt::join(rule.isa, " or "), device_label(candidate));
  }
  if (!rule.quants.empty() && !contains(rule.quants, candidate.quant)) {
    return fmt::format("does not run {} weights (it runs {})", candidate.quant, fmt::join(rule.quants, ", "));
  }
  if (!rule.kv_quants.empty() && !contains(rule.kv_quants, candidate.kv_quant)) {
    return fmt::format("cannot keep the KV cache in {} (it supports {})", candidate.kv_quant,
                       fmt::join(rule.kv_quants, ", "));
  }
  if (!rule.mla && input.model.arch.mla) {
    return "has no multi-head latent attention (MLA) for this model";
  }
  return {};
}

} // namespace

void engine_runs_on_device(const RuleInput& input, RuleOutput& out)
{
  const estimate::Candidate& candidate = input.estimate.candidate;
  if (input.engine == nullptr) {
    out.add(
        "ENGINE_UNKNOWN", Severity::blocker,
        [&] { return fmt::format("engine '{}' is not in the catalog", candidate.engine); }, k_blocker);
    return;
  }
  const std::string backend = backend_of(candidate.hardware);
  if (!contains(input.engine->backends, backend)) {
    out.add(
        "ENGINE_BACKEND_UNSUPPORTED", Severity::blocker,
        [&] {
          return fmt::format("{} has no {} backend for {} (it runs on {})", input.engine->name, backend,
                             device_label(candidate), fmt::join(input.engine->backends, ", "));
        },
        k_blocker);
    return;
  }
  if (backend == "cpu" && input.engine->cpu) {
    if (const std::string why = cpu_backend_problem(input, *input.engine->cpu); !why.empty()) {
      out.add(
          "ENGINE_CPU_UNSUPPORTED", Severity::blocker,
          [&] { return fmt::format("{}'s CPU backend {}", input.engine->name, why); }, k_blocker);
    }
    return;
  }
  if (backend != "cuda" || !input.engine->min_compute_capability) {
    return;
  }
  const auto needed = capability_number(*input.engine->min_compute_capability);
  const auto has =
      candidate.hardware.compute_capability ? capability_number(*candidate.hardware.compute_capability) : std::nullopt;
  if (needed && has && *has < *needed) {
    out.add(
        "ENGINE_NEEDS_NEWER_GPU", Severity::blocker,
        [&] {
          return fmt::format("{} needs compute capability {} or newer; {} has {}", input.engine->name,
                             *input.engine->min_compute_capability, device_label(candidate),
                             *candidate.hardware.compute_capability);
        },
        k_blocker);
  }
}

void engine_runs_model_format(const RuleInput& input, RuleOutput& out)
{
  if (input.engine == nullptr || input.model.source != model::ModelSource::gguf) {
    return;
  }
  if (!catalog::loads_gguf(input.catalog, *input.engine)) {
    out.add(
        "GGUF_NEEDS_LLAMA_CPP", Severity::blocker,
        [&] {
          return fmt::format("{} is a GGUF file; {} does not serve GGUF (llama.cpp and Ollama do)",
                             input.model.path.value_or(input.model.name), input.engine->name);
        },
        k_blocker);
  }
}

void architecture_served(const RuleInput& input, RuleOutput& out)
{
  if (input.engine == nullptr || input.engine->architectures.empty() || input.model.arch.family.empty()) {
    return;
  }
  const bool served = std::any_of(
      input.engine->architectures.begin(), input.engine->architectures.end(),
      [&](const std::string& family) { return catalog::same_architecture(family, input.model.arch.family); });
  if (!served) {
    out.add(
        "ARCHITECTURE_UNSUPPORTED", Severity::blocker,
        [&] {
          return fmt::format("{} does not serve the '{}' architecture (it serves {})", input.engine->name,
                             input.model.arch.family, fmt::join(input.engine->architectures, ", "));
        },
        k_blocker);
  }
}

void tensor_parallel_heads(const RuleInput& input, RuleOutput& out)
{
  const estimate::Candidate& candidate = input.estimate.candidate;
  const std::uint32_t tensor_parallel = estimate::tensor_parallel_size(candidate, input.engine);
  if (auto problem = estimate::tensor_parallel_problem(input.engine, input.model.arch, tensor_parallel)) {
    out.add(
        "TP_HEADS_INDIVISIBLE", Severity::blocker,
        [&] { return fmt::format("{}; it refuses --tensor-parallel-size {} at start-up", *problem, tensor_parallel); },
        k_blocker);
    return;
  }
  // A slice or instance runs on fewer of its devices when all of them would split the heads unevenly.
  if (candidate.system && candidate.count < candidate.system->count && input.engine != nullptr &&
      input.engine->tensor_parallel) {
    out.add(
        "TP_FEWER_DEVICES", Severity::info,
        [&] {
          return fmt::format(
              "{} of the {} devices: {} shards the {} attention heads and {} KV heads over a tensor-parallel "
              "size that divides them",
              candidate.count, candidate.system->count, input.engine->name, input.model.arch.num_heads,
              input.model.arch.num_kv_heads);
        },
        0);
  }
}

void precision_native(const RuleInput& input, RuleOutput& out)
{
  const estimate::Candidate& candidate = input.estimate.candidate;
  if (input.quant == nullptr) {
    out.add(
        "QUANT_UNKNOWN", Severity::blocker,
        [&] { return fmt::format("precision '{}' is not in the catalog", candidate.quant); }, k_blocker);
    return;
  }
  const catalog::QuantFormat& quant = *input.quant;
  if (input.engine != nullptr && !contains(input.engine->quants, candidate.quant)) {
    out.add(
        "QUANT_UNSUPPORTED_BY_ENGINE", Severity::blocker,
        [&] { return fmt::format("{} does not run {} weights", input.engine->name, candidate.quant); }, k_blocker);
    return;
  }
  const catalog::HardwareSpec& hardware = candidate.hardware;
  const std::string backend = backend_of(hardware);
  const bool weight_only = input.engine != nullptr && contains(input.engine->weight_only_quants, quant.id);
  if (!quant.backends.empty() && !contains(quant.backends, backend)) {
    out.add(
        "QUANT_NO_KERNELS", Severity::blocker,
        [&] {
          return fmt::format("no {} kernels exist for {} (only for {})", quant.id, backend,
                             fmt::join(quant.backends, ", "));
        },
        k_blocker);
    return;
  }
  // GGUF types run in llama.cpp's own kernels (int8 dot products or dequantization) on every backend it has.
  if (quant.family == "gguf") {
    return;
  }
  // Does the device have tensor cores (or vector units) for the precision the matmuls run in?
  bool native = true;
  std::string why;
  if (backend == "cuda" && quant.min_compute_capability && hardware.compute_capability) {
    const auto needed = capability_number(*quant.min_compute_capability);
    const auto has = capability_number(*hardware.compute_capability);
    if (needed && has && *has < *needed) {
      native = false;
      why = fmt::format("{} matmuls need compute capability {}; {} has {}", quant.compute_precision,
                        *quant.min_compute_capability, device_label(candidate), *hardware.compute_capability);
    }
  } else if (!hardware.precisions.empty() && !contains(hardware.precisions, quant.compute_precision)) {
    // W4A16 and W8A16 formats dequantize to 16 bits: fp16 units serve when bf16 ones are missing.
    const bool dequantizing = quant.id != quant.compute_precision;
    if (!(dequantizing && quant.compute_precision == "bf16" && contains(hardware.precisions, "fp16"))) {
      native = false;
      why = fmt::format("{} has no {} units (it runs {})", device_label(candidate), quant.compute_precision,
                        fmt::join(hardware.precisions, ", "));
    }
  }
  if (native) {
    return;
  }
  if (weight_only && backend == "cuda" && input.engine->weight_only && hardware.compute_capability) {
    const auto needed = capability_number(input.engine->weight_only->min_compute_capability);
    const auto has = capability_number(*hardware.compute_capability);
    if (needed && has && *has < *needed) {
      out.add(
          "WEIGHT_ONLY_NEEDS_NEWER_GPU", Severity::blocker,
          [&] {
            return fmt::format("{}: {}'s weight-only {} kernels need compute capability {}; {} has {}", why,
                               input.engine->name, quant.id, input.engine->weight_only->min_compute_capability,
                               device_label(candidate), *hardware.compute_capability);
          },
          k_blocker);
      return;
    }
  }
  if (weight_only) {
    out.add(
        "PRECISION_WEIGHT_ONLY", Severity::info,
        [&] {
          return fmt::format(
              "{}: {} runs {} weight-only, dequantizing to 16 bits — the memory saving stays, the matmuls "
              "run at 16-bit speed",
              why, input.engine->name, quant.id);
        },
        -5);
  } else if (hardware.kind == catalog::DeviceKind::cpu) {
    out.add(
        "PRECISION_EMULATED", Severity::warn, [&] { return fmt::format("{}: converted in software, slower", why); },
        -10);
  } else {
    out.add(
        "PRECISION_NOT_NATIVE", Severity::blocker,
        [&] {
          return fmt::format("{}{}", why,
                             quant.id == "bf16" && contains(hardware.precisions, "fp16")
                                 ? "; run the weights as fp16 (--quant fp16, vLLM --dtype half)"
                                 : "");
        },
        k_blocker);
  }
}

void kv_precision_supported(const RuleInput& input, RuleOutput& out)
{
  const estimate::Candidate& candidate = input.estimate.candidate;
  if (input.kv_quant == nullptr) {
    out.add(
        "KV_QUANT_UNKNOWN", Severity::blocker,
        [&] { return fmt::format("KV-cache precision '{}' is not in the catalog", candidate.kv_quant); }, k_blocker);
    return;
  }
  if (input.engine != nullptr && !contains(input.engine->kv_quants, input.kv_quant->id)) {
    out.add(
        "KV_QUANT_UNSUPPORTED_BY_ENGINE", Severity::blocker,
        [&] {
          return fmt::format("{} cannot keep the KV cache in {} (it supports {})", input.engine->name,
                             input.kv_quant->id, fmt::join(input.engine->kv_quants, ", "));
        },
        k_blocker);
    return;
  }
  const catalog::HardwareSpec& hardware = candidate.hardware;
  if (input.kv_quant->id == "bf16" && hardware.kind != catalog::DeviceKind::cpu && !hardware.precisions.empty() &&
      !contains(hardware.precisions, "bf16")) {
    out.add(
        "PRECISION_NOT_NATIVE", Severity::blocker,
        [&] {
          return fmt::format("{} has no bf16 units for a bf16 KV cache; use --kv-quant fp16", device_label(candidate));
        },
        k_blocker);
  }
}

void quantized_weights(const RuleInput& input, RuleOutput& out)
{
  if (input.kv_quant != nullptr && input.kv_quant->bits_per_weight < 16) {
    // An 8-bit KV cache is close to lossless (vLLM docs, "Quantized KV Cache"); a 4-bit one less so.
    const bool narrow = input.kv_quant->bits_per_weight < 8;
    out.add(
        "QUANTIZED_KV", narrow ? Severity::warn : Severity::info,
        [&] {
          return fmt::format("KV cache in {} ({:.2g} bits): more sequences fit{}", input.kv_quant->id,
                             input.kv_quant->bits_per_weight,
                             narrow ? ", with a measurable quality loss" : ", with a small accuracy cost");
        },
        narrow ? -5 : -1);
  }
  if (input.quant == nullptr) {
    return;
  }
  const catalog::QuantFormat* native = input.catalog.find_quant(input.model.native_quant);
  const double native_bits = native != nullptr ? native->bits_per_weight : 16.0;
  const double bits = input.quant->bits_per_weight;
  if (bits >= native_bits || bits >= 16) {
    return;
  }
  // Published evaluations: 8-bit weights stay within about 1% of bf16 quality, 4-bit lose a few points and
  // 3-bit and below lose noticeably (Kurtic et al., "Give Me BF16 or Give Me Death", arXiv:2411.02355).
  const int delta = bits >= 7.5 ? -2 : bits >= 4 ? -8 : -20;
  const Severity severity = bits >= 4 ? Severity::info : Severity::warn;
  out.add(
      "QUANTIZED_WEIGHTS", severity,
      [&] {
        return fmt::format("weights in {} ({:.2g} bits per weight, the model ships {}): {}", input.quant->id, bits,
                           input.model.native_quant,
                           bits >= 7.5 ? "quality within about 1% of 16-bit"
                           : bits >= 4 ? "a small quality loss; check it on your own evaluations"
                                       : "a noticeable quality loss below 4 bits");
      },
      delta);
}

void engine_backend_limits(const RuleInput& input, RuleOutput& out)
{
  if (input.engine == nullptr) {
    return;
  }
  const estimate::Candidate& candidate = input.estimate.candidate;
  const std::string backend = backend_of(candidate.hardware);
  for (const catalog::BackendLimit& limit : input.engine->backend_limits) {
    if (limit.backend != backend) {
      continue;
    }
    if (contains(limit.quants, candidate.quant)) {
      out.add(
          "QUANT_UNSUPPORTED_ON_BACKEND", Severity::blocker,
          [&] {
            return fmt::format("{} runs no {} weights on {} ({})", input.engine->name, candidate.quant, backend,
                               limit.source);
          },
          k_blocker);
    }
    if (contains(limit.kv_quants, candidate.kv_quant)) {
      out.add(
          "KV_QUANT_UNSUPPORTED_ON_BACKEND", Severity::blocker,
          [&] {
            return fmt::format("{} keeps no {} KV cache on {} ({})", input.engine->name, candidate.kv_quant, backend,
                               limit.source);
          },
          k_blocker);
    }
    if (limit.mla && input.model.arch.mla) {
      out.add(
          "MLA_UNSUPPORTED_ON_BACKEND", Severity::blocker,
          [&] {
            return fmt::format("{} has no MLA attention on {}, which {} uses ({})", input.engine->name, backend,
                               input.model.name, limit.source);
          },
          k_blocker);
    }
  }
}

void native_architecture_quant(const RuleInput& input, RuleOutput& out)
{
  if (input.engine == nullptr || !input.engine->native_architectures || input.model.arch.family.empty()) {
    return;
  }
  const catalog::NativeArchitectures& native = *input.engine->native_architectures;
  const bool served = std::any_of(native.architectures.begin(), native.architectures.end(), [&](const auto& family) {
    return catalog::same_architecture(family, input.model.arch.family);
  });
  const std::string& quant = input.estimate.candidate.quant;
  if (!served && !contains(native.fallback_quants, quant)) {
    out.add(
        "QUANT_NEEDS_NATIVE_MODEL", Severity::blocker,
        [&] {
          return fmt::format("{} serves '{}' only through its transformers fallback, which runs {} and not {}",
                             input.engine->name, input.model.arch.family, fmt::join(native.fallback_quants, ", "),
                             quant);
        },
        k_blocker);
  }
}

void artifact_available(const RuleInput& input, RuleOutput& out)
{
  if (input.engine == nullptr || input.quant == nullptr || input.model.source == model::ModelSource::gguf ||
      !contains(input.engine->quants, input.quant->id)) {
    return; // a GGUF file runs as it is; an engine without the format has its blocker already
  }
  const std::string model_id = input.model.catalog_id.value_or("");
  if (input.engine->needs_maxtext_name) {
    const catalog::Artifact* maxtext = catalog::maxtext_artifact(input.catalog, model_id);
    if (maxtext == nullptr) {
      out.add(
          "ARTIFACT_MISSING", Severity::blocker,
          [&] {
            return fmt::format("{} names models by their MaxText model_name and data/artifacts.json has none for {}",
                               input.engine->name, input.model.name);
          },
          k_blocker);
      return;
    }
    if (!maxtext->checkpoint) {
      out.add(
          "ARTIFACT_MISSING", Severity::blocker,
          [&] {
            return fmt::format("{} loads a MaxText checkpoint (load_parameters_path) and none of {} (model_name={}) is "
                               "published; convert the Hugging Face weights with MaxText's checkpoint conversion first",
                               input.engine->name, input.model.name, *maxtext->maxtext);
          },
          k_blocker);
      return;
    }
  }
  const std::string repo = input.model.path.value_or(input.model.hf_repo.value_or(input.model.name));
  if (catalog::weights_source(input.catalog, *input.engine, model_id, repo, input.model.native_quant,
                              input.quant->id)) {
    return;
  }
  out.add(
      "ARTIFACT_MISSING", Severity::blocker,
      [&] {
        return fmt::format(
            "no published {} {} of {} for {} is known (data/artifacts.json) and {} cannot make one from the "
            "{} weights",
            input.quant->id, catalog::loads_gguf(input.catalog, *input.engine) ? "file" : "checkpoint",
            input.model.name, input.engine->name, input.engine->name, input.model.native_quant);
      },
      k_blocker);
}

} // namespace detail
} // namespace llmhw::rules
