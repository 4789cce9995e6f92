// naswot search: best-of-N NASWOT search (the paper's protocol), over one or more runs.
#include <fmt/format.h>

#include <cmath>

#include "cli/commands.h"
#include "cli/common.h"
#include "naswot/search/scan_store.h"
#include "naswot/util/error.h"

namespace naswot::cli {

namespace {

struct SearchOptions {
  CommonOptions common;
  std::int64_t samples = 100;
  std::int64_t runs = 1;
  std::string metric;
  std::string algo = "best-of-n";
};

std::pair<double, double> mean_std(const std::vector<double>& v) {
  double mean = 0.0, var = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) var += (x - mean) * (x - mean);
  return {mean, std::sqrt(var / static_cast<double>(v.size()))};  // population std, as numpy
}

int run_search(const SearchOptions& o) {
  if (o.algo != "best-of-n") {
    throw InputError(fmt::format("--algo {}", o.algo), "unknown algorithm (known: best-of-n)");
  }
  if (!o.metric.empty() && o.common.bench.empty())
    throw InputError("--metric", "needs --bench TABLE");
  Context ctx = load_context(o.common);
  search::Scorer scorer(*ctx.space, ctx.scorer);
  search::BestOfNOptions options;
  options.samples = o.samples;
  options.runs = o.runs;
  options.seed = o.common.seed;
  options.batch_size = o.common.batch_size;
  options.batch_mode = ctx.batch_mode;
  options.table = ctx.table ? &*ctx.table : nullptr;
  options.metric = o.metric;
  ProgressLine progress("search", o.common.quiet || o.common.json);
  options.on_progress = [&](const search::Progress& p) { progress.update(p); };
  const std::vector<search::RunResult> results =
      search::best_of_n(*ctx.space, ctx.data, scorer, options);

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

}  // namespace

Command add_search_command(CLI::App& app) {
  auto o = std::make_shared<SearchOptions>();
  CLI::App* sub =
      app.add_subcommand("search", "best-of-N search: score N random networks, keep the best");
  add_common_options(*sub, o->common);
  sub->add_option("--samples,-N", o->samples, "networks drawn per run")->capture_default_str();
  sub->add_option("--runs", o->runs, "independent runs (mean ± std reported)")
      ->capture_default_str();
  sub->add_option("--bench", o->common.bench,
                  "benchmark table (CSV) for the chosen network's accuracy");
  sub->add_option("--metric", o->metric, "table column reported as accuracy (e.g. cifar10_test)");
  sub->add_option("--algo", o->algo, "search algorithm")->capture_default_str();
  return [o] { return run_search(*o); };
}

}  // namespace naswot::cli
