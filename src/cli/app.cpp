#include "app.hpp"

#include "llmhw/util/input_file.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>
#include <hwloc.h>

#include <algorithm>
#include <sstream>

#ifndef LLM_HW_VERSION
#define LLM_HW_VERSION "unknown"
#endif

namespace llmhw::cli {
namespace {

/// CLI11's help laid out for `width` columns, broken between words: an option's or subcommand's description
/// continues under itself, right of the column of names; other paragraphs wrap at the width, their continuation
/// lines indented two more than their first.
class WrappingFormatter : public CLI::Formatter {
public:
  explicit WrappingFormatter(std::size_t width) : m_width(std::max<std::size_t>(width, 40))
  {
    column_width(m_width >= 80 ? 30 : 24);
  }

  std::string make_option_desc(const CLI::Option* option) const override
  {
    return util::join(util::wrap(CLI::Formatter::make_option_desc(option), description_room()), "\n");
  }

  std::string make_subcommand(const CLI::App* subcommand) const override
  {
    std::stringstream out;
    CLI::detail::format_help(out, subcommand->get_display_name(true),
                             util::join(util::wrap(subcommand->get_description(), description_room()), "\n"),
                             get_column_width());
    return out.str();
  }

  std::string make_description(const CLI::App* app) const override
  {
    return paragraphs(CLI::Formatter::make_description(app));
  }

  std::string make_footer(const CLI::App* app) const override { return paragraphs(CLI::Formatter::make_footer(app)); }

private:
  [[nodiscard]] std::size_t description_room() const { return m_width - get_column_width(); }

  [[nodiscard]] std::string paragraphs(const std::string& text) const
  {
    std::string out;
    for (const std::string& line : util::split(text, '\n')) {
      const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
      const std::vector<std::string> lines = util::wrap(line.substr(indent), m_width - indent - 2);
      for (std::size_t i = 0; i < lines.size(); ++i) {
        out += std::string(indent + (i == 0 ? 0 : 2), ' ') + lines[i] + "\n";
      }
    }
    out.pop_back(); // the text's own last line break, kept once
    return out;
  }

