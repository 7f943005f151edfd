// --target values: ids, aliases and vendor names, with counts, slices, cloud
// instances and whole systems; `all`; and the errors for what cannot be meant.

#include "llmhw/catalog/targets.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using llmhw::catalog::Catalog;
using llmhw::catalog::DeviceKind;
using llmhw::catalog::resolve_target;
using llmhw::catalog::resolve_targets;
using llmhw::catalog::TargetRef;

using llmhw::test::builtin_catalog;

namespace {

TargetRef resolved(const std::string& text)
{
  auto target = resolve_target(builtin_catalog(), text);
  INFO(text);
  REQUIRE(target.ok());
  return target.value();
}

std::string error_of(const std::string& text)
{
  auto target = resolve_target(builtin_catalog(), text);
  REQUIRE_FALSE(target.ok());
  return target.error().message();
}

} // namespace

TEST_CASE("a device id names one device", "[catalog][targets]")
{
  const TargetRef target = resolved("h100-sxm");
  CHECK(target.id == "h100-sxm");
  CHECK(target.device.id == "h100-sxm");
  CHECK(target.device_count == 1);
  CHECK(target.instances == 1);
  CHECK_FALSE(target.system.has_value());
  CHECK_FALSE(target.nodes.has_value());
  CHECK_FALSE(target.price_usd_per_hour.has_value());
}

TEST_CASE("a count multiplies a device, however the multiplication is written", "[catalog][targets]")
{
  for (const std::string text : {"8xh100-sxm", "8×h100-sxm", "8 x h100-sxm", "8X H100-SXM", "8*h100-sxm"}) {
    INFO(text);
    const TargetRef target = resolved(text);
    CHECK(target.id == "8xh100-sxm");
    CHECK(target.device.id == "h100-sxm");
    CHECK(target.device_count == 8);
  }
  CHECK(resolved("2xrtx-4090").device_count == 2);
  CHECK(resolved("2xrtx-4090").device.id == "rtx-4090");
}

TEST_CASE("names as vendors and tools write them resolve", "[catalog][targets]")
{
  // NVML and nvidia-smi names (shared/reference/hardware_facts.md §2.1), with and without the vendor word.
  CHECK(resolved("NVIDIA GeForce RTX 4090").id == "rtx-4090");
  CHECK(resolved("GeForce RTX 4090").id == "rtx-4090");
  CHECK(resolved("RTX 4090").id == "rtx-4090");
  CHECK(resolved("A100-SXM4-80GB").id == "a100-sxm4-80gb");
  CHECK(resolved("NVIDIA H100 80GB HBM3").id == "h100-sxm");
  CHECK(resolved("Tesla T4").id == "t4");
  CHECK(resolved("T4").id == "t4");
  CHECK(resolved("AMD Instinct MI300X OAM").id == "mi300x");
  CHECK(resolved("Instinct MI300X").id == "mi300x");
  CHECK(resolved("2x NVIDIA GeForce RTX 4090").id == "2xrtx-4090");
}

TEST_CASE("a TPU slice is a system of chips", "[catalog][targets]")
{
  const TargetRef slice = resolved("tpu-v5e-8");
  CHECK(slice.id == "tpu-v5e-8");
  REQUIRE(slice.system.has_value());
  CHECK(slice.system->kind == "slice");
  CHECK(slice.device.id == "tpu-v5e");
  CHECK(slice.device_count == 8);
  CHECK(slice.nodes == 1u);
  // Google's own names for the same slice (docs.cloud.google.com/tpu/docs/v5e).
  CHECK(resolved("v5litepod-8").id == "tpu-v5e-8");
  CHECK(resolved("ct5lp-hightpu-8t").id == "tpu-v5e-8");
  // v5p-8 counts TensorCores: four chips.
  CHECK(resolved("tpu-v5p-8").device_count == 4);
}

