// Best-of-N search as in the paper (and the reference's search.py, §4): each run draws N
// architectures uniformly with replacement, scores all of them on one batch (each run draws
// its own batch) and keeps the highest score (the first of equal maxima; -inf ranks below
// every finite score). Library code: silent, reports progress through a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "naswot/bench/table.h"
#include "naswot/data/dataset.h"
#include "naswot/search/constraints.h"
#include "naswot/search/score_pool.h"
#include "naswot/spaces/space.h"

namespace naswot::search {

struct Progress {
  std::int64_t done = 0, total = 0;  // networks scored so far / to score
  double elapsed_seconds = 0.0;
};

struct BestOfNOptions {
  std::int64_t samples = 100;  // N, architectures drawn per run
  std::int64_t runs = 1;
  std::uint64_t seed = 1;  // index draws (one stream over all runs), batches, weights
  std::int64_t batch_size = 128;
  data::BatchMode batch_mode = data::BatchMode::kRandom;
  const bench::Table* table = nullptr;  // optional: look up the chosen network's accuracy
  std::string metric;                   // table column for the accuracy
  Limits limits = {};  // draws over the limits are redrawn, so the choice is always within them
  std::function<void(const Progress&)> on_progress;
};

struct RunResult {
  spaces::Arch arch;                        // the chosen architecture
  ScoreResult best;                         // its score and N_A
  double seconds = 0.0;                     // wall time of the whole run (data + scoring)
  std::int64_t n_scored = 0;                // distinct networks scored in the run
  std::optional<double> accuracy;           // table metric of the chosen arch
  std::optional<std::int64_t> bench_index;  // its row's `index` in the table, if any
  std::vector<std::pair<spaces::Arch, ScoreResult>> scored;  // every distinct draw, drawn order
};

// Runs the search. Throws InputError for bad options (samples or runs < 1, a metric the
// table lacks, batch size invalid for the data).
[[nodiscard]] std::vector<RunResult> best_of_n(const spaces::SearchSpace& space,
                                               const data::Dataset& data, ScorePool& pool,
                                               const BestOfNOptions& options);

// The table row of an architecture (by its text form), or nullopt.
[[nodiscard]] std::optional<std::int64_t> table_row(const bench::Table& table,
                                                    const spaces::SearchSpace& space,
                                                    const spaces::Arch& arch);

}  // namespace naswot::search
