#include "naswot/bench/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace naswot::bench {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

int sign_of_difference(double a, double b) { return (a > b) - (a < b); }

// O(n^2) tau-b straight from the definition, as the oracle for Knight's algorithm.
double naive_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::int64_t concordant_minus_discordant = 0;
  std::int64_t untied_x = 0;
  std::int64_t untied_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const int sx = sign_of_difference(x[i], x[j]);
      const int sy = sign_of_difference(y[i], y[j]);
      concordant_minus_discordant += sx * sy;
      untied_x += sx != 0;
      untied_y += sy != 0;
    }
  }
  if (untied_x == 0 || untied_y == 0) return std::nan("");
  return static_cast<double>(concordant_minus_discordant) /
         std::sqrt(static_cast<double>(untied_x) * static_cast<double>(untied_y));
}

// O(n^2) Spearman: rank = 1 + (number below) + (number of others equal) / 2.
double naive_spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  const auto ranks = [n](const std::vector<double>& v) {
    std::vector<double> r(n, 1.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        if (v[j] < v[i]) r[i] += 1.0;
        if (j != i && v[j] == v[i]) r[i] += 0.5;
      }
    }
    return r;
  };
  const std::vector<double> rx = ranks(x);
  const std::vector<double> ry = ranks(y);
  double mx = 0.0;
  double my = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += rx[i] / static_cast<double>(n);
    my += ry[i] / static_cast<double>(n);
  }
  double sxy = 0.0;
  double sxx = 0.0;
  double syy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  if (sxx == 0.0 || syy == 0.0) return std::nan("");
  return sxy / std::sqrt(sxx * syy);
}

// n values drawn from `levels` distinct ones (so many ties), with some -inf among them.
std::vector<double> random_tied(std::size_t n, int levels, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(0, levels);
  std::vector<double> v(n);
  for (double& a : v) {
    const int k = pick(rng);
    a = k == levels ? -kInf : 0.25 * k;
  }
  return v;
}

void expect_same(double expected, double actual) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << actual;
  } else {
    EXPECT_NEAR(expected, actual, 1e-12);
  }
}

TEST(KendallTauB, MatchesHandValues) {
  EXPECT_DOUBLE_EQ(
      kendall_tau_b(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>{3, 1, 2, 5, 4}), 0.4);
  // Ties: C = 4, D = 0, one tie in each of x and y: 4 / sqrt(5 * 5).
  EXPECT_DOUBLE_EQ(kendall_tau_b(std::vector<double>{1, 1, 2, 3}, std::vector<double>{1, 2, 2, 3}),
                   0.8);
}

TEST(KendallTauB, IsOneForSameOrderAndMinusOneForReverse) {
  std::vector<double> x(100);
  std::vector<double> up(100);
  std::vector<double> down(100);
  for (int i = 0; i < 100; ++i) {
    x[i] = i;
    up[i] = 2.0 * i + 1.0;
    down[i] = -i;
  }
  EXPECT_DOUBLE_EQ(kendall_tau_b(x, up), 1.0);
  EXPECT_DOUBLE_EQ(kendall_tau_b(x, down), -1.0);
}

TEST(KendallTauB, TreatsMinusInfinityAsLowestValue) {
  const std::vector<double> x{-kInf, 1, 2, 3};
  EXPECT_DOUBLE_EQ(kendall_tau_b(x, std::vector<double>{0, 1, 2, 3}), 1.0);
  EXPECT_DOUBLE_EQ(kendall_tau_b(x, std::vector<double>{3, 2, 1, 0}), -1.0);
  // Two -inf tie with each other: C = 2, n0 = 3, one x tie: 2 / sqrt(2 * 3).
  EXPECT_DOUBLE_EQ(
      kendall_tau_b(std::vector<double>{-kInf, -kInf, 1}, std::vector<double>{1, 2, 3}),
      2.0 / std::sqrt(6.0));
}

