// Every printed command past its engine's argument parser: a catalog-wide sweep of advise over every target × a
// model set (dense, MoE, MLA, sliding-window, fp8- and mxfp4-native) × every engine, each command parsed against
// tests/data/engine_flags.json (the flags and values each engine's parser accepts, with its source file and commit):
// no unknown program or flag, no bad value, no placeholder, no weights from a repository the model does not have,
// and no command for a plan that violates one of the engine's constraints in data/engines.json.

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/rules/rules.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

using llmhw::test::builtin_catalog;
using llmhw::test::catalog_model;

namespace {

const nlohmann::json& flag_table()
{
  static const nlohmann::json table = [] {
    std::ifstream file(std::string(LLM_HW_SOURCE_DIR) + "/tests/data/engine_flags.json");
    REQUIRE(file.good());
    return nlohmann::json::parse(file);
  }();
  return table;
}

/// Words of a command line as the shell splits them: blanks separate words, single quotes keep theirs together.
std::vector<std::string> shell_words(const std::string& line)
{
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  bool any = false;
  for (const char c : line) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) {
        words.push_back(word);
      }
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) {
    words.push_back(word);
  }
  return words;
}

/// The simple commands of a line: split at `&&`, `&` and `;`, without redirections, the `until … do … done` loop's
/// keywords and leading NAME=value assignments (kept apart for the environment check).
struct SimpleCommand {
  std::vector<std::string> environment;
  std::vector<std::string> words;
};

std::vector<SimpleCommand> simple_commands(const std::string& line)
{
  std::vector<SimpleCommand> commands(1);
  bool redirect_target = false;
  for (std::string word : shell_words(line)) {
    const bool ends_list = word.size() > 1 && word.back() == ';';
    if (ends_list) {
      word.pop_back();
    }
    if (word == "&&" || word == "&" || word == ";") {
      commands.emplace_back();
    } else if (redirect_target) {
      redirect_target = false;
    } else if (word == ">" || word == "2>") {
      redirect_target = true;
    } else if (word.starts_with(">") || word.starts_with("2>")) {
      // >/dev/null, 2>&1
    } else if (commands.back().words.empty() && (word == "until" || word == "do" || word == "done")) {
      // the shell's loop keywords, around simple commands
    } else if (commands.back().words.empty() && std::regex_match(word, std::regex("[A-Z_][A-Z0-9_]*=.*"))) {
      commands.back().environment.push_back(word);
    } else {
      commands.back().words.push_back(word);
    }
    if (ends_list) {
      commands.emplace_back();
    }
  }
  std::erase_if(commands, [](const SimpleCommand& command) {
    return command.words.empty() && command.environment.empty();
  });
  return commands;
}

/// Whether `value` is one the table's type allows.
bool value_fits(const nlohmann::json& type, const std::string& value)
{
  if (type.is_array()) {
    return std::any_of(type.begin(), type.end(), [&](const nlohmann::json& allowed) {
      return allowed.is_string() ? allowed.get<std::string>() == value : std::to_string(allowed.get<int>()) == value;
    });
  }
  const std::string kind = type.get<std::string>();
  if (kind == "int") {
    return std::regex_match(value, std::regex("[0-9]+"));
  }
  if (kind == "float") {
    return std::regex_match(value, std::regex("[0-9]+(\\.[0-9]+)?"));
  }
  if (kind == "number_list") {
    return std::regex_match(value, std::regex("[0-9.]+(,[0-9.]+)*"));
  }
  return !value.empty() && !value.starts_with("-"); // string, any
}

/// A word that stands for something the reader must fill in.
bool placeholder(const std::string& word)
{
  return word.find_first_of("<>{}") != std::string::npos || word.find("…") != std::string::npos ||
         word.find("...") != std::string::npos;
}

/// The table's program whose words start the command (the longest such prefix).
const nlohmann::json* program_of(const std::vector<std::string>& words, std::size_t from, const std::string& engine)
{
  const nlohmann::json* best = nullptr;
  std::size_t best_length = 0;
  for (const nlohmann::json& program : flag_table()["programs"]) {
    const auto& prefix = program["prefix"];
    // The longest prefix; of equal ones (vLLM and vLLM TPU both run `vllm serve`), the engine's own.
    const bool own = program["engine"].is_string() && program["engine"].get<std::string>() == engine;
    if (prefix.size() < best_length || (prefix.size() == best_length && !own) || from + prefix.size() > words.size()) {
      continue;
    }
    bool matches = true;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      matches = matches && words[from + i] == prefix[i].get<std::string>();
    }
    if (matches) {
      best = &program;
      best_length = prefix.size();
    }
  }
  return best;
}

