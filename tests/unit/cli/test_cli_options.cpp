#include "cli/options.hpp"

#include <catch2/catch.hpp>

using llmhw::cli::Options;
using llmhw::cli::workload_overrides;

TEST_CASE("workload options become typed overrides", "[cli][options]")
{
  Options options;
  options.prompt_tokens = "2048";
  options.concurrency = "MAX";
  options.max_tpot_ms = "12.5";
  auto overrides = workload_overrides(options);
  REQUIRE(overrides.ok());
  CHECK(overrides->prompt_tokens == 2048u);
  CHECK(overrides->max_concurrency);
  CHECK(overrides->slo.max_tpot_ms == 12.5);
  CHECK_FALSE(overrides->output_tokens.has_value());
}

TEST_CASE("each bad workload option names itself and its value", "[cli][options]")
{
  const auto error_for = [](auto set) {
    Options options;
    set(options);
    auto overrides = workload_overrides(options);
    REQUIRE_FALSE(overrides.ok());
    return overrides.error().message();
  };
  CHECK(error_for([](Options& o) { o.prompt_tokens = "-1"; }) == "--prompt-tokens -1: expected a positive integer");
  CHECK(error_for([](Options& o) { o.output_tokens = " 5"; }) == "--output-tokens  5: expected a positive integer");
  CHECK(error_for([](Options& o) { o.context = "10000001"; }) ==
        "--context 10000001: larger than the limit 10000000");
  CHECK(error_for([](Options& o) { o.min_tok_s = "1e999"; }) == "--min-tok-s 1e999: expected a positive, finite number");
  CHECK(error_for([](Options& o) { o.concurrency = "many"; }) ==
        "--concurrency many: expected a positive integer or 'max'");
}
