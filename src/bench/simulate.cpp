#include "naswot/bench/simulate.h"

#include <cmath>

#include "naswot/util/error.h"
#include "naswot/util/rng.h"

namespace naswot::bench {

namespace {

MeanStd mean_std(const std::vector<double>& v) {
  MeanStd m;
  for (double x : v) m.mean += x;
  m.mean /= static_cast<double>(v.size());
  double var = 0.0;
  for (double x : v) var += (x - m.mean) * (x - m.mean);
  m.std = std::sqrt(var / static_cast<double>(v.size()));
  return m;
}

}  // namespace

SimulateResult simulate(std::span<const double> scores,
                        const std::vector<std::vector<double>>& accuracies,
                        const SimulateOptions& options) {
  if (options.samples < 1) throw InputError("--samples", "must be at least 1");
  if (options.runs < 1) throw InputError("--runs", "must be at least 1");
  if (scores.empty()) throw InputError("--scores", "no scored architectures");
  for (const auto& col : accuracies) NASWOT_CHECK(col.size() == scores.size());
  const std::size_t n_cols = accuracies.size();
  std::vector<std::vector<double>> picked(n_cols), best(n_cols), first(n_cols);
  SimulateResult result;
  Rng rng(options.seed);
  const auto n = static_cast<std::int64_t>(scores.size());
  std::vector<std::int64_t> sample(static_cast<std::size_t>(options.samples));
  for (std::int64_t run = 0; run < options.runs; ++run) {
    for (auto& s : sample) s = rng.below(n);
    std::int64_t choice = -1;
    for (std::int64_t s : sample) {
      const double v = scores[static_cast<std::size_t>(s)];
      if (std::isnan(v)) continue;
      if (choice < 0 || v > scores[static_cast<std::size_t>(choice)]) choice = s;
    }
    if (choice < 0) choice = sample[0];  // every score NaN: nothing to prefer
    result.chosen.push_back(choice);
    for (std::size_t c = 0; c < n_cols; ++c) {
      const auto& acc = accuracies[c];
      picked[c].push_back(acc[static_cast<std::size_t>(choice)]);
      first[c].push_back(acc[static_cast<std::size_t>(sample[0])]);
      double top = acc[static_cast<std::size_t>(sample[0])];
      for (std::int64_t s : sample) top = std::max(top, acc[static_cast<std::size_t>(s)]);
      best[c].push_back(top);
    }
  }
  for (std::size_t c = 0; c < n_cols; ++c) {
    result.naswot.push_back(mean_std(picked[c]));
    result.optimal.push_back(mean_std(best[c]));
    result.random.push_back(mean_std(first[c]));
  }
  return result;
}

}  // namespace naswot::bench
