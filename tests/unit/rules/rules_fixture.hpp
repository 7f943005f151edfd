#pragma once
// Crafted estimates for the rules: a catalog device, an engine, precisions and
// the memory and speed figures a test chooses. The rules are the code under
// test; the estimate is their input, so tests set it directly.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/catalog/targets.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/rules/rules.hpp"
#include "llmhw/util/units.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

namespace rules_test {

inline const llmhw::catalog::Catalog& catalog()
{
  static const llmhw::catalog::Catalog loaded = llmhw::catalog::load({}).value();
  return loaded;
}

inline llmhw::model::ModelSpec model(const std::string& name)
{
  auto loaded = llmhw::model::load(name, catalog());
  REQUIRE(loaded.ok());
  return loaded.value();
}

/// The chat preset's shape: 1000 + 300 tokens, 8 users, TTFT <= 1000 ms, TPOT <= 100 ms.
inline llmhw::workload::Workload chat()
{
  llmhw::workload::Workload workload;
  workload.name = "chat";
  workload.prompt_tokens = 1000;
  workload.output_tokens = 300;
  workload.context = 1300;
  workload.concurrency = 8;
  workload.slo.max_ttft_ms = 1000;
  workload.slo.max_tpot_ms = 100;
  return workload;
}

/// `target` ("h100-sxm", "2xl40s") served by `engine`, with 10 GiB of headroom and speeds inside chat's limits.
inline llmhw::estimate::Estimate estimate(const std::string& target, const std::string& engine,
                                          const std::string& quant = "bf16", const std::string& kv_quant = "bf16")
{
  using llmhw::units::GiB;
  auto resolved = llmhw::catalog::resolve_target(catalog(), target);
  REQUIRE(resolved.ok());
  llmhw::estimate::Estimate out;
  auto& candidate = out.candidate;
  candidate.device = resolved->id;
  candidate.name = resolved->device.name;
  candidate.hardware = resolved->device;
  candidate.count = resolved->device_count;
  candidate.system = resolved->system;
  candidate.engine = engine;
  candidate.quant = quant;
  candidate.kv_quant = kv_quant;
  out.concurrency = 8;
  auto& memory = out.memory;
  memory.usable_bytes = 100 * GiB;
  memory.weights_bytes = 60 * GiB;
  memory.kv_cache_bytes = 20 * GiB;
  memory.activation_bytes = 5 * GiB;
  memory.overhead_bytes = 5 * GiB;
  memory.headroom_bytes = static_cast<std::int64_t>(10 * GiB);
  memory.max_concurrency = 64;
  memory.max_context = 131072;
  memory.fits = true;
  memory.total_layers = 32;
  auto& speed = out.performance;
  speed.prefill_tok_s = 10000;
  speed.ttft_ms = 200;
  speed.tpot_ms = 25;
  speed.decode_tok_s_per_user = 40;
  speed.decode_tok_s_aggregate = 320;
  speed.bound = "memory-bandwidth";
  return out;
}

inline const llmhw::rules::Finding* find(const llmhw::rules::Assessment& assessment, const std::string& code)
{
  const auto it = std::find_if(assessment.findings.begin(), assessment.findings.end(),
                               [&](const llmhw::rules::Finding& finding) { return finding.code == code; });
  return it == assessment.findings.end() ? nullptr : &*it;
}

inline const llmhw::rules::Requirement* requirement(const llmhw::rules::Assessment& assessment, const std::string& name)
{
  const auto it = std::find_if(assessment.requirements.begin(), assessment.requirements.end(),
                               [&](const llmhw::rules::Requirement& r) { return r.name == name; });
  return it == assessment.requirements.end() ? nullptr : &*it;
}

} // namespace rules_test
