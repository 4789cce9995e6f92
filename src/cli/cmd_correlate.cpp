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
  const bench::Table scores = bench::Table::read_csv(o.scores);
  const bench::Table table = bench::Table::read_csv(o.bench);
  scores.require_column(o.score_column);
  if (!scores.has_column("arch")) throw InputError(o.scores, "has no `arch` column to join on");
  std::vector<std::string> metrics = o.metrics.empty() ? table.metric_columns() : o.metrics;
  for (const std::string& m : metrics) table.require_column(m);

  std::vector<std::int64_t> score_rows, table_rows;
  std::int64_t unmatched = 0;
  for (std::int64_t r = 0; r < scores.n_rows(); ++r) {
    const auto row = table.row_of_arch(scores.text(r, "arch"));
    if (!row) {
      ++unmatched;
      continue;
    }
    score_rows.push_back(r);
    table_rows.push_back(*row);
  }
  if (score_rows.empty()) {
    throw InputError(o.scores, fmt::format("no architecture matches a row of {}", o.bench));
  }
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
  sub->add_option("--bench", o->bench, "benchmark table (CSV)")->required();
  sub->add_option("--metric", o->metrics, "accuracy column(s); default: every metric column");
  sub->add_option("--score-column", o->score_column, "score column of the scan CSV")
      ->capture_default_str();
  sub->add_flag("--json", o->json, "one JSON object per metric");
  return [o] { return run_correlate(*o); };
}

}  // namespace naswot::cli