  std::size_t m_width;
};

void add_color_option(CLI::App& command, Options& options)
{
  command.add_option("--color", options.color,
                     "Colour the text output: auto (on a terminal, unless NO_COLOR is set), always (even piped, "
                     "over NO_COLOR) or never (default: auto)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->option_text("auto|always|never");
}

void add_output_options(CLI::App& command, Options& options)
{
  command.add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown", "k8s"}))
      ->option_text("text|json|markdown|k8s");
  command.add_flag("--json", options.json, "Same as --format json");
  command.add_flag("-v,--verbose", options.verbose, "Show every finding, assumption and source");
  add_color_option(command, options);
  command.add_option("--catalog", options.catalog_files, "Add or override catalog entries from a JSON file "
                                                         "(repeatable; also every *.json in $LLM_HW_CATALOG_DIR)")
      ->option_text("FILE");
}

/// A file option's check: like CLI::ExistingFile, but in llm-hw's words, and
/// a FIFO, device or folder is refused here with what it is.
CLI::Validator input_file()
{
  return CLI::Validator(
      [](std::string& path) {
        auto file = util::InputFile::open(path);
        return file ? std::string() : file.error().message();
      },
      "FILE");
}

void add_probe_options(CLI::App& command, Options& options)
{
  command.add_option("--topology", options.topology, "Read an hwloc XML topology instead of the live machine")
      ->option_text("FILE.xml")
      ->check(input_file());
}

/// probe, advise and check: the local CPU's memory bandwidth, measured or kept from an earlier measurement.
void add_measure_options(CLI::App& command, Options& options)
{
  command.add_flag("--measure", options.measure,
                   "Measure this machine's memory bandwidth (at most 2 s) and use it; the figure is kept in "
                   "$XDG_CACHE_HOME/llm-hw for later runs");
  command.add_flag("--no-cache", options.no_cache, "Ignore a kept bandwidth measurement (with --measure: measure again)");
}

void add_advice_options(CLI::App& command, Options& options)
{
  command.add_option("--model", options.model,
                     fmt::format("Catalog name or alias, HF model folder or config.json, .gguf or .safetensors file "
                  "(default: {})", k_default_model))
      ->option_text("NAME|PATH");
  command.add_option("--requirements", options.requirements,
                     "A JSON file with the model, workload, targets and service levels to check; "
                     "options on the command line override it")
      ->option_text("FILE")
      ->check(input_file());
  command.add_option("--quant", options.quant,
                     "Weight precision: fp32 bf16 fp16 fp8 int8 int4 nvfp4 mxfp4 q8_0 q6_k q5_k_m q4_k_m q4_0 …")
      ->option_text("Q");
  command.add_option("--kv-quant", options.kv_quant, "KV-cache precision: fp16 bf16 fp8 q8_0 q4_0")->option_text("Q");
  command.add_option("--workload", options.workload,
                     "Preset (personal chat rag code batch long-context agent) or a JSON file")
      ->option_text("NAME|FILE");
  command.add_option("--prompt-tokens", options.prompt_tokens, "Prompt length, overriding the workload")
      ->option_text("N");
  command.add_option("--output-tokens", options.output_tokens, "Output length, overriding the workload")
      ->option_text("N");
  command.add_option("--concurrency", options.concurrency,
                     "Concurrent sequences; max: as many as fit (offline batch throughput)")
      ->option_text("N|max");
  command.add_option("--context", options.context, "Context window to provision (default: prompt + output)")
      ->option_text("N");
  command.add_option("--max-ttft-ms", options.max_ttft_ms, "Required time to first token, per user")
      ->option_text("X");
  command.add_option("--max-tpot-ms", options.max_tpot_ms, "Required time per output token, per user")
      ->option_text("X");
  command.add_option("--min-tok-s", options.min_tok_s, "Required decode tokens/s per user")->option_text("X");
  command.add_option("--min-throughput", options.min_throughput, "Required aggregate output tokens/s")
      ->option_text("X");
  command.add_option("--request-rate", options.request_rate,
                     "Requests per second arriving (Poisson) instead of a closed loop of --concurrency users")
      ->option_text("R");
  command.add_option("--slo-percentile", options.slo_percentile,
                     "Percentile --max-ttft-ms and --max-tpot-ms apply to: 50 (default), 90 or 99")
      ->option_text("50|90|99");
  command.add_option("--framework", options.framework,
                     "Pin an engine: vllm sglang lmdeploy tensorrt-llm tgi llama.cpp ollama mlx jetstream vllm-tpu")
      ->option_text("F");
  command.add_option("--target", options.targets,
                     "A catalog target instead of this machine, with an optional count: h100-sxm, 8xh100-sxm, "
                     "tpu-v5e-8, aws-p5.48xlarge; 'all' ranks the whole catalog (repeatable)")
      ->option_text("[Nx]ID");
  command.add_option("--sort", options.sort,
                     "Order of the candidates within each verdict: score (the judgement), cost (lowest $/M output "
                     "tokens first, unpriced last) or speed (lowest time per output token first); the "
                     "recommendation is the first (default: score)")
      ->check(CLI::IsMember({"score", "cost", "speed"}))
      ->option_text("score|cost|speed");
  command.add_option("--hardware", options.hardware_files,
                     "A probe JSON (llm-hw probe --json from another host) as the inventory (repeatable)")
      ->option_text("FILE")
      ->check(input_file());
}

/// models --fit ranks every model under advise's options (but --model); models --local lists the local stores.
void add_fit_options(CLI::App& models, Options& options)
{
  models.add_flag("--fit", options.fit,
                  "Rank every catalog and local model for this machine, a --target or --hardware, under the "
                  "workload and requirements given");
  models.add_flag("--local", options.local,
                  "List the models in local stores: the Hugging Face cache, Ollama and LM Studio");
  add_probe_options(models, options);
  add_advice_options(models, options);
}

} // namespace

std::string version_text()
{
  return fmt::format("llm-hw {}\nbackends: hwloc {}, NVML (dlopen at run time), AMD SMI (dlopen at run time), "
                     "sysfs (AMD, Intel, Google TPU)",
                     LLM_HW_VERSION, HWLOC_VERSION);
}

const std::vector<Example>& examples()
{
  static const std::vector<Example> list{
      {"probe", "llm-hw probe --measure"},
      {"advise", "llm-hw advise --model qwen3-8b --workload rag"},
      {"check", "llm-hw check --model llama-3.1-8b --target l4 --min-tok-s 30"},
      {"models", "llm-hw models --format markdown"},
      {"targets", "llm-hw targets --json"},
  };
  return list;
}

std::unique_ptr<CLI::App> build_app(Options& options, std::size_t help_width)
{
  auto app = std::make_unique<CLI::App>("llm-hw: can this machine serve this model, on which device, with which engine and precision, "
               "and how fast?",
      "llm-hw");
  app->formatter(std::make_shared<WrappingFormatter>(help_width)); // subcommands take their parent's formatter
  app->set_version_flag("--version", version_text());
  app->require_subcommand(0, 1);
  app->footer("Run `llm-hw SUBCOMMAND --help` for its options and an example.\n"
              "Exit codes: 0 success, 1 check: a requirement is not met, 2 bad usage or input, 3 probe failed.\n"
              "Environment: NO_COLOR, COLUMNS, LLM_HW_ROOT, LLM_HW_NVML_LIB, LLM_HW_NO_NVML, LLM_HW_CATALOG_DIR, "
              "XDG_CACHE_HOME (kept measurements).");
  add_color_option(*app, options);

  CLI::App* probe = app->add_subcommand("probe", "Detect this machine's CPUs, memory, GPUs and TPUs");
  add_output_options(*probe, options);
  add_probe_options(*probe, options);
  add_measure_options(*probe, options);

  CLI::App* advise = app->add_subcommand("advise", "Score every device for a model and workload, and recommend one");
  CLI::App* check = app->add_subcommand(
      "check", "Like advise, for CI: exit 0 if the recommendation meets every requirement, 1 if not");
  for (CLI::App* command : {advise, check}) {
    add_output_options(*command, options);
    add_probe_options(*command, options);
    add_measure_options(*command, options);
    add_advice_options(*command, options);
  }

  CLI::App* models = app->add_subcommand("models", "List catalog models; --fit: which run here; --local: which are here");
  CLI::App* targets = app->add_subcommand("targets", "List catalog hardware targets");
  add_output_options(*models, options);
  add_output_options(*targets, options);
  add_fit_options(*models, options);

  for (const Example& example : examples()) {
    app->get_subcommand(example.subcommand)->footer("Example:\n  " + example.command_line);
  }

  return app;
}

} // namespace llmhw::cli
