#include "generate.hpp"

#include "app.hpp"
#include "terminal.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/cli/cli.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <iostream>
#include <map>

namespace llmhw::cli {
namespace {

/// What each value-taking option completes to.
void add_choices(OptionInfo& option, const catalog::Catalog& catalog)
{
  const std::string& name = option.names.front();
  if (name == "--format") {
    option.choices = {"text", "json", "markdown"};
  } else if (name == "--color") {
    option.choices = {"auto", "always", "never"};
  } else if (name == "--sort") {
    option.choices = {"score", "cost", "speed"};
  } else if (name == "--model") {
    option.choices = catalog::ids_of(catalog.models);
    option.file = true;
  } else if (name == "--quant" || name == "--kv-quant") {
    option.choices = catalog::ids_of(catalog.quants);
  } else if (name == "--framework") {
    option.choices = catalog::ids_of(catalog.engines);
  } else if (name == "--workload") {
    option.choices = catalog::ids_of(catalog.workloads);
    option.file = true;
  } else if (name == "--target") {
    option.choices = catalog::ids_of(catalog.hardware);
    const auto systems = catalog::ids_of(catalog.systems);
    option.choices.insert(option.choices.end(), systems.begin(), systems.end());
    option.choices.push_back("all");
  } else if (name == "--hardware" || name == "--catalog" || name == "--topology") {
    option.file = true;
  } else if (name == "--concurrency") {
    option.choices = {"max"};
  }
}

std::string words(const std::vector<std::string>& list) { return util::join(list, " "); }

/// Inside single quotes, for bash, zsh and fish alike.
std::string single_quoted(const std::string& text)
{
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

/// zsh _arguments/_describe specs treat : [ ] \ specially.
std::string zsh_escape(const std::string& text)
{
  std::string escaped;
  for (const char c : text) {
    if (c == ':' || c == '[' || c == ']' || c == '\\') {
      escaped += '\\';
    }
    escaped += c;
  }
  return escaped;
}

/// roff: backslashes and hyphens made literal, UTF-8 as \[uXXXX] escapes, no line starting with a dot.
std::string roff(const std::string& text)
{
  std::string escaped;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\\') {
      escaped += "\\e";
    } else if (byte == '-') {
      escaped += "\\-";
    } else if (byte < 0x80) {
      escaped += text[i];
    } else {
      // Decode one UTF-8 sequence (2 to 4 bytes); a malformed byte becomes U+FFFD.
      const int length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
      char32_t code_point = length == 1 ? 0xFFFD : byte & (0x7F >> length);
      for (int k = 1; k < length && i + 1 < text.size(); ++k) {
        code_point = (code_point << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F);
      }
      escaped += fmt::format("\\[u{:04X}]", static_cast<std::uint32_t>(code_point));
    }
  }
  if (!escaped.empty() && (escaped.front() == '.' || escaped.front() == '\'')) {
    escaped.insert(0, "\\&");
  }
  return escaped;
}

} // namespace

std::vector<CommandInfo> describe(const CLI::App& app, const catalog::Catalog& catalog)
{
  std::vector<CommandInfo> commands;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    CommandInfo info{command->get_name(), command->get_description(), {}};
    for (const CLI::Option* option : command->get_options()) {
      if (option->get_group().empty()) {
        continue;   // hidden
      }
      OptionInfo described;
      for (const std::string& name : option->get_lnames()) {
        described.names.push_back("--" + name);
      }
      for (const std::string& name : option->get_snames()) {
        described.names.push_back("-" + name);
      }
      described.description = option->get_description();
      described.takes_value = option->get_expected_min() > 0;   // flags expect no value
      if (described.takes_value) {
        described.value_name = option->get_option_text().empty() ? "VALUE" : option->get_option_text();
        add_choices(described, catalog);
      }
      info.options.push_back(std::move(described));
    }
    commands.push_back(std::move(info));
  }
  return commands;
}

