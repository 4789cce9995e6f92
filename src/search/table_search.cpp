// The benchmark-mode driver: a thin loop over ask/tell. Each ask is one training, looked up
// by the architecture's text form in the table (its `arch` key), so duplicate proposals are
// charged again, as the NAS-Bench-201 baselines charge them.
#include "naswot/search/table_search.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "naswot/util/error.h"

namespace naswot::search {

namespace {

double lookup(const bench::Table& table, const std::string& arch_text, const std::string& column) {
  const auto row = table.row_of_arch(arch_text);
  if (!row) throw InputError(table.source(), fmt::format("no row for {}", arch_text));
  const auto value = table.value(*row, column);
  if (!value) throw InputError(table.source(), fmt::format("no {} for {}", column, arch_text));
  return *value;
}

}  // namespace

TableSearchResult search_table(Searcher& searcher, const spaces::SearchSpace& space,
                               const TableSearchOptions& o) {
  NASWOT_CHECK(o.table != nullptr);
  if (o.metric.empty()) throw InputError("--metric", "the fitness column is required");
  o.table->require_column(o.metric);
  const bool timed = o.max_seconds > 0.0;
  if (timed && o.cost_column.empty())
    throw InputError("--budget-seconds", "needs --cost COLUMN (seconds per training)");
  if (!o.cost_column.empty()) o.table->require_column(o.cost_column);
  if (o.max_trainings < 0)
    throw InputError(fmt::format("--budget-evals {}", o.max_trainings), "must be at least 0");
  if (o.max_trainings == 0 && !timed)
    throw InputError("--budget-evals", "give a training budget or --budget-seconds");

  const auto start = std::chrono::steady_clock::now();
  TableSearchResult out;
  while (o.max_trainings == 0 || out.n_trainings < o.max_trainings) {
    const spaces::Arch arch = searcher.ask();
    const std::string text = space.format(arch);
    if (!o.cost_column.empty()) {
      const double cost = lookup(*o.table, text, o.cost_column);
      if (!(cost > 0.0) || !std::isfinite(cost)) {
        throw InputError(o.table->source(), fmt::format("{} of {} is {}, not a positive time",
                                                        o.cost_column, text, cost));
      }
      if (timed && out.simulated_seconds + cost > o.max_seconds) break;
      out.simulated_seconds += cost;
    }
    searcher.tell(arch, lookup(*o.table, text, o.metric));
    ++out.n_trainings;
  }
  out.best = searcher.best();
  out.n_scores = searcher.n_scores();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace naswot::search
