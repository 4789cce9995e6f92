// naswot search: best-of-N NASWOT search (the paper's protocol, the default), or a search that
// "trains" architectures by looking them up in a benchmark table: REA, AREA, REINFORCE or
// random search (search_table.cpp), over one or more runs.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/search_table.h"
#include "naswot/search/scan_store.h"
#include "naswot/util/error.h"

namespace naswot::cli {

namespace {

int run_best_of_n(const SearchOptions& o) {
  if (!o.metric.empty() && o.common.bench.empty())
    throw InputError("--metric", "needs --bench TABLE");
  Context ctx = load_context(o.common);
  search::ScorePool pool(*ctx.space, ctx.scorer, {o.common.jobs, o.common.threads});
  search::BestOfNOptions options;
  options.samples = o.samples;
  options.runs = o.runs;
  options.seed = o.common.seed;
  options.batch_size = o.common.batch_size;
  options.batch_mode = ctx.batch_mode;
  options.table = ctx.table ? &*ctx.table : nullptr;
  options.metric = o.metric;
  options.limits = o.limits;
  ProgressLine progress("search", o.common.quiet || o.common.json);
  options.on_progress = [&](const search::Progress& p) { progress.update(p); };
  const std::vector<search::RunResult> results =
      search::best_of_n(*ctx.space, ctx.data, pool, options);

  std::vector<double> accuracies, seconds;
  for (std::size_t r = 0; r < results.size(); ++r) {
    const search::RunResult& res = results[r];
    const std::string text = ctx.space->format(res.arch);
    seconds.push_back(res.seconds);
    if (res.accuracy) accuracies.push_back(*res.accuracy);
    if (o.common.json) {
      nlohmann::ordered_json j = {{"run", r},
                                  {"arch", text},
                                  {"score", score_json(res.best.score)},
                                  {"n_units", res.best.n_units},
                                  {"seconds", res.seconds},
                                  {"samples", o.samples},
                                  {"n_scored", res.n_scored}};
      if (res.bench_index) j["index"] = *res.bench_index;
      if (res.accuracy) j["accuracy"] = *res.accuracy;
      fmt::print("{}\n", j.dump());
      continue;
    }
    fmt::print("run {}/{}: {}  score {}", r + 1, results.size(), text,
               search::format_score(res.best.score));
    if (res.accuracy) fmt::print("  {} {:.2f}", o.metric, *res.accuracy);
    fmt::print("  ({:.2f} s, {} networks)\n", res.seconds, o.samples);
  }
  if (o.common.json) return 0;
  const auto [t_mean, t_std] = mean_std(seconds);
  fmt::print("search time {:.2f} ± {:.2f} s per run ({} samples, {} runs)\n", t_mean, t_std,
             o.samples, results.size());
  if (!accuracies.empty()) {
    const auto [a_mean, a_std] = mean_std(accuracies);
    fmt::print("{} of the chosen networks: {:.2f} ± {:.2f}\n", o.metric, a_mean, a_std);
  }
  return 0;
}

int run_search(const SearchOptions& o) {
  if (!o.scores.empty() && o.algo != "area")
    throw InputError("--scores", "only --algo area uses it");
  if (o.algo == "best-of-n") return run_best_of_n(o);
  if (o.algo == "rea" || o.algo == "area" || o.algo == "reinforce" || o.algo == "random") {
    return run_table_search(o);
  }
  throw InputError(fmt::format("--algo {}", o.algo),
                   "unknown algorithm (known: best-of-n, rea, area, reinforce, random)");
}

}  // namespace

Command add_search_command(CLI::App& app) {
  auto o = std::make_shared<SearchOptions>();
  CLI::App* sub = app.add_subcommand(
      "search", "search: best-of-N NASWOT (default), or REA/AREA/REINFORCE/random on a table");
  add_common_options(*sub, o->common);
  sub->add_option("--algo", o->algo, "best-of-n | rea | area | reinforce | random")
      ->capture_default_str();
  sub->add_option("--samples,-N", o->samples, "best-of-n: networks drawn per run")
      ->capture_default_str();
  sub->add_option("--runs", o->runs, "independent runs (mean ± std reported)")
      ->capture_default_str();
  sub->add_option("--bench", o->common.bench,
                  "benchmark table (CSV): the chosen network's accuracy; the fitness of the "
                  "table searches");
  sub->add_option("--metric", o->metric, "table column: accuracy reported / fitness searched");
  sub->add_option("--budget-evals", o->budget_evals,
                  "rea/area/reinforce/random: trainings (table lookups) per run; 0 = no limit")
      ->capture_default_str();
  sub->add_option("--budget-seconds", o->budget_seconds,
                  "simulated seconds per run, charged from the --cost column");
  sub->add_option("--cost", o->cost, "table column: simulated seconds of one training");
  sub->add_option("--population", o->population, "rea/area: population P")->capture_default_str();
  sub->add_option("--tournament", o->tournament, "rea/area: tournament sample size S")
      ->capture_default_str();
  sub->add_option("--candidates", o->candidates, "area: architectures scored, M (0 = 2P)")
      ->capture_default_str();
  sub->add_option("--scores", o->scores,
                  "area: a `naswot scan` CSV to take scores from instead of scoring live");
  sub->add_option("--learning-rate", o->learning_rate, "reinforce: Adam learning rate")
      ->capture_default_str();
  sub->add_option("--ema-momentum", o->ema_momentum, "reinforce: baseline EMA momentum")
      ->capture_default_str();
  sub->add_option("--max-params", o->max_params,
                  "only networks with at most this many parameters (10 classes)");
  sub->add_option("--max-flops", o->max_flops,
                  "only networks with at most this many FLOPs (= MACs per 32x32 image)");
  return [o] {
    if (o->max_params) o->limits.max_params = *o->max_params;
    if (o->max_flops) o->limits.max_flops = *o->max_flops;
    return run_search(*o);
  };
}

}  // namespace naswot::cli