std::string bash_completion(const std::vector<CommandInfo>& commands)
{
  std::vector<std::string> names;
  for (const CommandInfo& command : commands) {
    names.push_back(command.name);
  }
  std::string values;
  std::string flags;
  for (const CommandInfo& command : commands) {
    std::vector<std::string> options;
    for (const OptionInfo& option : command.options) {
      options.insert(options.end(), option.names.begin(), option.names.end());
      if (!option.takes_value) {
        continue;
      }
      const std::string compgen = option.file ? "compgen -f -W " : "compgen -W ";
      values += "    " + command.name + ":" + option.names.front() + ") COMPREPLY=($(" + compgen +
                single_quoted(words(option.choices)) + " -- \"$cur\")); return ;;\n";
    }
    flags += "    " + command.name + ") COMPREPLY=($(compgen -W " + single_quoted(words(options)) +
             " -- \"$cur\")) ;;\n";
  }
  return "# bash completion for llm-hw. Generated by `llm-hw --generate bash`; do not edit.\n"
         "_llm_hw() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" command=\"\" i\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case \"${COMP_WORDS[i]}\" in " + util::join(names, "|") +
         ") command=\"${COMP_WORDS[i]}\"; break ;; esac\n"
         "  done\n"
         "  if [[ -z $command ]]; then\n"
         "    COMPREPLY=($(compgen -W " + single_quoted(words(names) + " --help --version") +
         " -- \"$cur\")); return\n"
         "  fi\n"
         "  case \"$command:$prev\" in\n" + values +
         "  esac\n"
         "  case $command in\n" + flags +
         "  esac\n"
         "}\n"
         "complete -o default -F _llm_hw llm-hw\n";
}

std::string zsh_completion(const std::vector<CommandInfo>& commands)
{
  std::string list;
  std::string cases;
  for (const CommandInfo& command : commands) {
    list += "    " + single_quoted(zsh_escape(command.name) + ":" + zsh_escape(command.description)) + "\n";
    cases += "        " + command.name + ")\n          _arguments \\\n";
    for (const OptionInfo& option : command.options) {
      std::string action;
      if (option.takes_value) {
        const std::string values =
            option.choices.empty() ? "" : "(" + words(option.choices) + ")";
        action = ":" + zsh_escape(option.names.front().substr(2)) + ":" +
                 (option.file && values.empty() ? "_files" : values.empty() ? " " : values);
      }
      for (const std::string& name : option.names) {
        cases += "            " + single_quoted(name + "[" + zsh_escape(option.description) + "]" + action) + " \\\n";
      }
    }
    cases += "          ;;\n";
  }
  return "#compdef llm-hw\n"
         "# zsh completion for llm-hw. Generated by `llm-hw --generate zsh`; do not edit.\n"
         "_llm-hw() {\n"
         "  local -a commands\n"
         "  commands=(\n" + list + "  )\n"
         "  local state\n"
         "  _arguments -C '--version[print the version]' '--help[print help]' '1: :->command' '*:: :->args'\n"
         "  case $state in\n"
         "    command) _describe 'command' commands ;;\n"
         "    args)\n"
         "      case $words[1] in\n" + cases +
         "      esac\n"
         "      ;;\n"
         "  esac\n"
         "}\n"
         "_llm-hw \"$@\"\n";
}

std::string fish_completion(const std::vector<CommandInfo>& commands)
{
  std::vector<std::string> names;
  for (const CommandInfo& command : commands) {
    names.push_back(command.name);
  }
  std::string out = "# fish completion for llm-hw. Generated by `llm-hw --generate fish`; do not edit.\n"
                    "complete -c llm-hw -f\n"
                    "complete -c llm-hw -n '__fish_use_subcommand' -l version -d 'Print the version'\n";
  for (const CommandInfo& command : commands) {
    out += "complete -c llm-hw -n '__fish_use_subcommand' -a " + command.name + " -d " +
           single_quoted(command.description) + "\n";
  }
  for (const CommandInfo& command : commands) {
    const std::string condition = single_quoted("__fish_seen_subcommand_from " + command.name);
    for (const OptionInfo& option : command.options) {
      std::string line = "complete -c llm-hw -n " + condition;
      for (const std::string& name : option.names) {
        line += name.starts_with("--") ? " -l " + name.substr(2) : " -s " + name.substr(1);
      }
      if (option.takes_value) {
        line += option.file ? " -r -F" : " -r";
        if (!option.choices.empty()) {
          line += " -a " + single_quoted(words(option.choices));
        }
      }
      out += line + " -d " + single_quoted(option.description) + "\n";
    }
  }
  return out;
}