/// What a command uses that its parser would not accept; `models` collects the values that name weights.
struct Parsed {
  std::vector<std::string> problems;
  std::vector<std::string> weights; ///< repositories and files the command loads
  std::size_t flags = 0;
};

void parse_program(const std::vector<std::string>& words, std::size_t from, const std::string& engine, Parsed& out)
{
  const nlohmann::json* program = program_of(words, from, engine);
  if (program == nullptr) {
    out.problems.push_back(fmt::format("unknown program '{}'", words[from]));
    return;
  }
  const auto& owner = (*program)["engine"];
  if (!owner.is_null() && owner.get<std::string>() != engine) {
    out.problems.push_back(fmt::format("'{}' is {}'s, not {}'s", words[from], owner.get<std::string>(), engine));
  }
  const auto& flags = (*program)["flags"];
  const std::size_t positionals = (*program)["positionals"].get<std::size_t>();
  std::size_t seen = 0;
  for (std::size_t i = from + (*program)["prefix"].size(); i < words.size(); ++i) {
    std::string word = words[i];
    if (placeholder(word)) {
      out.problems.push_back(fmt::format("placeholder '{}'", word));
      continue;
    }
    if (word.starts_with("-") && word.size() > 1) {
      std::string value;
      bool inline_value = false;
      if (const auto equals = word.find('='); equals != std::string::npos) {
        value = word.substr(equals + 1);
        word.resize(equals);
        inline_value = true;
      }
      if (!flags.contains(word)) {
        out.problems.push_back(fmt::format("{} has no flag {}", (*program)["prefix"][0].get<std::string>(), word));
        continue;
      }
      ++out.flags;
      const auto& type = flags[word];
      if (type.is_string() && type.get<std::string>() == "none") {
        continue;
      }
      if (!inline_value) {
        if (i + 1 >= words.size()) {
          out.problems.push_back(fmt::format("{} has no value", word));
          continue;
        }
        value = words[++i];
      }
      if (placeholder(value) || !value_fits(type, value)) {
        out.problems.push_back(fmt::format("{} {}: not a value it accepts", word, value));
      }
      if (word == "--model-path" || word == "--model-id" || word == "--hf-repo" || word == "--model" ||
          word == "--hf-path" || word == "-m") {
        out.weights.push_back(value);
      }
      continue;
    }
    if ((*program).contains("params") && word.find('=') != std::string::npos) {
      const std::string key = word.substr(0, word.find('='));
      const auto& params = (*program)["params"];
      if (!params.contains(key)) {
        out.problems.push_back(fmt::format("no parameter {}", key));
      } else if (!value_fits(params[key], word.substr(word.find('=') + 1))) {
        out.problems.push_back(fmt::format("{}: not a value it accepts", word));
      }
      continue;
    }
    if ((*program).value("wrapper", false)) {
      parse_program(words, i, engine, out); // the command the wrapper runs
      return;
    }
    ++seen;
    if (seen == 1 && (*program)["prefix"].back() != "printf") {
      out.weights.push_back(word);
    }
    if (seen == positionals && (*program).contains("last_positional") &&
        !value_fits((*program)["last_positional"], word)) {
      out.problems.push_back(fmt::format("{}: not a type it accepts", word));
    }
  }
  if (seen > positionals) {
    out.problems.push_back(fmt::format("{} takes {} arguments, not {}", (*program)["prefix"][0].get<std::string>(),
                                       positionals, seen));
  }
}

/// Every simple command of `line` against the table, for `engine`.
Parsed parse_line(const std::string& line, const std::string& engine)
{
  Parsed parsed;
  const auto& environment = flag_table()["environment"];
  for (const SimpleCommand& command : simple_commands(line)) {
    for (const std::string& assignment : command.environment) {
      const std::string name = assignment.substr(0, assignment.find('='));
      const std::string value = assignment.substr(assignment.find('=') + 1);
      const nlohmann::json* type = nullptr;
      for (const char* scope : {engine.c_str(), "*"}) {
        if (environment.contains(scope) && environment[scope]["variables"].contains(name)) {
          type = &environment[scope]["variables"][name];
        }
      }
      if (type == nullptr || !value_fits(*type, value)) {
        parsed.problems.push_back(fmt::format("environment {} not read by {}", assignment, engine));
      }
    }
    if (!command.words.empty()) {
      parse_program(command.words, 0, engine, parsed);
    }
  }
  return parsed;
}

