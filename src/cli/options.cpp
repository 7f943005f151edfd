#include "options.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <utility>

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

/// The start of an over-long value, to name it in one short line.
std::string shortened(const std::string& text)
{
  constexpr std::size_t k_shown = 40;
  if (text.size() <= k_shown) {
    return text;
  }
  std::size_t end = k_shown;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
    --end; // not inside a UTF-8 character
  }
  return text.substr(0, end) + "…";
}

Status check_length(const char* option, const std::string& value, std::size_t max)
{
  if (value.size() > max) {
    return Error{fmt::format("{} {}", option, shortened(value)),
                 fmt::format("{} characters long; at most {} are accepted", value.size(), max)};
  }
  return Ok{};
}

Status check_list(const char* option, const std::vector<std::string>& values, std::size_t max_chars)
{
  if (values.size() > k_max_list_values) {
    return Error{option,
                 fmt::format("given {} times; at most {} values are accepted", values.size(), k_max_list_values)};
  }
  for (const std::string& value : values) {
    if (auto checked = check_length(option, value, max_chars); !checked) {
      return checked;
    }
  }
  return Ok{};
}

} // namespace

Status check_option_sizes(const Options& options)
{
  struct Single {
    const char* option;
    const std::optional<std::string>* value;
    std::size_t max_chars;
  };
  // A model or workload is a name or a path; paths may be long.
  const Single singles[] = {{"--quant", &options.quant, k_max_name_chars},
                            {"--kv-quant", &options.kv_quant, k_max_name_chars},
                            {"--framework", &options.framework, k_max_name_chars},
                            {"--prompt-tokens", &options.prompt_tokens, k_max_name_chars},
                            {"--output-tokens", &options.output_tokens, k_max_name_chars},
                            {"--concurrency", &options.concurrency, k_max_name_chars},
                            {"--context", &options.context, k_max_name_chars},
                            {"--max-ttft-ms", &options.max_ttft_ms, k_max_name_chars},
                            {"--max-tpot-ms", &options.max_tpot_ms, k_max_name_chars},
                            {"--min-tok-s", &options.min_tok_s, k_max_name_chars},
                            {"--min-throughput", &options.min_throughput, k_max_name_chars},
                            {"--request-rate", &options.request_rate, k_max_name_chars},
                            {"--slo-percentile", &options.slo_percentile, k_max_name_chars},
                            {"--model", &options.model, k_max_path_chars},
                            {"--workload", &options.workload, k_max_path_chars},
                            {"--requirements", &options.requirements, k_max_path_chars},
                            {"--topology", &options.topology, k_max_path_chars}};
  for (const Single& single : singles) {
    if (*single.value) {
      if (auto checked = check_length(single.option, **single.value, single.max_chars); !checked) {
        return checked;
      }
    }
  }
  if (options.format == "k8s" && options.command != "advise") {
    return Error{"--format k8s", fmt::format("only advise writes Kubernetes manifests, not {}", options.command)};
  }
  for (Status status : {check_list("--target", options.targets, k_max_name_chars),
                        check_list("--hardware", options.hardware_files, k_max_path_chars),
                        check_list("--catalog", options.catalog_files, k_max_path_chars)}) {
    if (!status) {
      return status;
    }
  }
  return Ok{};
}

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
  for (Status status :
       {read_into(overrides.prompt_tokens, options.prompt_tokens, tokens("--prompt-tokens")),
        read_into(overrides.output_tokens, options.output_tokens, tokens("--output-tokens")),
        read_into(overrides.context, options.context, tokens("--context")),
        read_into(overrides.slo.max_ttft_ms, options.max_ttft_ms, positive("--max-ttft-ms")),
        read_into(overrides.slo.max_tpot_ms, options.max_tpot_ms, positive("--max-tpot-ms")),
        read_into(overrides.slo.min_tok_s, options.min_tok_s, positive("--min-tok-s")),
        read_into(overrides.slo.min_throughput_tok_s, options.min_throughput, positive("--min-throughput")),
        read_into(overrides.request_rate, options.request_rate, positive("--request-rate"))}) {
    if (!status) {
      return status.error();
    }
  }
  if (options.slo_percentile) {
    const std::string& text = *options.slo_percentile;
    if (text != "50" && text != "90" && text != "99") {
      return Error{fmt::format("--slo-percentile {}", text), "expected 50, 90 or 99"};
    }
    overrides.slo.percentile = static_cast<std::uint32_t>(std::stoul(text));
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