TEST_CASE("a cloud instance brings its devices, host and price", "[catalog][targets]")
{
  const TargetRef p5 = resolved("aws-p5.48xlarge");
  CHECK(p5.device.id == "h100-sxm");
  CHECK(p5.device_count == 8);
  REQUIRE(p5.system.has_value());
  CHECK(p5.system->host_cpu == std::optional<std::string>("epyc-7r13"));
  CHECK(resolved("p5.48xlarge").id == "aws-p5.48xlarge");

  const TargetRef g5 = resolved("aws-g5.xlarge");
  CHECK(g5.device.id == "a10g");
  REQUIRE(g5.price_usd_per_hour.has_value());
  CHECK(*g5.price_usd_per_hour == Approx(1.006));
  CHECK(*resolved("3xaws-g5.xlarge").price_usd_per_hour == Approx(3 * 1.006));
}

TEST_CASE("a count on a system means that many systems", "[catalog][targets]")
{
  // Two DGX H100 boxes: 16 GPUs on two hosts, so the estimator can plan pipeline parallel across them.
  const TargetRef two = resolved("2xdgx-h100");
  CHECK(two.id == "2xdgx-h100");
  CHECK(two.instances == 2);
  CHECK(two.device_count == 16);
  CHECK(two.nodes == 2u);
  CHECK(two.device.id == "h100-sxm");
  CHECK(resolved("4xtpu-v6e-8").device_count == 32);
}

TEST_CASE("every id, name and alias in the catalog resolves to its own entry", "[catalog][targets]")
{
  const auto check = [](const std::string& text, const std::string& id) {
    INFO(text);
    auto target = resolve_target(builtin_catalog(), text);
    REQUIRE(target.ok());
    CHECK(target->id == id);
  };
  for (const auto& spec : builtin_catalog().hardware) {
    check(spec.id, spec.id);
    check(spec.name, spec.id);
    for (const std::string& alias : spec.aliases) {
      check(alias, spec.id);
    }
  }
  for (const auto& system : builtin_catalog().systems) {
    check(system.id, system.id);
    check(system.name, system.id);
    for (const std::string& alias : system.aliases) {
      check(alias, system.id);
    }
  }
}

TEST_CASE("unknown targets suggest the nearest name", "[catalog][targets]")
{
  CHECK(error_of("h100-sx") == "--target h100-sx: unknown target; did you mean 'h100-sxm'? (see llm-hw targets)");
  CHECK_THAT(error_of("8xh100-sx"), Catch::Contains("did you mean '8xh100-sxm'?"));
  CHECK(error_of("quantum-annealer-9000") == "--target quantum-annealer-9000: unknown target (see llm-hw targets)");
}

TEST_CASE("names as people type them resolve", "[catalog][targets][names]")
{
  // Bare model numbers: the product-line word (RTX, RX) left out.
  CHECK(resolved("4090").id == "rtx-4090");
  CHECK(resolved("3090").id == "rtx-3090");
  CHECK(resolved("5090").id == "rtx-5090");
  CHECK(resolved("3090 ti").id == "rtx-3090-ti");
  // Spaces inside a name: "7900 xtx" is one card, not 7,900 of a "tx".
  const TargetRef xtx = resolved("7900 xtx");
  CHECK(xtx.id == "rx-7900-xtx");
  CHECK(xtx.device_count == 1);
  CHECK(resolved("7900 XTX").id == "rx-7900-xtx");
  CHECK(resolved("2x7900 xtx").id == "2xrx-7900-xtx");
  CHECK(resolved("2 x 7900 xtx").device_count == 2);
  CHECK(resolved("2x4090").device_count == 2);
}

