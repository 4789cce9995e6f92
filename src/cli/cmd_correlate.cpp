// naswot correlate: rank correlation of scan scores with benchmark accuracies, joined on the
// architecture string. NaN scores are left out; -inf scores are kept (they rank lowest).
#include <fmt/format.h>

#include <cmath>

#include "cli/commands.h"
#include "cli/common.h"
#include "naswot/bench/stats.h"
#include "naswot/util/error.h"

namespace naswot::cli {

namespace {

struct CorrelateOptions {
  std::string scores, bench;
  std::vector<std::string> metrics;
  std::string score_column = "score";
  bool json = false;
};

int run_correlate(const CorrelateOptions& o) {
  const ScoreJoin join = join_scores(o.scores, o.bench, o.score_column, o.metrics);
  const bench::Table& scores = join.scores;
  const bench::Table& table = join.table;
  const std::vector<std::int64_t>& score_rows = join.score_rows;
  const std::vector<std::int64_t>& table_rows = join.table_rows;
  const std::int64_t unmatched = join.unmatched;
  const std::vector<std::string>& metrics = join.metrics;
  for (const std::string& m : metrics) {
    std::vector<double> x, y;
    for (std::size_t k = 0; k < score_rows.size(); ++k) {
      const auto s = scores.value(score_rows[k], o.score_column);
      const auto a = table.value(table_rows[k], m);
      if (!s || !a || std::isnan(*s) || std::isnan(*a)) continue;
      x.push_back(*s);
      y.push_back(*a);
    }
    const double tau = bench::kendall_tau_b(x, y), rho = bench::spearman_rho(x, y);
    if (o.json) {
      fmt::print("{}\n", nlohmann::json{{"metric", m},
                                        {"n", x.size()},
                                        {"kendall_tau", tau},
                                        {"spearman_rho", rho},
                                        {"unmatched", unmatched}}
                             .dump());
    } else {
      fmt::print("{:<24} n={:<6} kendall_tau={:.4f}  spearman_rho={:.4f}\n", m, x.size(), tau, rho);
    }
  }
  if (unmatched > 0 && !o.json) {
    fmt::print(stderr, "{} rows of {} have no match in {}\n", unmatched, o.scores, o.bench);
  }
  return 0;
}

}  // namespace

Command add_correlate_command(CLI::App& app) {
  auto o = std::make_shared<CorrelateOptions>();
  CLI::App* sub =
      app.add_subcommand("correlate", "Kendall tau-b and Spearman rho of scores vs accuracy");
  sub->add_option("--scores", o->scores, "scan CSV (index,arch,score,...)")->required();
  sub->add_option("--bench", o->bench, "benchmark table (CSV, or an NDS .json file)")->required();
  sub->add_option("--metric", o->metrics, "accuracy column(s); default: every metric column");
  sub->add_option("--score-column", o->score_column, "score column of the scan CSV")
      ->capture_default_str();
  sub->add_flag("--json", o->json, "one JSON object per metric");
  return [o] { return run_correlate(*o); };
}

}  // namespace naswot::cli
