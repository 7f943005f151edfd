// Cloud prices in the built-in catalog: each is an on-demand list price with
// the day, region and page it was read from, and every cloud system without
// one says why. The figures below are the ones the cited pages print.

#include "llmhw/catalog/catalog.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

using llmhw::catalog::Catalog;
using llmhw::catalog::SystemSpec;

using llmhw::test::builtin_catalog;

namespace {

const SystemSpec& find(const std::string& id)
{
  const SystemSpec* found = builtin_catalog().find_system(id);
  INFO(id);
  REQUIRE(found != nullptr);
  return *found;
}

/// data/hardware.json as written, for the "notes" a parsed SystemSpec does not keep.
const nlohmann::json& raw_catalog()
{
  static const nlohmann::json parsed = [] {
    std::ifstream file(std::string(LLM_HW_SOURCE_DIR) + "/data/hardware.json");
    REQUIRE(file.good());
    return nlohmann::json::parse(std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>()));
  }();
  return parsed;
}

std::string system_error(const nlohmann::json& extra)
{
  nlohmann::json gpu = {{"id", "test-gpu"}, {"name", "Test GPU"},         {"vendor", "Test"},
                        {"kind", "gpu"},    {"memory_bytes", 1ULL << 34}, {"memory_bandwidth_bytes_s", 1e12},
                        {"source", "test"}};
  nlohmann::json box = {{"id", "box"},          {"name", "Box"}, {"kind", "instance"},
                        {"device", "test-gpu"}, {"count", 8},    {"source", "test"}};
  box.update(extra);
  Catalog empty;
  const nlohmann::json document = {{"hardware", {gpu}}, {"systems", {box}}};
  const auto status = llmhw::catalog::merge(empty, nlohmann::json::parse(document.dump()), "mine.json");
  return status ? std::string() : status.error().message();
}

} // namespace

TEST_CASE("catalogued prices are the figures their sources print", "[catalog][prices]")
{
  // GCP Cloud Billing Catalog export, compute.instance.<type>.cost.us-central1.hour, "generated: Thu Aug 20
  // 04:22:20 2026":
  // https://github.com/Cyclenerd/google-cloud-pricing-cost-calculator/blob/dac31281f2a4575f0a8bff20ac04fc71a5ff2190/pricing.yml
  const SystemSpec& a3 = find("gcp-a3-highgpu-8g");
  CHECK(a3.price_usd_per_hour == 88.4899999025753);
  CHECK(a3.price_date == "2026-08-20");
  CHECK(a3.price_region == "us-central1");
  CHECK(find("gcp-g2-standard-4").price_usd_per_hour == 0.706832255);
  CHECK(find("gcp-a2-highgpu-1g").price_usd_per_hour == 3.673385);

  // `dstack offer -b aws --instance-type p5en.48xlarge`, on-demand row "aws (us-east-1) … $63.296", 2026-08-06:
  // https://github.com/dstackai/dstack/pull/4110
  const SystemSpec& p5en = find("aws-p5en.48xlarge");
  CHECK(p5en.price_usd_per_hour == 63.296);
  CHECK(p5en.price_date == "2026-08-06");
  CHECK(p5en.price_region == "us-east-1");
  CHECK(p5en.device == "h200-sxm");
  CHECK(p5en.count == 8);

  // `sky show-gpus H100 --infra aws`, "p5.48xlarge … $ 55.040 … us-east-2", 2025-08-18 (after AWS's June 2025 cut):
  // https://github.com/skypilot-org/skypilot/pull/6722
  const SystemSpec& p5 = find("aws-p5.48xlarge");
  CHECK(p5.price_usd_per_hour == 55.04);
  CHECK(p5.price_region == "us-east-2");
  CHECK(p5.price_date == "2025-08-18");

  // Cloud TPU: on-demand USD per chip-hour from cloud.google.com/tpu/pricing as transcribed (last revised
  // 2024-12-23) in
  // https://github.com/dstackai/gpuhunt/blob/b707e743b2c27d7ec9be17e87e689997cbcbbeaf/src/gpuhunt/resources/tpu_pricing.json
  // — v5e 1.20 in us-central1, v6e 2.70 in us-east1, v5p 4.20 in us-east5. A slice costs chips × that, and
  // v5p-8 is 4 chips (Google counts TensorCores in v5p names).
  CHECK(find("tpu-v5e-1").price_usd_per_hour == 1.2);
  CHECK(find("tpu-v5e-8").price_usd_per_hour == Approx(8 * 1.2));
  CHECK(find("tpu-v5e-8").price_region == "us-central1");
  CHECK(find("tpu-v6e-8").price_usd_per_hour == Approx(8 * 2.7));
  CHECK(find("tpu-v6e-8").price_region == "us-east1");
  CHECK(find("tpu-v5p-8").price_usd_per_hour == Approx(4 * 4.2));
  CHECK(find("tpu-v5e-8").price_date == "2024-12-23");

  // factualminds.com "Amazon EC2 On-Demand Pricing (2026)", g5.xlarge us-east-1 Linux, dated 2026-06-17.
  CHECK(find("aws-g5.xlarge").price_usd_per_hour == 1.006);
  CHECK(find("aws-g5.xlarge").price_region == "us-east-1");
}