TEST(KendallTauB, IsNanForFewerThanTwoOrConstant) {
  EXPECT_TRUE(std::isnan(kendall_tau_b(std::vector<double>{}, std::vector<double>{})));
  EXPECT_TRUE(std::isnan(kendall_tau_b(std::vector<double>{1}, std::vector<double>{2})));
  EXPECT_TRUE(
      std::isnan(kendall_tau_b(std::vector<double>{1, 1, 1}, std::vector<double>{1, 2, 3})));
  EXPECT_TRUE(std::isnan(
      kendall_tau_b(std::vector<double>{1, 2, 3}, std::vector<double>{-kInf, -kInf, -kInf})));
}

TEST(KendallTauB, MatchesNaiveOnRandomTiedData) {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    std::mt19937_64 rng(seed);
    for (std::size_t n = 1; n <= 300; n += (n < 20 ? 1 : 8)) {
      const int levels = 1 + static_cast<int>(rng() % 12);
      const std::vector<double> x = random_tied(n, levels, rng);
      const std::vector<double> y = random_tied(n, levels, rng);
      SCOPED_TRACE("seed " + std::to_string(seed) + ", n " + std::to_string(n));
      expect_same(naive_tau_b(x, y), kendall_tau_b(x, y));
    }
  }
}

TEST(KendallTauB, IsSymmetric) {
  std::mt19937_64 rng(9);
  const std::vector<double> x = random_tied(200, 5, rng);
  const std::vector<double> y = random_tied(200, 7, rng);
  EXPECT_NEAR(kendall_tau_b(x, y), kendall_tau_b(y, x), 1e-12);
}

TEST(KendallTauBDeathTest, AbortsOnSizeMismatch) {
  EXPECT_DEATH((void)kendall_tau_b(std::vector<double>{1, 2}, std::vector<double>{1}),
               "internal check failed");
}

TEST(SpearmanRho, MatchesHandValues) {
  // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]): ranks of y are 1, 2, 3.5, 5, 3.5.
  EXPECT_DOUBLE_EQ(
      spearman_rho(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>{5, 6, 7, 8, 7}),
      8.0 / std::sqrt(95.0));
  EXPECT_DOUBLE_EQ(spearman_rho(std::vector<double>{1, 2, 3}, std::vector<double>{30, 20, 10}),
                   -1.0);
  // Ties on both sides: ranks x = 1.5, 1.5, 3, 4 and y = 1, 2.5, 2.5, 4 (both mean 2.5) give
  // sxy = 1.5 + 0 + 0 + 2.25 = 3.75 and sxx = syy = 4.5.
  EXPECT_DOUBLE_EQ(spearman_rho(std::vector<double>{1, 1, 2, 3}, std::vector<double>{1, 2, 2, 3}),
                   3.75 / 4.5);
}

TEST(SpearmanRho, TreatsMinusInfinityAsLowestValue) {
  EXPECT_DOUBLE_EQ(spearman_rho(std::vector<double>{-kInf, 5, 1}, std::vector<double>{0, 2, 1}),
                   1.0);
}

TEST(SpearmanRho, IsNanForFewerThanTwoOrConstant) {
  EXPECT_TRUE(std::isnan(spearman_rho(std::vector<double>{1}, std::vector<double>{1})));
  EXPECT_TRUE(std::isnan(spearman_rho(std::vector<double>{2, 2}, std::vector<double>{1, 3})));
  EXPECT_TRUE(
      std::isnan(spearman_rho(std::vector<double>{1, 3}, std::vector<double>{-kInf, -kInf})));
}

TEST(SpearmanRho, MatchesNaiveOnRandomTiedData) {
  for (std::uint64_t seed : {5u, 6u, 7u}) {
    std::mt19937_64 rng(seed);
    for (std::size_t n = 1; n <= 300; n += (n < 20 ? 1 : 8)) {
      const int levels = 1 + static_cast<int>(rng() % 12);
      const std::vector<double> x = random_tied(n, levels, rng);
      const std::vector<double> y = random_tied(n, levels, rng);
      SCOPED_TRACE("seed " + std::to_string(seed) + ", n " + std::to_string(n));
      expect_same(naive_spearman(x, y), spearman_rho(x, y));
    }
  }
}

}  // namespace
}  // namespace naswot::bench