bool contains(const std::vector<std::string>& list, const std::string& value)
{
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_16_bit(const std::string& quant)
{
  return quant == "bf16" || quant == "fp16" || quant == "fp32";
}

/// The engine constraints of data/engines.json the candidate violates, worked out here from the data.
std::vector<std::string> violated(const llmhw::estimate::Candidate& candidate, const llmhw::model::ModelSpec& model,
                                  const llmhw::catalog::EngineSpec& engine)
{
  std::vector<std::string> found;
  const std::string backend = llmhw::rules::backend_of(candidate.hardware);
  if (!contains(engine.backends, backend)) {
    found.push_back("backend " + backend);
  }
  if (!contains(engine.quants, candidate.quant)) {
    found.push_back("weights " + candidate.quant);
  }
  if (!contains(engine.kv_quants, candidate.kv_quant)) {
    found.push_back("KV cache " + candidate.kv_quant);
  }
  for (const auto& limit : engine.backend_limits) {
    if (limit.backend == backend && (contains(limit.quants, candidate.quant) ||
                                     contains(limit.kv_quants, candidate.kv_quant) || (limit.mla && model.arch.mla))) {
      found.push_back("backend limit on " + backend);
    }
  }
  if (engine.native_architectures && !contains(engine.native_architectures->fallback_quants, candidate.quant) &&
      std::none_of(engine.native_architectures->architectures.begin(),
                   engine.native_architectures->architectures.end(), [&](const std::string& family) {
                     return llmhw::catalog::same_architecture(family, model.arch.family);
                   })) {
    found.push_back("fallback architecture in " + candidate.quant);
  }
  const auto capability = [](const std::optional<std::string>& text) {
    return text ? std::stod(*text) : 0.0;
  };
  if (backend == "cuda" && candidate.hardware.compute_capability) {
    const double has = capability(candidate.hardware.compute_capability);
    if (has < capability(engine.min_compute_capability)) {
      found.push_back("compute capability below the engine's");
    }
    const auto* quant = builtin_catalog().find_quant(candidate.quant);
    if (quant != nullptr && has < capability(quant->min_compute_capability) &&
        contains(engine.weight_only_quants, candidate.quant) && engine.weight_only &&
        has < capability(engine.weight_only->min_compute_capability)) {
      found.push_back("weight-only kernels need a newer GPU");
    }
  }
  return found;
}

/// Repositories a command may load the model's weights from: its own (in a precision cast from its own) and its
/// published artifacts.
std::set<std::string> allowed_weights(const llmhw::model::ModelSpec& model, const std::string& quant)
{
  std::set<std::string> allowed;
  // A 16-bit plan of a checkpoint published in fp8 or mxfp4 must not load the published repository.
  if (model.hf_repo && !(is_16_bit(quant) && !is_16_bit(model.native_quant))) {
    allowed.insert(*model.hf_repo);
  }
  for (const auto& artifact : builtin_catalog().artifacts) {
    if (model.catalog_id && artifact.model == *model.catalog_id && artifact.repo) {
      allowed.insert(*artifact.repo);
    }
  }
  return allowed;
}

/// A local file or folder the command itself makes (a converted GGUF, mlx_model), not a download.
bool local_name(const std::string& name)
{
  return name.find('/') == std::string::npos;
}

struct SweepCounts {
  std::size_t commands = 0;
  std::size_t flags = 0;
  std::size_t blocked = 0;
  std::size_t multi_host_nodes = 0; ///< blocks for nodes after the first, of plans across hosts
  std::set<std::string> engines;
};

std::vector<std::string> all_targets()
{
  std::vector<std::string> targets;
  for (const auto& hardware : builtin_catalog().hardware) {
    targets.push_back(hardware.id);
  }
  for (const auto& system : builtin_catalog().systems) {
    targets.push_back(system.id);
  }
  return targets;
}

void check_candidate(const llmhw::advice::RankedCandidate& ranked, const llmhw::model::ModelSpec& model,
                     SweepCounts& counts)
{
  const auto& candidate = ranked.assessment.estimate.candidate;
  const auto* engine = builtin_catalog().find_engine(candidate.engine);
  REQUIRE(engine != nullptr);
  const std::string& line = ranked.command;
  INFO(model.name << " on " << candidate.device << " x" << candidate.count << " with " << candidate.engine << " "
                  << candidate.quant << "/" << candidate.kv_quant << ": " << line);
  const auto violations = violated(candidate, model, *engine);
  if (!violations.empty()) {
    ++counts.blocked;
    INFO("violates: " << fmt::format("{}", fmt::join(violations, "; ")));
    CHECK(line.empty());
  }
  if (line.empty()) {
    CHECK(ranked.node_commands.empty());
    return;
  }
  ++counts.commands;
  counts.engines.insert(candidate.engine);
  const Parsed parsed = parse_line(line, candidate.engine);
  INFO(fmt::format("{}", fmt::join(parsed.problems, "; ")));
  CHECK(parsed.problems.empty());
  counts.flags += parsed.flags;
  // A plan across hosts: every other node's block passes the same parser (ray start, --node-rank, …).
  for (std::size_t node = 1; node < ranked.node_commands.size(); ++node) {
    INFO("node " << node << ": " << ranked.node_commands[node]);
    const Parsed other = parse_line(ranked.node_commands[node], candidate.engine);
    INFO(fmt::format("{}", fmt::join(other.problems, "; ")));
    CHECK(other.problems.empty());
    ++counts.multi_host_nodes;
  }
  const auto allowed = allowed_weights(model, candidate.quant);
  for (const std::string& weights : parsed.weights) {
    INFO("loads " << weights);
    CHECK((local_name(weights) || allowed.count(weights) == 1 || weights.starts_with("hf.co/") ||
           weights.find(':') != std::string::npos)); // Ollama tags are checked against the artifacts below
  }
  if (candidate.engine == "ollama") {
    // An Ollama model is a library tag or a GGUF repository of data/artifacts.json.
    const std::string name = shell_words(line).back();
    const bool known = std::any_of(builtin_catalog().artifacts.begin(), builtin_catalog().artifacts.end(),
                                   [&](const auto& artifact) {
                                     return artifact.ollama == name ||
                                            (artifact.repo && name.starts_with("hf.co/" + *artifact.repo + ":"));
                                   });
    CHECK(known);
  }
}

/// `targets` × `models`, for every engine, at 8 users.
SweepCounts sweep_over(const std::vector<std::string>& models, const std::vector<std::string>& targets)
{
  llmhw::workload::Overrides overrides;
  overrides.workload = "chat";
  overrides.concurrency = 8;
  const auto workload = llmhw::workload::resolve(overrides, builtin_catalog());
  REQUIRE(workload.ok());
  SweepCounts counts;
  for (const std::string& name : models) {
    const auto model = catalog_model(name);
    for (const std::string& target : targets) {
      llmhw::advice::Inputs inputs;
      inputs.targets = {target};
      const auto advice = llmhw::advice::recommend(model, *workload, inputs, builtin_catalog());
      REQUIRE(advice.ok());
      for (const auto& ranked : advice->candidates) {
        check_candidate(ranked, model, counts);
      }
    }
  }
  return counts;
}

/// Every catalog target, or the `part`-th of `parts` interleaved shares of them (a test case each, to stay within
/// CTest's time limit where a model's candidates are many).
SweepCounts sweep(const std::vector<std::string>& models, std::size_t part = 0, std::size_t parts = 1)
{
  const auto targets = all_targets();
  std::vector<std::string> share;
  for (std::size_t index = part; index < targets.size(); index += parts) {
    share.push_back(targets[index]);
  }
  return sweep_over(models, share);
}

} // namespace

