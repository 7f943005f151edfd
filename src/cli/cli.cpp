#include "llmhw/cli/cli.hpp"

#include "app.hpp"
#include "commands.hpp"
#include "generate.hpp"
#include "options.hpp"
#include "suggest.hpp"
#include "terminal.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <exception>
#include <iostream>
#include <memory>

namespace llmhw::cli {

int run(int argc, char** argv)
{
  Options options;
  std::string generate;
  const std::unique_ptr<CLI::App> app = build_app(options, static_cast<std::size_t>(output_width()));
  app->add_option("--generate", generate, "Print a shell completion script or the man page")
      ->check(CLI::IsMember({"bash", "zsh", "fish", "man"}))
      ->group(""); // hidden: used by the build to install completions and the man page

  try {
    app->parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app->exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app->exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app->exit(version);
  } catch (const CLI::ExtrasError& error) {
    print_error(unexpected_arguments_message(*app, error));
    return k_exit_bad_input;
  } catch (const CLI::ParseError& error) {
    print_error(error.what());
    return k_exit_bad_input;
  }

  if (!generate.empty()) {
    return print_generated(*app, generate);
  }
  if (app->get_subcommands().empty()) {
    std::cout << app->help();
    return k_exit_ok;
  }
  options.command = app->get_subcommands().front()->get_name();

  if (auto sizes = check_option_sizes(options); !sizes) {
    print_error(sizes.error().message());
    return k_exit_bad_input;
  }
  try {
    Result<int> outcome = options.command == "probe"     ? run_probe(options)
                          : options.command == "models"  ? run_models(options)
                          : options.command == "targets" ? run_targets(options)
                                                         : run_advise(options);
    if (!outcome) {
      print_error(outcome.error().message());
      return k_exit_bad_input;
    }
    return *outcome;
  } catch (const InputError& error) {
    print_error(error.error.message());
    return k_exit_bad_input;
  } catch (const std::exception& error) {
    print_error(fmt::format("internal error: {}", error.what()));
    return k_exit_bad_input;
  }
}

} // namespace llmhw::cli
