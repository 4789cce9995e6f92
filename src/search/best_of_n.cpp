#include "naswot/search/best_of_n.h"

#include <chrono>
#include <cmath>
#include <map>

#include "naswot/util/error.h"
#include "naswot/util/rng.h"

namespace naswot::search {

std::optional<std::int64_t> table_row(const bench::Table& table, const spaces::SearchSpace& space,
                                      const spaces::Arch& arch) {
  return table.row_of_arch(space.format(arch));
}

std::vector<RunResult> best_of_n(const spaces::SearchSpace& space, const data::Dataset& data,
                                 ScorePool& pool, const BestOfNOptions& options) {
  if (options.samples < 1) throw InputError("--samples", "must be at least 1");
  if (options.runs < 1) throw InputError("--runs", "must be at least 1");
  if (options.table && !options.metric.empty()) options.table->require_column(options.metric);
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  Rng index_rng(options.seed);  // one stream across runs, like the reference's numpy draws
  Constrained constrained(space, options.limits);  // without limits: space.sample() exactly
  std::vector<RunResult> results;
  std::int64_t done = 0;
  for (std::int64_t run = 0; run < options.runs; ++run) {
    const auto run_start = clock::now();
    std::vector<spaces::Arch> drawn;
    for (std::int64_t i = 0; i < options.samples; ++i)
      drawn.push_back(constrained.sample(index_rng));
    const Tensor batch = data.batch(options.batch_size, options.batch_mode,
                                    derive_seed(options.seed, static_cast<std::uint64_t>(run)));
    // The same arch drawn twice gets the same batch and weights, hence the same score: score
    // each distinct one once.
    std::map<spaces::Arch, std::size_t> slot;
    std::vector<spaces::Arch> distinct;
    for (const spaces::Arch& arch : drawn) {
      if (slot.emplace(arch, distinct.size()).second) distinct.push_back(arch);
    }
    const std::vector<ScoreResult> scores =
        pool.score(distinct, batch, options.seed, [&](std::int64_t n) {
          if (options.on_progress) {
            options.on_progress({done + n, options.samples * options.runs,
                                 std::chrono::duration<double>(clock::now() - start).count()});
          }
        });
    done += options.samples;
    RunResult best;
    bool have = false;
    for (const spaces::Arch& arch : drawn) {  // draw order: the first of equal maxima wins
      const ScoreResult& r = scores[slot[arch]];
      if (!have || r.score > best.best.score) {
        best.arch = arch;
        best.best = r;
        have = true;
      }
    }
    best.n_scored = static_cast<std::int64_t>(distinct.size());
    for (std::size_t i = 0; i < distinct.size(); ++i)
      best.scored.emplace_back(distinct[i], scores[i]);
    if (options.table) {
      if (const auto row = table_row(*options.table, space, best.arch)) {
        if (!options.metric.empty()) best.accuracy = options.table->value(*row, options.metric);
        if (options.table->has_column("index")) {
          if (const auto v = options.table->value(*row, "index"))
            best.bench_index = std::llround(*v);
        }
      }
    }
    best.seconds = std::chrono::duration<double>(clock::now() - run_start).count();
    results.push_back(std::move(best));
  }
  return results;
}

}  // namespace naswot::search