TEST_CASE("The command parser splits a line as the shell does", "[advice][commands][sweep]")
{
  const auto commands = simple_commands(
      "OLLAMA_NUM_PARALLEL=2 ollama serve & until ollama list >/dev/null 2>&1; do sleep 1; done; ollama run x:y");
  REQUIRE(commands.size() == 4);
  CHECK(commands[0].environment == std::vector<std::string>{"OLLAMA_NUM_PARALLEL=2"});
  CHECK(commands[1].words == std::vector<std::string>{"ollama", "list"});
  CHECK(commands[2].words == std::vector<std::string>{"sleep", "1"});
  CHECK(commands[3].words == std::vector<std::string>{"ollama", "run", "x:y"});
  CHECK(shell_words("printf 'a:\\n  b: c\\n' > f.yaml").size() == 4);
  // What the sweep must catch: an unknown flag, a value the parser rejects, a placeholder, a stranger's program.
  CHECK_FALSE(parse_line("vllm serve m --tensor-parallel-size 2 --max-model-len 10", "vllm").problems.size());
  CHECK_FALSE(parse_line("vllm serve m --tp_size 2", "vllm").problems.empty());
  CHECK(parse_line("vllm serve m --kv-cache-dtype fp8_e4m3fn", "vllm").problems.size() == 1);
  CHECK(parse_line("llama-server -m x.gguf --cache-type-k fp8", "llama.cpp").problems.size() == 1);
  CHECK_FALSE(parse_line("trtllm-serve <FP8 checkpoint of m> --tp_size 1", "tensorrt-llm").problems.empty());
  CHECK(parse_line("text-generation-launcher --model-id m --quantize awq4", "tgi").problems.size() == 1);
  CHECK(parse_line("vllm serve m", "sglang").problems.size() == 1);
  CHECK(parse_line("FOO=1 ollama serve", "ollama").problems.size() == 1);
  CHECK(parse_line("mpirun -np 16 -H a,b trtllm-llmapi-launch trtllm-serve m --tp_size 8 --pp_size 2",
                   "tensorrt-llm")
            .problems.empty());
}

