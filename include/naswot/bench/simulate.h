// The paper's search protocol replayed over a precomputed score table (Table 2(a) of Mellor
// et al.): each run draws N architectures uniformly with replacement and picks the highest
// score (first of equal maxima; -inf below everything; NaN never chosen). Alongside it, the
// "optimal" row (the best accuracy in the same sample, per column) and the "random" row (the
// first architecture of the sample, i.e. a uniformly random pick). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace naswot::bench {

struct SimulateOptions {
  std::int64_t samples = 100;  // N
  std::int64_t runs = 500;
  std::uint64_t seed = 1;
};

struct MeanStd {
  double mean = 0.0, std = 0.0;  // population std, as numpy's default
};

struct SimulateResult {
  // One entry per accuracy column, in the order given.
  std::vector<MeanStd> naswot, optimal, random;
  std::vector<std::int64_t> chosen;  // chosen row of each run
};

// scores[i] and accuracies[c][i] describe architecture i. Throws InputError for N or runs < 1
// or for empty input. REQUIRES: every accuracies[c] has scores.size() entries, no NaN.
[[nodiscard]] SimulateResult simulate(std::span<const double> scores,
                                      const std::vector<std::vector<double>>& accuracies,
                                      const SimulateOptions& options);

}  // namespace naswot::bench
