#include "options.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace llmhw::cli {
namespace {

Result<std::uint64_t> parse_count(const std::string& option, const std::string& text, std::uint64_t max)
{
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc{} || stop != end || value == 0) {
    return Error{fmt::format("{} {}", option, text), "expected a positive integer"};
  }
  if (value > max) {
    return Error{fmt::format("{} {}", option, text), fmt::format("larger than the limit {}", max)};
  }
  return value;
}

Result<double> parse_positive(const std::string& option, const std::string& text)
{
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc{} || stop != end || !std::isfinite(value) || value <= 0) {
    return Error{fmt::format("{} {}", option, text), "expected a positive, finite number"};
  }
  return value;
}

/// Applies `parse` to an optional option, storing the value or returning the error.
template <typename T, typename Parse>
Status read_into(std::optional<T>& target, const std::optional<std::string>& text, Parse parse)
{
  if (!text) {
    return Ok{};
  }
  auto parsed = parse(*text);
  if (!parsed) {
    return parsed.error();
  }
  target = *parsed;
  return Ok{};
}

Error unknown_name(const std::string& option, const std::string& value, const std::vector<std::string>& ids)
{
  if (auto match = util::closest_match(value, ids)) {
    return Error{fmt::format("{} {}", option, value), fmt::format("unknown; did you mean '{}'?", *match)};
  }
  return Error{fmt::format("{} {}", option, value), fmt::format("unknown; one of: {}", util::join(ids, ", "))};
}

} // namespace

Result<workload::Overrides> workload_overrides(const Options& options)
{
  workload::Overrides overrides;
  overrides.workload = options.workload;
  const auto tokens = [](const char* option) {
    return [option](const std::string& text) { return parse_count(option, text, workload::k_max_tokens); };
  };
  const auto positive = [](const char* option) {
    return [option](const std::string& text) { return parse_positive(option, text); };
  };
  for (Status status : {read_into(overrides.prompt_tokens, options.prompt_tokens, tokens("--prompt-tokens")),
                        read_into(overrides.output_tokens, options.output_tokens, tokens("--output-tokens")),
                        read_into(overrides.context, options.context, tokens("--context")),
                        read_into(overrides.slo.max_ttft_ms, options.max_ttft_ms, positive("--max-ttft-ms")),
                        read_into(overrides.slo.max_tpot_ms, options.max_tpot_ms, positive("--max-tpot-ms")),
                        read_into(overrides.slo.min_tok_s, options.min_tok_s, positive("--min-tok-s")),
                        read_into(overrides.slo.min_throughput_tok_s, options.min_throughput,
                                  positive("--min-throughput"))}) {
    if (!status) {
      return status.error();
    }
  }
  if (options.concurrency) {
    if (util::to_lower(*options.concurrency) == "max") {
      overrides.max_concurrency = true;
    } else {
      auto concurrency = parse_count("--concurrency", *options.concurrency, workload::k_max_concurrency);
      if (!concurrency) {
        return Error{concurrency.error().input, "expected a positive integer or 'max'"};
      }
      overrides.concurrency = *concurrency;
    }
  }
  return overrides;
}

Status check_catalog_names(const Options& options, const catalog::Catalog& catalog)
{
  if (options.quant && catalog.find_quant(*options.quant) == nullptr) {
    return unknown_name("--quant", *options.quant, catalog::ids_of(catalog.quants));
  }
  if (options.kv_quant && catalog.find_quant(*options.kv_quant) == nullptr) {
    return unknown_name("--kv-quant", *options.kv_quant, catalog::ids_of(catalog.quants));
  }
  if (options.framework && catalog.find_engine(*options.framework) == nullptr) {
    return unknown_name("--framework", *options.framework, catalog::ids_of(catalog.engines));
  }
  return Ok{};
}

report::Format output_format(const Options& options)
{
  if (options.json || options.format == "json") {
    return report::Format::json;
  }
  return options.format == "markdown" ? report::Format::markdown : report::Format::text;
}

} // namespace llmhw::cli
