#include "requirements.hpp"

#include "llmhw/util/json_fields.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace llmhw::cli {
namespace {

namespace fs = std::filesystem;

/// `value` as written, or relative to `base` when that names an existing file.
std::string relative_to(const fs::path& base, const std::string& value)
{
  const fs::path candidate = (base / value).lexically_normal();
  return fs::path(value).is_relative() && fs::exists(candidate) ? candidate.string() : value;
}

void fill_string(std::optional<std::string>& option, const util::JsonObject& root, const char* key)
{
  if (!option) {
    option = root.optional_string(key);
  }
}

/// Numbers are checked here as numbers, then handed on as the text the
/// command line would carry, so both sources pass the same validation.
void fill_count(std::optional<std::string>& option, const util::JsonObject& root, const char* key)
{
  if (!option) {
    if (auto value = root.optional_count(key)) {
      option = std::to_string(*value);
    }
  }
}

void fill_number(std::optional<std::string>& option, const util::JsonObject& root, const char* key)
{
  if (!option) {
    if (auto value = root.optional_number(key)) {
      option = fmt::format("{}", *value);
    }
  }
}

} // namespace

Status apply_requirements_file(const std::string& path, Options& options)
{
  auto document = util::read_json_file(path, util::k_small_file_bounds);
  if (!document) {
    return document.error();
  }
  auto root = util::root_object(*document, path);
  if (!root) {
    return root.error();
  }
  const fs::path base = fs::path(path).parent_path();
  try {
    root->reject_unknown_keys({"$schema", "model", "quant", "kv_quant", "framework", "workload", "targets", "hardware",
                               "prompt_tokens", "output_tokens", "context", "concurrency", "max_ttft_ms", "max_tpot_ms",
                               "min_tok_s", "min_throughput", "request_rate", "slo_percentile"});
    if (!options.model) {
      if (auto model = root->optional_string("model")) {
        options.model = relative_to(base, *model);
      }
    }
    fill_string(options.quant, *root, "quant");
    fill_string(options.kv_quant, *root, "kv_quant");
    fill_string(options.framework, *root, "framework");
    if (!options.workload) {
      if (auto workload = root->optional_string("workload")) {
        options.workload = relative_to(base, *workload);
      }
    }
    // What to rank comes from the command line when it names any (--target or --hardware), else from the file.
    if (options.targets.empty() && options.hardware_files.empty()) {
      options.targets = root->strings("targets");
      for (const std::string& file : root->strings("hardware")) {
        options.hardware_files.push_back(relative_to(base, file));
      }
    }
    fill_count(options.prompt_tokens, *root, "prompt_tokens");
    fill_count(options.output_tokens, *root, "output_tokens");
    fill_count(options.context, *root, "context");
    if (!options.concurrency && root->has("concurrency")) {
      if (root->json()["concurrency"] == "max") {
        options.concurrency = "max";
      } else {
        fill_count(options.concurrency, *root, "concurrency");
      }
    }
    fill_number(options.max_ttft_ms, *root, "max_ttft_ms");
    fill_number(options.max_tpot_ms, *root, "max_tpot_ms");
    fill_number(options.min_tok_s, *root, "min_tok_s");
    fill_number(options.min_throughput, *root, "min_throughput");
    fill_number(options.request_rate, *root, "request_rate");
    fill_count(options.slo_percentile, *root, "slo_percentile");
  } catch (const InputError& error) {
    return error.error;
  }
  return Ok{};
}

} // namespace llmhw::cli
