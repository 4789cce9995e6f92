// Rank statistics for score-vs-accuracy correlation. Pure functions; thread-safe.
#pragma once

#include <span>

namespace naswot::bench {

// Kendall's tau-b (ties corrected, as scipy.stats.kendalltau), O(n log n). -inf values are
// ordinary values (below everything). Returns NaN when n < 2 or either side is constant.
// REQUIRES: x.size() == y.size(); no NaN (both checked; a violation aborts).
[[nodiscard]] double kendall_tau_b(std::span<const double> x, std::span<const double> y);

// Spearman's rho: Pearson correlation of average ranks (ties share the mean rank), as
// scipy.stats.spearmanr. NaN when n < 2 or either side is constant. REQUIRES as above.
[[nodiscard]] double spearman_rho(std::span<const double> x, std::span<const double> y);

}  // namespace naswot::bench
