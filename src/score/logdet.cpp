// log|det A| as numpy slogdet computes it for the NASWOT score (reference-semantics.md §1.6): LU
// with partial pivoting in double, the sign discarded, and -inf as soon as a pivot is exactly
// zero. Exact zeros do occur for the singular K the reference produces (all-`none` cells give
// N_A*11^T, repeated images give equal rows): elimination cancels identical rows bit for bit.
// Only U's diagonal is needed, so the multipliers are not stored and swaps skip the L columns.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "naswot/score/naswot.h"
#include "naswot/util/error.h"

namespace naswot::score {
namespace {

// Below this many trailing rows an elimination step takes a few microseconds, about what even an
// `if`-disabled OpenMP region costs (that overhead alone made the 128x128 case 40% slower), so
// small steps take a plain loop.
constexpr std::int64_t kMinParallelRows = 256;

// Subtracts the multiple of pivot row k that zeroes column k of row i (columns > k only).
inline void eliminate_row(double* lu, std::int64_t n, std::int64_t k, std::int64_t i) {
  const double* pivot_row = lu + k * n;
  double* row = lu + i * n;
  const double f = row[k] / pivot_row[k];
  if (f == 0.0) return;
  for (std::int64_t j = k + 1; j < n; ++j) row[j] -= f * pivot_row[j];
}

}  // namespace

double log_abs_det(std::span<const double> a, std::int64_t n) {
  NASWOT_CHECK(n >= 0 && static_cast<std::int64_t>(a.size()) == n * n);
  std::vector<double> copy(a.begin(), a.end());
  double* lu = copy.data();
  double log_det = 0.0;
  for (std::int64_t k = 0; k < n; ++k) {
    std::int64_t p = k;
    for (std::int64_t i = k + 1; i < n; ++i) {
      if (std::abs(lu[i * n + k]) > std::abs(lu[p * n + k])) p = i;
    }
    const double pivot = lu[p * n + k];
    if (pivot == 0.0) return -std::numeric_limits<double>::infinity();
    if (p != k) std::swap_ranges(lu + k * n + k, lu + k * n + n, lu + p * n + k);
    log_det += std::log(std::abs(pivot));

    if (n - k > kMinParallelRows) {
#pragma omp parallel for schedule(static)
      for (std::int64_t i = k + 1; i < n; ++i) eliminate_row(lu, n, k, i);
    } else {
      for (std::int64_t i = k + 1; i < n; ++i) eliminate_row(lu, n, k, i);
    }
  }
  return log_det;
}

}  // namespace naswot::score
