// The table-driven searches of `naswot search`: each run builds a fresh searcher seeded with
// derive_seed(--seed, run) and drives it over the benchmark table (search::search_table). AREA's
// scores come from a live Scorer (one batch per run, as best-of-N draws them) or from a scan
// CSV; a scan that covers only part of the space restricts AREA's candidates to that part.
#include "cli/search_table.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <unordered_map>

#include "naswot/search/area.h"
#include "naswot/search/random_search.h"
#include "naswot/search/rea.h"
#include "naswot/search/reinforce.h"
#include "naswot/search/table_search.h"
#include "naswot/util/error.h"

namespace naswot::cli {

std::pair<double, double> mean_std(const std::vector<double>& v) {
  double mean = 0.0, var = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) var += (x - mean) * (x - mean);
  return {mean, std::sqrt(var / static_cast<double>(v.size()))};
}

namespace {

// Scores of a scan CSV by canonical architecture text, and the architectures it covers.
struct ScoreFile {
  std::unordered_map<std::string, double> score;
  std::vector<spaces::Arch> archs;
};

ScoreFile read_scores(const std::string& path, const spaces::SearchSpace& space) {
  const bench::Table t = bench::Table::read_csv(path);
  t.require_column("score");
  if (!t.has_column("arch")) throw InputError(path, "has no `arch` column");
  ScoreFile f;
  for (std::int64_t r = 0; r < t.n_rows(); ++r) {
    spaces::Arch arch = space.parse(t.text(r, "arch"));
    f.score[space.format(arch)] = t.value(r, "score").value_or(std::nan(""));
    f.archs.push_back(std::move(arch));
  }
  return f;
}

std::unique_ptr<search::Searcher> make_searcher(const SearchOptions& o, const Context& ctx,
                                                std::uint64_t seed, search::ScoreFn score,
                                                const std::vector<spaces::Arch>& pool) {
  search::ReaOptions rea{o.population, o.tournament, seed, o.limits};
  if (o.algo == "rea") return std::make_unique<search::Rea>(*ctx.space, rea);
  if (o.algo == "area") {
    search::AreaOptions area{rea, o.candidates, pool};
    return std::make_unique<search::Area>(*ctx.space, area, std::move(score));
  }
  if (o.algo == "random")
    return std::make_unique<search::RandomSearch>(*ctx.space,
                                                  search::RandomSearchOptions{seed, o.limits});
  NASWOT_CHECK(o.algo == "reinforce");
  return std::make_unique<search::Reinforce>(
      *ctx.space, search::ReinforceOptions{o.learning_rate, o.ema_momentum, seed, o.limits});
}

}  // namespace

int run_table_search(const SearchOptions& o) {
  if (o.common.bench.empty())
    throw InputError(fmt::format("--algo {}", o.algo), "needs --bench TABLE (the fitness)");
  if (o.metric.empty())
    throw InputError(fmt::format("--algo {}", o.algo), "needs --metric COLUMN (the fitness)");
  if (o.runs < 1) throw InputError(fmt::format("--runs {}", o.runs), "must be at least 1");
  Context ctx = load_context(o.common);
  const bench::Table& table = *ctx.table;
  table.require_column(o.metric);

  ScoreFile file;
  std::vector<spaces::Arch> pool;
  if (!o.scores.empty()) {
    file = read_scores(o.scores, *ctx.space);
    const spaces::Enumeration* list = ctx.space->enumeration();
    const std::optional<std::int64_t> size =
        list ? std::optional<std::int64_t>(list->size()) : std::nullopt;
    if (!size || std::ssize(file.score) < *size) {
      pool = file.archs;  // draw AREA's candidates among the scored architectures only
      if (!o.common.quiet) {
        fmt::print(stderr, "{} scores {} architectures of {}; AREA draws among them\n", o.scores,
                   file.score.size(), size ? fmt::format("{}", *size) : std::string("the space"));
      }
    }
  }
  std::optional<search::Scorer> scorer;
  if (o.algo == "area" && o.scores.empty()) scorer.emplace(*ctx.space, ctx.scorer);

  search::TableSearchOptions topt{&table, o.metric, o.budget_evals, o.cost, o.budget_seconds};
  ProgressLine progress("search", o.common.quiet || o.common.json);
  const auto start = std::chrono::steady_clock::now();
  std::vector<double> accuracies, trainings, scores;
  for (std::int64_t run = 0; run < o.runs; ++run) {
    const std::uint64_t seed = derive_seed(o.common.seed, static_cast<std::uint64_t>(run));
    Tensor batch;
    search::ScoreFn score;
    if (scorer) {
      batch = ctx.data.batch(o.common.batch_size, ctx.batch_mode, seed);
      score = [&](const spaces::Arch& a) { return scorer->score(a, batch, o.common.seed).score; };
    } else if (!o.scores.empty()) {
      score = [&](const spaces::Arch& a) {
        const auto it = file.score.find(ctx.space->format(a));
        if (it == file.score.end())
          throw InputError(o.scores, fmt::format("no score for {}", ctx.space->format(a)));
        return it->second;
      };
    }
    auto searcher = make_searcher(o, ctx, seed, std::move(score), pool);
    const search::TableSearchResult res = search::search_table(*searcher, *ctx.space, topt);
    progress.update(
        {run + 1, o.runs,
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
    trainings.push_back(static_cast<double>(res.n_trainings));
    scores.push_back(static_cast<double>(res.n_scores));
    if (!res.best) throw InputError("--budget-seconds", "too small for a single training");
    const std::string text = ctx.space->format(res.best->arch);
    accuracies.push_back(res.best->fitness);
    const search::Cost cost = search::cost_of(*ctx.space, res.best->arch);
    if (o.common.json) {
      nlohmann::ordered_json j = {{"run", run},
                                  {"algo", o.algo},
                                  {"arch", text},
                                  {"metric", o.metric},
                                  {"accuracy", res.best->fitness},
                                  {"n_trainings", res.n_trainings},
                                  {"n_scores", res.n_scores},
                                  {"seconds", res.seconds},
                                  {"params", cost.params},
                                  {"flops", cost.flops}};
      if (!o.cost.empty()) j["simulated_seconds"] = res.simulated_seconds;
      const std::int64_t row = *table.row_of_arch(text);
      if (table.has_column("index")) {
        if (const auto index = table.value(row, "index")) j["index"] = std::llround(*index);
      }
      nlohmann::ordered_json metrics;
      for (const std::string& m : table.metric_columns()) {
        const auto v = table.value(row, m);
        metrics[m] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
      }
      j["metrics"] = metrics;
      fmt::print("{}\n", j.dump());
      continue;
    }
    fmt::print("run {}/{}: {}  {} {:.2f}  ({} trainings, {} scores, {:.3f} s)\n", run + 1, o.runs,
               text, o.metric, res.best->fitness, res.n_trainings, res.n_scores, res.seconds);
  }
  if (o.common.json) return 0;
  const auto [a_mean, a_std] = mean_std(accuracies);
  fmt::print(
      "{} {} of the chosen networks: {:.2f} ± {:.2f} over {} runs ({:.1f} trainings, "
      "{:.1f} scores per run)\n",
      o.algo, o.metric, a_mean, a_std, o.runs, mean_std(trainings).first, mean_std(scores).first);
  return 0;
}

}  // namespace naswot::cli
