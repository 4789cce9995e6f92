// Benchmark mode: drive an ask/tell search where a "training" is a lookup of a benchmark
// table column (e.g. NAS-Bench-201's accuracy), under a budget of trainings and, when the table
// has a per-architecture cost column, of simulated seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "naswot/bench/table.h"
#include "naswot/search/searcher.h"
#include "naswot/spaces/space.h"

namespace naswot::search {

struct TableSearchOptions {
  const bench::Table* table = nullptr;  // must outlive the call
  std::string metric = {};              // fitness column
  std::int64_t max_trainings = 100;     // 0: no limit on trainings (then max_seconds is needed)
  std::string cost_column = {};         // optional: simulated seconds one training costs
  double max_seconds = 0.0;             // budget in simulated seconds; > 0 needs cost_column
};

struct TableSearchResult {
  std::optional<Evaluation> best;  // nullopt only if the budget allowed no training
  std::int64_t n_trainings = 0;
  std::int64_t n_scores = 0;
  double simulated_seconds = 0.0;  // sum of the cost column over the trainings (0 without one)
  double seconds = 0.0;            // wall time of the whole search, scoring included
};

// Asks, looks the fitness up and tells until a budget is spent. With a seconds budget, the
// training that would take the total over it is not counted and ends the search (the
// NAS-Bench-201 baselines' rule, spaces.md §3.5). Throws InputError for a missing column, no
// budget, an architecture the table lacks or a missing/NaN value (naming the table), or a
// cost that is not positive.
[[nodiscard]] TableSearchResult search_table(Searcher& searcher, const spaces::SearchSpace& space,
                                             const TableSearchOptions& options);

}  // namespace naswot::search
