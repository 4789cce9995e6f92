// naswot: training-free neural architecture search (Mellor et al. 2021) from the command line.
// The only catch site: bad input exits 2 with "naswot: <input>: <problem>", anything else is
// an internal error (exit 1).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <map>

#include "cli/commands.h"
#include "naswot/util/error.h"

int main(int argc, char** argv) {
  using namespace naswot::cli;
  CLI::App app{"naswot: score neural networks without training (NASWOT) and search with it"};
  app.require_subcommand(1);
  std::map<CLI::App*, Command> commands;
  const auto add = [&](Command (*adder)(CLI::App&)) {
    const std::size_t before = app.get_subcommands({}).size();
    Command run = adder(app);
    commands[app.get_subcommands({})[before]] = std::move(run);
  };
  add(add_score_command);
  add(add_search_command);
  add(add_scan_command);
  add(add_correlate_command);
  add(add_simulate_command);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    for (auto& [sub, run] : commands) {
      if (sub->parsed()) return run();
    }
    return 2;
  } catch (const naswot::InputError& e) {
    fmt::print(stderr, "naswot: {}\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    fmt::print(stderr, "naswot: internal error: {}\n", e.what());
    return 1;
  }
}