TEST_CASE("every cloud system has a dated, sourced price or says why not", "[catalog][prices]")
{
  for (const SystemSpec& spec : builtin_catalog().systems) {
    INFO(spec.id);
    if (!spec.provider) {
      CHECK_FALSE(spec.price_usd_per_hour.has_value()); // bought, not rented: no hourly list price
      continue;
    }
    if (spec.price_usd_per_hour) {
      CHECK(spec.price_date.has_value());
      CHECK(spec.price_region.has_value());
      REQUIRE(spec.price_source.has_value());
      CHECK_FALSE(spec.price_source->empty());
      continue;
    }
    const auto& entries = raw_catalog().at("systems");
    const auto entry = std::find_if(entries.begin(), entries.end(),
                                    [&](const nlohmann::json& each) { return each.at("id") == spec.id; });
    REQUIRE(entry != entries.end());
    REQUIRE(entry->contains("notes"));
    CHECK_THAT(entry->at("notes").get<std::string>(), Catch::Contains("price"));
  }
}

TEST_CASE("TPU slices of one generation and region cost the same per chip", "[catalog][prices]")
{
  // Google prices TPUs per chip-hour, so a slice's price divided by its chips must not depend on its size; a
  // slice whose count or price disagrees with its siblings fails here.
  std::map<std::string, double> per_chip; // device + region -> USD per chip-hour
  for (const SystemSpec& spec : builtin_catalog().systems) {
    if (spec.kind != "slice" || !spec.price_usd_per_hour) {
      continue;
    }
    INFO(spec.id);
    const double price = *spec.price_usd_per_hour / spec.count;
    const auto it = per_chip.emplace(spec.device + " " + spec.price_region.value_or(""), price).first;
    CHECK(price == Approx(it->second));
  }
  CHECK(per_chip.size() >= 3);
}

TEST_CASE("price region and source belong to a price", "[catalog][prices]")
{
  CHECK(system_error({{"price_usd_per_hour", 12.5},
                      {"price_date", "2026-06-17"},
                      {"price_region", "us-east-1"},
                      {"price_source", "our contract"}}) == "");
  CHECK_THAT(system_error({{"price_region", "us-east-1"}}),
             Catch::Contains("mine.json: systems[0].price_region: given without price_usd_per_hour"));
  CHECK_THAT(system_error({{"price_source", "a page"}}),
             Catch::Contains("systems[0].price_source: given without price_usd_per_hour"));
  CHECK_THAT(system_error({{"price_usd_per_hour", 12.5}, {"price_date", "2026-06-17"}, {"price_region", 1}}),
             Catch::Contains("price_region"));
}

TEST_CASE("a price beyond $1,000 an hour per device is refused, naming the field", "[catalog][prices]")
{
  CHECK_THAT(system_error({{"price_usd_per_hour", 1e308}, {"price_date", "2026-06-17"}}),
             Catch::Contains("mine.json: systems[0].price_usd_per_hour: ") &&
                 Catch::Contains("more than $1000 per device"));
  CHECK_THAT(system_error({{"price_usd_per_hour", 8001}, {"price_date", "2026-06-17"}}),
             Catch::Contains("price_usd_per_hour"));
  CHECK(system_error({{"price_usd_per_hour", 8000}, {"price_date", "2026-06-17"}}).empty()); // 8 devices × $1,000
}