TEST_CASE("a memory size picks the variant with that memory", "[catalog][targets][names]")
{
  CHECK(resolved("A100 80GB").id == "a100-sxm4-80gb");
  CHECK(resolved("a100-80gb").id == "a100-sxm4-80gb");
  CHECK(resolved("a100-40gb").id == "a100-sxm4-40gb");
  CHECK(resolved("a100 pcie 40gb").id == "a100-pcie-40gb");
  // The H100 with 80 GB, not a GH200 whose name merely ends in 80GB.
  const TargetRef h100 = resolved("H100-80GB");
  CHECK(h100.id == "h100-sxm");
  CHECK(h100.device.memory_bytes > 79ULL << 30); // 81559 MiB as nvidia-smi reports it
  CHECK(h100.device.memory_bytes < 81ULL << 30);
  // Apple chips come in several memory sizes; each size is its own entry.
  const TargetRef m3 = resolved("m3-max-64gb");
  CHECK(m3.id == "apple-m3-max-40c-64gb");
  CHECK(m3.device.memory_bytes == 64ULL << 30);
  CHECK(resolved("M3 Max 36GB").device.memory_bytes == 36ULL << 30);
  CHECK(resolved("M3 Max 128GB").id == "apple-m3-max-40c");
  CHECK(resolved("M4 Max 48GB").device.memory_bytes == 48ULL << 30);
}

TEST_CASE("an instance family names its instance", "[catalog][targets][names]")
{
  const TargetRef p5 = resolved("aws-p5");
  CHECK(p5.id == "aws-p5.48xlarge");
  CHECK(p5.device_count == 8);
  CHECK(resolved("p4d").id == "aws-p4d.24xlarge");
  CHECK(resolved("aws-p4d").id == "aws-p4d.24xlarge");
  CHECK(resolved("2xp4d").id == "2xaws-p4d.24xlarge");
  CHECK(resolved("p4de").id == "aws-p4de.24xlarge");
}

TEST_CASE("a name that fits several variants asks which", "[catalog][targets][names]")
{
  CHECK(error_of("a100") == "--target a100: matches several targets: a100-sxm4-80gb, a100-sxm4-40gb, "
                            "a100-pcie-80gb, a100-pcie-40gb; name one");
  CHECK(error_of("v100") == "--target v100: matches several targets: v100-sxm2-16gb, v100-sxm2-32gb, "
                            "v100-pcie-16gb, v100-pcie-32gb, v100-sxm3-32gb; name one");
  CHECK(error_of("M3 Max") == "--target M3 Max: matches several targets: apple-m3-max-30c, apple-m3-max-30c-36gb, "
                              "apple-m3-max-40c, apple-m3-max-40c-48gb, apple-m3-max-40c-64gb; name one");
  CHECK(error_of("M4 Max") == "--target M4 Max: matches several targets: apple-m4-max-32c, apple-m4-max-40c, "
                              "apple-m4-max-40c-48gb, apple-m4-max-40c-64gb; name one");
  CHECK(error_of("aws-g5") == "--target aws-g5: matches several targets: aws-g5.xlarge, aws-g5.12xlarge, "
                              "aws-g5.48xlarge; name one");
  CHECK(error_of("v100 32gb") == "--target v100 32gb: matches several targets: v100-sxm2-32gb, v100-pcie-32gb, "
                                 "v100-sxm3-32gb; name one");
  // With a count, the same question.
  CHECK_THAT(error_of("8xa100"), Catch::StartsWith("--target 8xa100: matches several targets: a100-sxm4-80gb"));
  // A long family lists a screenful and says how many more.
  CHECK_THAT(error_of("tpu"), Catch::EndsWith("and 6 more (see llm-hw targets); name one"));
}

TEST_CASE("suggestions stay in the family of the name", "[catalog][targets][names]")
{
  // One letter from MI25, but the MI250X is the part of the same generation.
  CHECK(error_of("mi250") == "--target mi250: unknown target; did you mean 'mi250x'? (see llm-hw targets)");
  CHECK(error_of("7900 xt") == "--target 7900 xt: unknown target; did you mean 'rx-7900-xtx'? (see llm-hw targets)");
  CHECK(error_of("a100-20gb") ==
        "--target a100-20gb: unknown target; did you mean 'a100-sxm4-80gb'? (see llm-hw targets)");
  CHECK(error_of("h100-sx") == "--target h100-sx: unknown target; did you mean 'h100-sxm'? (see llm-hw targets)");
}

