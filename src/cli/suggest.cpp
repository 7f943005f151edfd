#include "suggest.hpp"

#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <optional>
#include <vector>

namespace llmhw::cli {
namespace {

/// The long options of one command as typed: "--model", "--target", …; hidden ones (no group) left out.
std::vector<std::string> long_options(const CLI::App& command)
{
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_group().empty()) {
      continue;
    }
    for (const std::string& name : option->get_lnames()) {
      names.push_back("--" + name);
    }
  }
  return names;
}

std::vector<std::string> subcommand_names(CLI::App& app)
{
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(command->get_name());
  }
  return names;
}

std::string option_message(const CLI::App& command, const std::string& word, bool top_level)
{
  const std::string name = word.substr(0, word.find('='));
  const std::string where = top_level ? "" : command.get_name() + ": ";
  if (auto match = util::closest_match(name, long_options(command))) {
    return fmt::format("{}unknown option '{}'; did you mean {}?", where, name, *match);
  }
  return fmt::format("{}unknown option '{}' (see llm-hw {}--help)", where, name,
                     top_level ? "" : command.get_name() + " ");
}

} // namespace

std::string unexpected_arguments_message(CLI::App& app, const CLI::ExtrasError& error)
{
  const std::vector<CLI::App*> chosen = app.get_subcommands();
  if (chosen.empty()) {
    const std::vector<std::string> extra = app.remaining();
    if (extra.empty()) {
      return error.what();
    }
    const std::string& word = extra.front();
    if (word.starts_with("-")) {
      return option_message(app, word, true);
    }
    if (auto match = util::closest_match(word, subcommand_names(app))) {
      return fmt::format("unknown command '{}'; did you mean '{}'?", word, *match);
    }
    return fmt::format("unknown command '{}' (see llm-hw --help)", word);
  }
  CLI::App& command = *chosen.front();
  const std::vector<std::string> extra = command.remaining();
  if (extra.empty() || !extra.front().starts_with("-")) {
    return error.what();
  }
  return option_message(command, extra.front(), false);
}

} // namespace llmhw::cli