// Split so that CTest runs them side by side.
TEST_CASE("Sweep of every target × engine: a dense model and a sliding-window one parse cleanly",
          "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"llama-3.1-8b", "mistral-7b-v0.1"});
  CHECK(counts.commands > 500);
  CHECK(counts.flags > 3000);
  CHECK(counts.blocked > 0);
  // JetStream needs a converted MaxText checkpoint, which nobody publishes: it prints no command.
  for (const char* engine : {"vllm", "sglang", "lmdeploy", "tensorrt-llm", "tgi", "llama.cpp", "ollama", "mlx",
                             "vllm-tpu"}) {
    INFO(engine);
    CHECK(counts.engines.count(engine) == 1);
  }
}

// One model per test case: each sweeps the whole catalog with the serving simulation, within CTest's limit.
TEST_CASE("Sweep of every target × engine: a MoE model (Mixtral 8x7B) parses cleanly", "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"mixtral-8x7b"});
  CHECK(counts.commands > 100);
}

TEST_CASE("Sweep of every target × engine: an MLA model published in fp8 (DeepSeek-V3) parses cleanly (first quarter of the targets)",
          "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"deepseek-v3"}, 0, 4);
  CHECK(counts.commands + counts.blocked > 0);
}

TEST_CASE("Sweep of every target × engine: an MLA model published in fp8 (DeepSeek-V3) parses cleanly (second quarter of the targets)",
          "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"deepseek-v3"}, 1, 4);
  CHECK(counts.commands + counts.blocked > 0);
}

TEST_CASE("Sweep of every target × engine: an MLA model published in fp8 (DeepSeek-V3) parses cleanly (third quarter of the targets)",
          "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"deepseek-v3"}, 2, 4);
  CHECK(counts.commands + counts.blocked > 0);
}

TEST_CASE("Sweep of every target × engine: an MLA model published in fp8 (DeepSeek-V3) parses cleanly (fourth quarter of the targets)",
          "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"deepseek-v3"}, 3, 4);
  CHECK(counts.commands + counts.blocked > 0);
}

TEST_CASE("Sweep of every target × engine: an mxfp4-native model (gpt-oss-20b) parses cleanly",
          "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep({"gpt-oss-20b"});
  CHECK(counts.commands > 0);
  CHECK(counts.blocked > 0);
}

TEST_CASE("Sweep: Llama 3.1 405B over two p5 instances: every node's command block parses",
          "[advice][commands][sweep]")
{
  const SweepCounts counts = sweep_over({"llama-3.1-405b"}, {"2xaws-p5.48xlarge"});
  CHECK(counts.commands > 0);
  CHECK(counts.multi_host_nodes > 0); // the plans across the two hosts printed a block for the second node
}
