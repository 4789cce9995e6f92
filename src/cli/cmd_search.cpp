// naswot search: best-of-N NASWOT search (the paper's protocol, the default), or a search that
// "trains" architectures by looking them up in a benchmark table: REA, AREA, REINFORCE or
// random search (search_table.cpp), over one or more runs.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/search_table.h"
#include "naswot/search/latency.h"
#include "naswot/search/scan_store.h"
#include "naswot/util/error.h"

namespace naswot::cli {

namespace {

// The score-vs-latency Pareto front of one run's scored networks, by increasing latency.
void print_pareto(const SearchOptions& o, const spaces::SearchSpace& space,
                  search::LatencyMeter& meter, const search::RunResult& res, std::size_t run,
                  std::size_t n_runs) {
  std::vector<search::ScoreLatency> points;
  for (const auto& [arch, score] : res.scored)
    points.push_back({score.score, meter.latency_ms(arch)});
  const std::vector<std::size_t> front = search::pareto_front(points);
  if (!o.common.json) {
    fmt::print("run {}/{}: Pareto front of {} networks ({} on it; latency at batch {})\n", run + 1,
               n_runs, points.size(), front.size(), meter.options().batch);
  }
  for (std::size_t i : front) {
    const spaces::Arch& arch = res.scored[i].first;
    const search::Cost cost = search::cost_of(space, arch);
    const search::Latency& lat = meter.measure(arch);
    if (o.common.json) {
      nlohmann::ordered_json j = {{"run", run},
                                  {"arch", space.format(arch)},
                                  {"score", score_json(points[i].score)},
                                  {"latency_ms", lat.batch_ms},
                                  {"latency_batch1_ms", lat.batch1_ms},
                                  {"params", cost.params},
                                  {"flops", cost.flops}};
      fmt::print("{}\n", j.dump());
    } else {
      fmt::print("  {}  score {}  latency {:.3f} ms (batch 1: {:.3f} ms)  params {}  flops {}\n",
                 space.format(arch), search::format_score(points[i].score), lat.batch_ms,
                 lat.batch1_ms, cost.params, cost.flops);
    }
  }
}

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
  if (o.pareto && !options.limits.latency_meter) {  // shared with the limit: one cache
    options.limits.latency_meter =
        std::make_shared<search::LatencyMeter>(*ctx.space, options.limits.latency);
  }
  ProgressLine progress("search", o.common.quiet || o.common.json);
  options.on_progress = [&](const search::Progress& p) { progress.update(p); };
  const std::vector<search::RunResult> results =
      search::best_of_n(*ctx.space, ctx.data, pool, options);

  std::vector<double> accuracies, seconds;
  for (std::size_t r = 0; r < results.size(); ++r) {
    const search::RunResult& res = results[r];
    const std::string text = ctx.space->format(res.arch);
    seconds.push_back(res.seconds);
    if (o.pareto) {
      print_pareto(o, *ctx.space, *options.limits.latency_meter, res, r, results.size());
      continue;
    }
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
  if (o.pareto && o.algo != "best-of-n")
    throw InputError("--pareto", "only --algo best-of-n reports a Pareto front");
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
                  "benchmark table (CSV, or an NDS .json file): the chosen network's accuracy; the "
                  "fitness of the "
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
  sub->add_option("--max-latency-ms", o->max_latency_ms,
                  "only networks whose measured inference latency (median ms per forward "
                  "pass at --latency-batch, 10 classes) is at most this");
  sub->add_option("--latency-batch", o->latency_batch,
                  "batch size latency is timed at (besides batch 1)")
      ->capture_default_str();
  sub->add_flag("--pareto", o->pareto,
                "best-of-n: report the score-vs-latency Pareto front of the scored networks "
                "instead of the winner");
  return [o] {
    if (o->max_params) o->limits.max_params = *o->max_params;
    if (o->max_flops) o->limits.max_flops = *o->max_flops;
    o->limits.max_latency_ms = o->max_latency_ms;
    o->limits.latency.batch = o->latency_batch;
    o->limits.latency.threads = o->common.threads;
    if (o->latency_batch < 1) throw InputError("--latency-batch", "must be at least 1");
    return run_search(*o);
  };
}

}  // namespace naswot::cli
