// Reads bench/data/measurements.csv: the shared calibration set with the
// columns llm-hw added (llmhw_target … llmhw_split) to name catalog entries.

#include "accuracy.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

namespace llmhw::accuracy {
namespace {

/// Splits one CSV record; quoted fields may hold commas and doubled quotes.
std::vector<std::string> split_record(const std::string& line)
{
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

std::uint64_t to_count(const std::string& text, std::uint64_t fallback)
{
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return (error == std::errc{} && end == text.data() + text.size()) ? value : fallback;
}

} // namespace

Result<std::vector<Measurement>> read_measurements(const std::string& path)
{
  std::ifstream file(path);
  if (!file) {
    return Error{path, "cannot open"};
  }
  std::string line;
  if (!std::getline(file, line)) {
    return Error{path, "empty file"};
  }
  const std::vector<std::string> header = split_record(line);
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < header.size(); ++i) {
    column[header[i]] = i;
  }
  for (const char* required : {"source_url_or_repo_path", "metric", "value", "hardware", "num_devices", "llmhw_target",
                               "llmhw_model", "llmhw_quant", "llmhw_kv_quant", "llmhw_engine", "llmhw_prompt_tokens",
                               "llmhw_output_tokens", "llmhw_concurrency", "llmhw_split"}) {
    if (!column.contains(required)) {
      return Error{path, fmt::format("missing column '{}'", required)};
    }
  }
  std::vector<Measurement> rows;
  for (int number = 2; std::getline(file, line); ++number) {
    if (line.empty()) {
      continue;
    }
    const std::vector<std::string> fields = split_record(line);
    if (fields.size() != header.size()) {
      return Error{path, fmt::format("line {}: {} fields, the header has {}", number, fields.size(), header.size())};
    }
    const auto get = [&](const char* name) { return fields[column.at(name)]; };
    Measurement row;
    row.source = get("source_url_or_repo_path");
    row.metric = get("metric");
    row.value = get("value");
    row.hardware = get("hardware");
    row.target = get("llmhw_target");
    row.model = get("llmhw_model");
    row.quant = get("llmhw_quant");
    row.kv_quant = get("llmhw_kv_quant");
    row.engine = get("llmhw_engine");
    row.devices = static_cast<std::uint32_t>(to_count(get("num_devices"), 1));
    row.prompt_tokens = to_count(get("llmhw_prompt_tokens"), 0);
    row.output_tokens = to_count(get("llmhw_output_tokens"), 0);
    row.context = column.contains("llmhw_context") ? to_count(fields[column.at("llmhw_context")], 0) : 0;
    const std::string concurrency = get("llmhw_concurrency");
    row.concurrency = concurrency == "max" ? 0 : to_count(concurrency, 1);
    row.split = get("llmhw_split");
    row.benchmark_rounds =
        column.contains("llmhw_benchmark_rounds")
            ? static_cast<std::uint32_t>(to_count(fields[column.at("llmhw_benchmark_rounds")], 0))
            : 0;
    if (column.contains("llmhw_flash_attention")) {
      const std::string fa = fields[column.at("llmhw_flash_attention")];
      if (fa == "on" || fa == "off") {
        row.flash_attention = fa == "on";
      } else if (!fa.empty()) {
        return Error{path, fmt::format("line {}: llmhw_flash_attention '{}': expected on, off or empty", number, fa)};
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<catalog::Catalog> load_catalog(const std::string& source_dir)
{
  return catalog::load(catalog::CatalogSources{{source_dir + "/bench/data/hosts.json"}, std::nullopt});
}

} // namespace llmhw::accuracy
