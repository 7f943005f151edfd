// Suggestions when nothing meets the requirements: the smallest catalog device
// stays in the user's segment (datacenter, workstation, desktop, Mac) where one
// would do, and laptops are not ganged up. Estimator and rules are real.

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/catalog/targets.hpp"
#include "llmhw/workload/workload.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <string>

using llmhw::advice::Advice;
using llmhw::advice::Inputs;

using llmhw::test::builtin_catalog;
namespace {

Advice advise(const std::string& model, const std::string& target, std::optional<double> max_tpot_ms = {})
{
  llmhw::workload::Overrides overrides;
  overrides.workload = "chat";
  overrides.slo.max_tpot_ms = max_tpot_ms;
  auto load = llmhw::workload::resolve(overrides, builtin_catalog());
  REQUIRE(load.ok());
  auto spec = llmhw::model::load(model, builtin_catalog());
  REQUIRE(spec.ok());
  Inputs inputs;
  inputs.targets = {target};
  auto advice = llmhw::advice::recommend(spec.value(), load.value(), inputs, builtin_catalog());
  if (!advice.ok()) {
    FAIL(advice.error().message());
  }
  return advice.value();
}

/// The device named by the "smallest catalog device" suggestion.
llmhw::catalog::HardwareSpec suggested_device(const Advice& advice)
{
  static const std::regex target(R"(smallest catalog device.*--target ([^)\s]+)\))");
  for (const std::string& suggestion : advice.suggestions) {
    std::smatch match;
    if (std::regex_search(suggestion, match, target)) {
      auto resolved = llmhw::catalog::resolve_target(builtin_catalog(), match[1].str());
      REQUIRE(resolved.ok());
      return resolved->device;
    }
  }
  FAIL("no catalog device suggested among " << advice.suggestions.size() << " suggestions");
  return {};
}

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a datacenter user is pointed at a datacenter part, not a GeForce card", "[advice][suggestions]")
{
  // A T4 reads 320 GB/s (NVIDIA T4 datasheet): Llama 3.1 8B even in int4 (~4.5 GB) cannot reach 10 ms per token.
  // Consumer cards with more bandwidth would, but GeForce's licence excludes datacenter deployment.
  const Advice advice = advise("llama-3.1-8b", "t4", 10);
  REQUIRE_FALSE(advice.candidates.front().assessment.verdict == llmhw::rules::Verdict::recommended);
  const auto device = suggested_device(advice);
  INFO(device.name);
  CHECK_FALSE(contains(device.name, "GeForce"));
  CHECK_FALSE(contains(device.name, "RTX"));
  CHECK_FALSE(contains(device.name, "Laptop"));
  CHECK(device.vendor != "Apple");
}

TEST_CASE("a desktop user with a model too large for any desktop card is pointed at a workstation card",
          "[advice][suggestions]")
{
  // Llama 3.1 70B in 4 bits is about 40 GB; the largest desktop card, the RTX 5090, has 32 GB. A 48 GB
  // workstation card (RTX 6000 Ada, RTX A6000, Radeon PRO W7900) is the desktop user's next step, not an A100.
  const Advice advice = advise("llama-3.1-70b", "rtx-4090");
  const auto device = suggested_device(advice);
  INFO(device.name);
  CHECK((contains(device.name, "RTX") || contains(device.name, "Radeon PRO")));
  CHECK_FALSE(contains(device.name, "GeForce"));
}

TEST_CASE("laptop GPUs are not ganged up for tensor parallelism", "[advice][suggestions]")
{
  const Advice advice = advise("llama-3.1-70b", "rtx-4090-laptop");
  for (const std::string& suggestion : advice.suggestions) {
    INFO(suggestion);
    CHECK_FALSE(contains(suggestion, "xrtx-4090-laptop"));
  }
  const auto device = suggested_device(advice);
  CHECK_FALSE(contains(device.name, "Laptop")); // no laptop in the catalog holds 70B
}

TEST_CASE("more devices for speed say what they buy: the requirement met, not memory to spare", "[advice][suggestions]")
{
  const Advice advice = advise("llama-3.1-8b", "t4", 10);
  const auto more = std::find_if(advice.suggestions.begin(), advice.suggestions.end(),
                                 [](const std::string& s) { return contains(s, "instead of 1"); });
  REQUIRE(more != advice.suggestions.end());
  CHECK(contains(*more, "meets every requirement"));
  CHECK_FALSE(contains(*more, "to spare"));
}

TEST_CASE("an fp8 checkpoint on TPUs is served converted, and the slice that would hold it is named",
          "[advice][suggestions]")
{
  // DeepSeek-V3 ships in fp8 (671 B parameters, about 671 GB); JetStream and vLLM TPU run no fp8 weights, so the
  // candidates are its int8 (same size, the TPU engines' own quantization) or bf16 conversions. A v6e-8 slice has
  // 8 x 32 GB (Google Cloud TPU v6e documentation): neither fits, and the suggestion names a larger slice.
  const Advice advice = advise("deepseek-v3", "tpu-v6e-8");
  CHECK_FALSE(advice.recommendation);
  const auto jetstream_int8 = std::find_if(advice.candidates.begin(), advice.candidates.end(), [](const auto& c) {
    const auto& candidate = c.assessment.estimate.candidate;
    return candidate.engine == "jetstream" && candidate.quant == "int8";
  });
  REQUIRE(jetstream_int8 != advice.candidates.end());
  for (const auto& finding : jetstream_int8->assessment.findings) {
    INFO(finding.code << ": " << finding.message);
    // Besides the size, only the MaxText checkpoint nobody publishes (JetStream converts one first) blocks it.
    CHECK((finding.severity != llmhw::rules::Severity::blocker || finding.code == "DOES_NOT_FIT" ||
           finding.code == "ARTIFACT_MISSING"));
  }
  // No MaxText checkpoint of DeepSeek-V3 is published, so no larger slice would run it either: no suggestion of one.
  const bool missing = std::any_of(jetstream_int8->assessment.findings.begin(), jetstream_int8->assessment.findings.end(),
                                   [](const auto& finding) { return finding.code == "ARTIFACT_MISSING"; });
  CHECK(missing);
}

TEST_CASE("an fp8 checkpoint on GPUs without fp8 units runs in int8 only from a published INT8 checkpoint",
          "[advice][suggestions]")
{
  // A100s have int8 tensor cores but no fp8 (NVIDIA A100 datasheet). A channel-wise INT8 checkpoint exists for
  // DeepSeek-R1 (meituan/DeepSeek-R1-Channel-INT8), none for DeepSeek-V3: its int8 rows are blocked and print nothing.
  const Advice advice = advise("deepseek-v3", "8xa100-sxm4-80gb");
  for (const auto& ranked : advice.candidates) {
    if (ranked.assessment.estimate.candidate.quant == "int8") {
      CHECK(ranked.command.empty());
    }
  }
  const Advice r1 = advise("deepseek-r1", "8xa100-sxm4-80gb");
  for (const auto& ranked : r1.candidates) {
    if (ranked.assessment.estimate.candidate.quant == "int8" && !ranked.command.empty()) {
      CHECK(contains(ranked.command, "meituan/DeepSeek-R1-Channel-INT8"));
    }
  }
}

TEST_CASE("a slice paid for whole names the smaller slice that would do the same job", "[advice][suggestions]")
{
  // Llama 3.1 8B in bf16 is 16 GB; one TPU v6e chip has 32 GB of HBM (Google Cloud TPU v6e documentation), so
  // the eight chips of a v6e-8 serve chat no better for the money than a v6e-1 at an eighth of the price.
  const Advice advice = advise("llama-3.1-8b", "tpu-v6e-8");
  REQUIRE(advice.recommendation);
  const bool smaller = std::any_of(advice.suggestions.begin(), advice.suggestions.end(),
                                   [](const std::string& s) { return contains(s, "(--target tpu-v6e-1)"); });
  CHECK(smaller);
  // A bare device is not paid for whole: nothing to shrink.
  CHECK(advise("llama-3.1-8b", "h100-sxm").suggestions.empty());
}
