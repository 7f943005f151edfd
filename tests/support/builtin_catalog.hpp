#pragma once
// The built-in catalog, its models, and candidates and workloads built from them, for tests.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/estimate/estimate.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/workload/workload.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace llmhw::test {

/// Bytes as a double, for arithmetic on figures of the plan.
inline double d(std::uint64_t bytes)
{
  return static_cast<double>(bytes);
}

inline const catalog::Catalog& builtin_catalog()
{
  static const catalog::Catalog loaded = catalog::load({}).value();
  return loaded;
}

inline model::ModelSpec catalog_model(const std::string& name)
{
  auto loaded = model::load(name, builtin_catalog());
  REQUIRE(loaded.ok());
  return loaded.value();
}

/// A workload preset of data/workloads.json ("chat", "rag", …) as `--workload` resolves it.
inline workload::Workload preset_workload(const std::string& preset = "chat")
{
  workload::Overrides overrides;
  overrides.workload = preset;
  auto resolved = workload::resolve(overrides, builtin_catalog());
  REQUIRE(resolved.ok());
  return resolved.value();
}

inline estimate::Candidate candidate(const std::string& device, const std::string& engine, const std::string& quant,
                                     std::uint32_t count = 1, const std::string& kv_quant = "bf16")
{
  const catalog::HardwareSpec* hardware = builtin_catalog().find_hardware(device);
  REQUIRE(hardware != nullptr);
  estimate::Candidate result;
  result.device = hardware->id;
  result.name = hardware->name;
  result.hardware = *hardware;
  result.count = count;
  result.engine = engine;
  result.quant = quant;
  result.kv_quant = kv_quant;
  return result;
}

inline workload::Workload workload_of(std::uint64_t prompt, std::uint64_t output, std::uint64_t concurrency)
{
  workload::Workload result;
  result.name = "test";
  result.prompt_tokens = prompt;
  result.output_tokens = output;
  result.context = prompt + output;
  result.concurrency = concurrency;
  return result;
}

} // namespace llmhw::test