TEST_CASE("impossible counts are errors", "[catalog][targets]")
{
  CHECK(error_of("0xh100-sxm") == "--target 0xh100-sxm: a count of 0 names no devices");
  CHECK_THAT(error_of("100001xh100-sxm"), Catch::Contains("more than 100000 devices"));
  CHECK_THAT(error_of("99999999999999999999999xh100-sxm"), Catch::Contains("more than 100000 devices"));
  // 20000 DGX boxes of 8 GPUs: the product is what counts.
  CHECK_THAT(error_of("20000xdgx-h100"), Catch::Contains("more than 100000 devices"));
  CHECK(resolved("100000xh100-sxm").device_count == 100000);
  CHECK(error_of("8x") == "--target 8x: a count needs a target after it, as in 8xh100-sxm");
  CHECK(error_of("  ") == "--target: empty target; name a catalog id such as h100-sxm, or all");
}

TEST_CASE("'all' stands alone", "[catalog][targets]")
{
  CHECK_THAT(error_of("all"), Catch::Contains("'all' stands alone"));
  CHECK_THAT(error_of("2xall"), Catch::Contains("'all' stands alone"));
}

TEST_CASE("a name two entries answer to is an error naming both", "[catalog][targets]")
{
  Catalog mine = builtin_catalog();
  const nlohmann::json document = {{"hardware",
                                    {{{"id", "my-h100"},
                                      {"name", "My H100"},
                                      {"vendor", "Me"},
                                      {"kind", "gpu"},
                                      {"aliases", {"H100 SXM"}},
                                      {"memory_bytes", 1ULL << 36},
                                      {"memory_bandwidth_bytes_s", 3e12},
                                      {"source", "test"}}}}};
  REQUIRE(llmhw::catalog::merge(mine, nlohmann::json::parse(document.dump()), "mine.json").ok());
  auto target = resolve_target(mine, "H100 SXM");
  REQUIRE_FALSE(target.ok());
  CHECK(target.error().message() == "--target H100 SXM: matches several targets: h100-sxm, my-h100; name one");
  // The id still picks one.
  CHECK(resolve_target(mine, "my-h100").ok());
}

TEST_CASE("all ranks every catalog target once, accelerators first", "[catalog][targets]")
{
  const std::vector<std::string> texts = {"all"};
  auto all = resolve_targets(builtin_catalog(), texts);
  REQUIRE(all.ok());
  CHECK(all->size() == builtin_catalog().hardware.size() + builtin_catalog().systems.size());
  std::set<std::string> ids;
  for (const TargetRef& target : *all) {
    CHECK(ids.insert(target.id).second);
    CHECK(target.device_count >= 1);
  }
  // Accelerators, then CPUs, then systems.
  const auto first_cpu = std::find_if(all->begin(), all->end(),
                                      [](const TargetRef& t) { return !t.system && t.device.kind == DeviceKind::cpu; });
  const auto first_system =
      std::find_if(all->begin(), all->end(), [](const TargetRef& t) { return t.system.has_value(); });
  REQUIRE(first_cpu != all->end());
  REQUIRE(first_system != all->end());
  CHECK(all->front().device.kind != DeviceKind::cpu);
  CHECK(std::all_of(all->begin(), first_cpu, [](const TargetRef& t) { return t.device.kind != DeviceKind::cpu; }));
  CHECK(first_cpu < first_system);
  CHECK(std::all_of(first_system, all->end(), [](const TargetRef& t) { return t.system.has_value(); }));
}

TEST_CASE("resolve_targets keeps order and drops repeats", "[catalog][targets]")
{
  const std::vector<std::string> texts = {"8xh100-sxm", "h100-sxm", "H100 SXM", "8×h100-sxm", "tpu-v5e-8"};
  auto targets = resolve_targets(builtin_catalog(), texts);
  REQUIRE(targets.ok());
  REQUIRE(targets->size() == 3);
  CHECK((*targets)[0].id == "8xh100-sxm");
  CHECK((*targets)[1].id == "h100-sxm");
  CHECK((*targets)[2].id == "tpu-v5e-8");

  const std::vector<std::string> bad = {"h100-sxm", "nope"};
  auto failed = resolve_targets(builtin_catalog(), bad);
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.error().message(), Catch::StartsWith("--target nope:"));
}
