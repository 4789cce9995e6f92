// Rank correlations between scores and benchmark accuracies, matching scipy.stats.
// Kendall's tau-b uses Knight's O(n log n) algorithm (Knight 1966, as scipy.stats.kendalltau):
// sort the pairs by (x, y); count pairs tied in x (n1) and tied in both (n3); merge-sort y,
// counting swaps, which are the discordant pairs because y is already ascending within x ties;
// count pairs tied in the now sorted y (n2). With n0 = n(n-1)/2,
//   tau_b = (n0 - n1 - n2 + n3 - 2 swaps) / sqrt((n0 - n1)(n0 - n2)).
// Spearman's rho is the Pearson correlation of average ranks. Values are compared with < and ==
// only, so -inf (the score of a singular network) is an ordinary value below every other.
#include "naswot/bench/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "naswot/util/error.h"

namespace naswot::bench {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_inputs(std::span<const double> x, std::span<const double> y) {
  NASWOT_CHECK(x.size() == y.size());
  for (std::size_t i = 0; i < x.size(); ++i) NASWOT_CHECK(!std::isnan(x[i]) && !std::isnan(y[i]));
}

bool is_constant(std::span<const double> v) {
  return std::all_of(v.begin(), v.end(), [&](double a) { return a == v.front(); });
}

// Pairs among runs of consecutive equal elements: the sum of t(t-1)/2 over run lengths t.
// `same(i)` says whether element i equals element i - 1.
template <typename Same>
std::int64_t tied_pairs(std::size_t n, Same same) {
  std::int64_t pairs = 0;
  std::int64_t run = 1;
  for (std::size_t i = 1; i < n; ++i) {
    if (same(i)) {
      pairs += run;  // element i ties with each of the `run` before it
      ++run;
    } else {
      run = 1;
    }
  }
  return pairs;
}

// Sorts v ascending with a stable bottom-up merge sort and returns the number of swaps a bubble
// sort would make, i.e. the pairs i < j with v[i] > v[j] (equal values never count).
std::int64_t sort_counting_swaps(std::vector<double>& v) {
  const std::size_t n = v.size();
  std::vector<double> buf(n);
  std::int64_t swaps = 0;
  for (std::size_t width = 1; width < n; width *= 2) {
    for (std::size_t lo = 0; lo < n; lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, n);
      const std::size_t hi = std::min(lo + 2 * width, n);
      std::size_t i = lo;
      std::size_t j = mid;
      std::size_t k = lo;
      while (i < mid && j < hi) {
        if (v[j] < v[i]) {
          swaps += static_cast<std::int64_t>(mid - i);
          buf[k++] = v[j++];
        } else {
          buf[k++] = v[i++];
        }
      }
      k = static_cast<std::size_t>(std::copy(v.begin() + static_cast<std::ptrdiff_t>(i),
                                             v.begin() + static_cast<std::ptrdiff_t>(mid),
                                             buf.begin() + static_cast<std::ptrdiff_t>(k)) -
                                   buf.begin());
      std::copy(v.begin() + static_cast<std::ptrdiff_t>(j),
                v.begin() + static_cast<std::ptrdiff_t>(hi),
                buf.begin() + static_cast<std::ptrdiff_t>(k));
    }
    v.swap(buf);
  }
  return swaps;
}

// 1-based ranks of v; tied values share the mean of the ranks they span.
std::vector<double> average_ranks(std::span<const double> v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    while (j < order.size() && v[order[j]] == v[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j + 1);  // mean of i+1 .. j
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

}  // namespace

double kendall_tau_b(std::span<const double> x, std::span<const double> y) {
  check_inputs(x, y);
  const std::size_t n = x.size();
  if (n < 2) return kNaN;

  std::vector<std::pair<double, double>> xy(n);
  for (std::size_t i = 0; i < n; ++i) xy[i] = {x[i], y[i]};
  std::sort(xy.begin(), xy.end());
  const std::int64_t n1 =
      tied_pairs(n, [&](std::size_t i) { return xy[i].first == xy[i - 1].first; });
  const std::int64_t n3 = tied_pairs(n, [&](std::size_t i) { return xy[i] == xy[i - 1]; });

  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) ys[i] = xy[i].second;
  const std::int64_t swaps = sort_counting_swaps(ys);
  const std::int64_t n2 = tied_pairs(n, [&](std::size_t i) { return ys[i] == ys[i - 1]; });

  const auto n0 = static_cast<std::int64_t>(n) * static_cast<std::int64_t>(n - 1) / 2;
  if (n1 == n0 || n2 == n0) return kNaN;  // a constant side
  const double numerator = static_cast<double>(n0 - n1 - n2 + n3 - 2 * swaps);
  const double denominator =
      std::sqrt(static_cast<double>(n0 - n1)) * std::sqrt(static_cast<double>(n0 - n2));
  return std::clamp(numerator / denominator, -1.0, 1.0);
}

double spearman_rho(std::span<const double> x, std::span<const double> y) {
  check_inputs(x, y);
  const std::size_t n = x.size();
  if (n < 2 || is_constant(x) || is_constant(y)) return kNaN;

  const std::vector<double> rx = average_ranks(x);
  const std::vector<double> ry = average_ranks(y);
  const double mean = 0.5 * static_cast<double>(n + 1);  // the mean of any average ranking
  double sxy = 0.0;
  double sxx = 0.0;
  double syy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = rx[i] - mean;
    const double dy = ry[i] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

}  // namespace naswot::bench
