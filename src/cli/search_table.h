// The options of `naswot search` and the table-driven searches (REA, AREA, REINFORCE,
// random search) it runs; cmd_search.cpp parses, search_table.cpp runs them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/common.h"
#include "naswot/search/constraints.h"

namespace naswot::cli {

struct SearchOptions {
  CommonOptions common;
  std::string algo = "best-of-n";
  std::int64_t samples = 100;  // best-of-n: N
  std::int64_t runs = 1;
  std::string metric;
  std::int64_t budget_evals = 100;  // trainings per run
  double budget_seconds = 0.0;      // simulated seconds per run (needs cost)
  std::string cost;                 // table column of seconds per training
  std::int64_t population = 10, tournament = 3, candidates = 0;
  std::string scores;  // AREA: scan CSV
  double learning_rate = 0.01, ema_momentum = 0.9;
  std::optional<std::int64_t> max_params, max_flops;
  std::optional<double> max_latency_ms;
  std::int64_t latency_batch = 1;  // the batch --max-latency-ms and --pareto time at
  bool pareto = false;             // best-of-n: report the score-vs-latency front
  search::Limits limits;
};

// Population mean and std (numpy's default ddof = 0). REQUIRES: v not empty.
[[nodiscard]] std::pair<double, double> mean_std(const std::vector<double>& v);

// Runs o.algo (rea, area, reinforce or random) o.runs times on the --bench table and prints one
// line (or JSON object) per run and a summary. Throws InputError for bad options or files.
int run_table_search(const SearchOptions& o);

}  // namespace naswot::cli
