#include "llmhw/workload/workload.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/input_file.hpp"
#include "llmhw/util/json_fields.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace llmhw::workload {
namespace {

Workload from_preset(const catalog::WorkloadPreset& preset)
{
  Workload workload;
  workload.name = preset.id;
  workload.prompt_tokens = preset.prompt_tokens;
  workload.output_tokens = preset.output_tokens;
  workload.concurrency = preset.concurrency;
  workload.slo.max_ttft_ms = preset.max_ttft_ms;
  workload.slo.max_tpot_ms = preset.max_tpot_ms;
  workload.slo.min_tok_s = preset.min_tok_s;
  return workload;
}

std::optional<double> positive_slo(const util::JsonObject& root, const char* key)
{
  auto value = root.optional_number(key);
  if (value && *value <= 0) {
    root.fail(key, fmt::format("must be positive, got {}", *value));
  }
  return value;
}

/// A workload file: {"prompt_tokens": 2000, "output_tokens": 300, "concurrency": 8 | "max", …}.
/// Fields it leaves out come from its "preset" (default "chat").
Result<Workload> from_file(const std::string& path, const catalog::Catalog& catalog)
{
  auto document = util::read_json_file(path, util::k_small_file_bounds);
  if (!document) {
    return document.error();
  }
  auto root = util::root_object(*document, path);
  if (!root) {
    return root.error();
  }
  try {
    root->reject_unknown_keys({"$schema", "name", "description", "preset", "prompt_tokens", "output_tokens", "context",
                               "concurrency", "max_ttft_ms", "max_tpot_ms", "min_tok_s", "min_throughput"});
    const std::string preset_id = root->optional_string("preset").value_or("chat");
    const catalog::WorkloadPreset* preset = catalog.find_workload(preset_id);
    if (preset == nullptr) {
      root->fail("preset", fmt::format("unknown workload preset '{}'", preset_id));
    }
    Workload workload = from_preset(*preset);
    workload.name = root->optional_string("name").value_or(std::filesystem::path(path).stem().string());
    workload.prompt_tokens = root->optional_count("prompt_tokens", k_max_tokens).value_or(workload.prompt_tokens);
    workload.output_tokens = root->optional_count("output_tokens", k_max_tokens).value_or(workload.output_tokens);
    workload.context = root->optional_count("context", k_max_tokens).value_or(0);
    if (const auto concurrency = root->json().find("concurrency");
        concurrency != root->json().end() && concurrency->is_string()) {
      if (*concurrency != "max") {
        root->fail("concurrency", fmt::format("expected a count or \"max\", got {}", concurrency->dump()));
      }
      workload.max_concurrency = true;
    } else {
      workload.concurrency = root->optional_count("concurrency", k_max_concurrency).value_or(workload.concurrency);
    }
    static_cast<void>(root->optional_string("description")); // free text, but text
    for (auto [key, target] :
         {std::pair{"max_ttft_ms", &workload.slo.max_ttft_ms}, std::pair{"max_tpot_ms", &workload.slo.max_tpot_ms},
          std::pair{"min_tok_s", &workload.slo.min_tok_s},
          std::pair{"min_throughput", &workload.slo.min_throughput_tok_s}}) {
      if (root->has(key)) {
        *target = positive_slo(*root, key);
      }
    }
    if (workload.prompt_tokens == 0 || workload.output_tokens == 0 || workload.concurrency == 0) {
      root->fail("", "prompt_tokens, output_tokens and concurrency must be at least 1");
    }
    if (workload.context != 0 && workload.context < workload.prompt_tokens + workload.output_tokens) {
      root->fail("context", fmt::format("{} tokens cannot hold the prompt and output ({} + {} tokens)",
                                        workload.context, workload.prompt_tokens, workload.output_tokens));
    }
    return workload;
  } catch (const InputError& error) {
    return error.error;
  }
}

Result<Workload> base_workload(const Overrides& overrides, const catalog::Catalog& catalog)
{
  const std::string name = overrides.workload.value_or("chat");
  if (const catalog::WorkloadPreset* preset = catalog.find_workload(name)) {
    return from_preset(*preset);
  }
  if (util::path_present(name)) {
    return from_file(name, catalog);
  }
  std::vector<std::string> ids;
  for (const catalog::WorkloadPreset& preset : catalog.workloads) {
    ids.push_back(preset.id);
  }
  std::string problem = fmt::format("unknown workload (presets: {}; or a JSON file)", util::join(ids, ", "));
  if (auto match = util::closest_match(name, ids)) {
    problem = fmt::format("unknown workload; did you mean '{}'?", *match);
  }
  return Error{fmt::format("--workload {}", name), problem};
}

} // namespace

Result<Workload> resolve(const Overrides& overrides, const catalog::Catalog& catalog)
{
  auto base = base_workload(overrides, catalog);
  if (!base) {
    return base;
  }
  Workload workload = std::move(base.value());
  if (overrides.prompt_tokens) {
    workload.prompt_tokens = *overrides.prompt_tokens;
  }
  if (overrides.output_tokens) {
    workload.output_tokens = *overrides.output_tokens;
  }
  if (overrides.concurrency) {
    workload.concurrency = *overrides.concurrency;
    workload.max_concurrency = false;
  }
  if (overrides.max_concurrency) {
    workload.max_concurrency = true;
  }
  if (overrides.context) {
    workload.context = *overrides.context;
  }
  if (overrides.request_rate) {
    workload.request_rate = overrides.request_rate;
  }
  if (overrides.slo.percentile) {
    workload.slo.percentile = overrides.slo.percentile;
  }
  for (auto [flag, target] : {std::pair{&overrides.slo.max_ttft_ms, &workload.slo.max_ttft_ms},
                              std::pair{&overrides.slo.max_tpot_ms, &workload.slo.max_tpot_ms},
                              std::pair{&overrides.slo.min_tok_s, &workload.slo.min_tok_s},
                              std::pair{&overrides.slo.min_throughput_tok_s, &workload.slo.min_throughput_tok_s}}) {
    if (*flag) {
      *target = *flag;
    }
  }

  const std::uint64_t needed = workload.prompt_tokens + workload.output_tokens;
  if (workload.context == 0) {
    workload.context = needed;
  } else if (workload.context < needed) {
    return Error{"--context", fmt::format("{} tokens cannot hold the prompt and output ({} + {} = {} tokens)",
                                          workload.context, workload.prompt_tokens, workload.output_tokens, needed)};
  }
  if (workload.max_concurrency) {
    workload.concurrency = 1; // the estimator raises it to what fits
  }
  return workload;
}

} // namespace llmhw::workload
