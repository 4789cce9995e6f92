// The subcommands. Each adds itself to the app and runs when selected; each returns the
// process exit status. Library errors propagate to main(), the only catch site.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace naswot::cli {

using Command = std::function<int()>;

Command add_score_command(CLI::App& app);
Command add_search_command(CLI::App& app);
Command add_scan_command(CLI::App& app);
Command add_correlate_command(CLI::App& app);
Command add_simulate_command(CLI::App& app);

}  // namespace naswot::cli
