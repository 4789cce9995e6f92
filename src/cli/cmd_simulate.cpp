// naswot simulate: the paper's best-of-N protocol replayed over a scan's scores (Table 2(a)).
#include <fmt/format.h>

#include <cmath>

#include "cli/commands.h"
#include "cli/common.h"
#include "naswot/bench/simulate.h"
#include "naswot/util/error.h"

namespace naswot::cli {

namespace {

struct SimulateOptions {
  std::string scores, bench;
  std::vector<std::int64_t> samples{100};
  std::int64_t runs = 500;
  std::uint64_t seed = 1;
  std::vector<std::string> metrics;
  bool json = false;
};

int run_simulate(const SimulateOptions& o) {
  const ScoreJoin join = join_scores(o.scores, o.bench, "score", o.metrics);
  const std::vector<std::string>& metrics = join.metrics;
  const std::int64_t unmatched = join.unmatched;

  // The matched architectures with every metric present.
  std::vector<double> score_of;
  std::vector<std::vector<double>> acc(metrics.size());
  for (std::size_t k = 0; k < join.score_rows.size(); ++k) {
    std::vector<double> values;
    for (const std::string& m : metrics) {
      const auto v = join.table.value(join.table_rows[k], m);
      if (!v) break;
      values.push_back(*v);
    }
    if (values.size() != metrics.size()) continue;
    score_of.push_back(join.scores.value(join.score_rows[k], "score").value_or(std::nan("")));
    for (std::size_t c = 0; c < metrics.size(); ++c) acc[c].push_back(values[c]);
  }
  if (score_of.empty()) {
    throw InputError(o.scores, fmt::format("no architecture of {} has every metric", o.bench));
  }

  if (!o.json) {
    fmt::print("{} architectures, {} runs, seed {}; mean ± std of the chosen networks\n",
               score_of.size(), o.runs, o.seed);
    fmt::print("{:<16}", "method");
    for (const std::string& m : metrics) fmt::print(" {:>22}", m);
    fmt::print("\n");
  }
  auto print_row = [&](const std::string& name, std::int64_t n,
                       const std::vector<bench::MeanStd>& row) {
    if (o.json) {
      nlohmann::ordered_json j = {{"row", name}, {"samples", n}, {"runs", o.runs}};
      for (std::size_t c = 0; c < metrics.size(); ++c) {
        j[metrics[c]] = {{"mean", row[c].mean}, {"std", row[c].std}};
      }
      fmt::print("{}\n", j.dump());
      return;
    }
    fmt::print("{:<16}", fmt::format("{} N={}", name, n));
    for (const bench::MeanStd& m : row)
      fmt::print(" {:>22}", fmt::format("{:.2f} ± {:.2f}", m.mean, m.std));
    fmt::print("\n");
  };
  for (std::int64_t n : o.samples) {
    const bench::SimulateResult r = bench::simulate(score_of, acc, {n, o.runs, o.seed});
    print_row("naswot", n, r.naswot);
    print_row("optimal", n, r.optimal);
    print_row("random", n, r.random);
  }
  if (unmatched > 0 && !o.json)
    fmt::print(stderr, "{} rows of {} have no match in {}\n", unmatched, o.scores, o.bench);
  return 0;
}

}  // namespace

Command add_simulate_command(CLI::App& app) {
  auto o = std::make_shared<SimulateOptions>();
  CLI::App* sub = app.add_subcommand("simulate", "replay best-of-N searches over a scan's scores");
  sub->add_option("--scores", o->scores, "scan CSV (index,arch,score,...)")->required();
  sub->add_option("--bench", o->bench, "benchmark table (CSV, or an NDS .json file)")->required();
  sub->add_option("--samples,-N", o->samples, "N per run; several: 10,100,1000")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--runs", o->runs, "simulated runs")->capture_default_str();
  sub->add_option("--seed", o->seed, "seed of the draws")->capture_default_str();
  sub->add_option("--metric", o->metrics, "accuracy column(s); default: every metric column")
      ->delimiter(',');
  sub->add_flag("--json", o->json, "one JSON object per row");
  return [o] { return run_simulate(*o); };
}

}  // namespace naswot::cli