std::string man_page(const CLI::App& app, const std::vector<CommandInfo>& commands)
{
  std::string out = ".\\\" Generated by `llm-hw --generate man`; do not edit.\n"
                    ".TH LLM\\-HW 1 \"\" \"llm-hw\" \"User Commands\"\n"
                    ".SH NAME\nllm\\-hw \\- hardware advisor for LLM inference\n"
                    ".SH SYNOPSIS\n.B llm\\-hw\n.I command\n[\\fIoptions\\fR]\n"
                    ".SH DESCRIPTION\n" + roff(app.get_description()) + "\n.PP\n"
                    "It probes the local hardware (CPUs, GPUs, TPUs) or takes catalog targets, scores each device "
                    "against a model and a workload, and recommends one with its reasons.\n";
  for (const CommandInfo& command : commands) {
    out += ".SH \"" + roff(util::to_lower(command.name)) + "\"\n" + roff(command.description) + ".\n";
    for (const OptionInfo& option : command.options) {
      std::vector<std::string> names;
      for (const std::string& name : option.names) {
        names.push_back("\\fB" + roff(name) + "\\fR");
      }
      out += ".TP\n" + util::join(names, ", ") + (option.takes_value ? " \\fI" + roff(option.value_name) + "\\fR" : "") + "\n" +
             roff(option.description) + "\n";
    }
  }
  out += ".SH \"EXIT STATUS\"\n"
         ".TP\n0\nSuccess; for \\fBcheck\\fR: every requirement is met.\n"
         ".TP\n1\n\\fBcheck\\fR: a requirement is not met (the output says which).\n"
         ".TP\n2\nBad usage or bad input: one line on standard error naming the input and the problem.\n"
         ".TP\n3\nThe probe failed entirely (no CPU information could be read).\n"
         ".SH ENVIRONMENT\n"
         ".TP\nNO_COLOR\nWhen set and not empty, disables colour, unless \\fB\\-\\-color always\\fR asks for it "
         "(without it colour is only used on a terminal).\n"
         ".TP\nCOLUMNS\nThe width to lay text out for when standard output is not a terminal (default 80).\n"
         ".TP\nLLM_HW_ROOT\nRead sysfs, procfs and /dev under this folder instead of /.\n"
         ".TP\nLLM_HW_NVML_LIB\nThe NVML library to load instead of libnvidia\\-ml.so.1.\n"
         ".TP\nLLM_HW_NO_NVML\nWhen 1, do not load NVML.\n"
         ".TP\nLLM_HW_CATALOG_DIR\nEvery *.json file in this folder adds to or overrides the catalog.\n"
         ".TP\nXDG_CACHE_HOME\nA memory bandwidth measured with \\fB\\-\\-measure\\fR is kept in "
         "llm\\-hw/bandwidth.json under it (default ~/.cache) for a month, and used by later runs on the same "
         "machine unless \\fB\\-\\-no\\-cache\\fR is given.\n"
         ".SH EXAMPLES\n"
         ".nf\n";
  for (const Example& example : examples()) {
    out += roff(example.command_line) + "\n";
  }
  out += ".fi\n";
  return out;
}

int print_generated(const CLI::App& app, const std::string& what)
{
  auto catalog = catalog::load({});
  if (!catalog) {
    print_error(catalog.error().message());
    return k_exit_bad_input;
  }
  const std::vector<CommandInfo> commands = describe(app, *catalog);
  if (what == "bash") {
    std::cout << bash_completion(commands);
  } else if (what == "zsh") {
    std::cout << zsh_completion(commands);
  } else if (what == "fish") {
    std::cout << fish_completion(commands);
  } else {
    std::cout << man_page(app, commands);
  }
  return k_exit_ok;
}

} // namespace llmhw::cli
