// log_abs_det on matrices with known determinants, on exactly singular matrices of the kinds the
// NASWOT kernel produces (which must give -inf, never NaN), and on a random K-like matrix against
// an independent modified Gram-Schmidt QR, where |det A| = prod |R_kk|.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "naswot/engine/sign_codes.h"
#include "naswot/score/naswot.h"

namespace naswot::score {
namespace {

constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

// log|det A| from A = QR by modified Gram-Schmidt on the columns of the row-major n x n a.
double log_abs_det_qr(std::vector<double> a, std::int64_t n) {
  double log_det = 0.0;
  for (std::int64_t k = 0; k < n; ++k) {
    double norm2 = 0.0;
    for (std::int64_t i = 0; i < n; ++i) norm2 += a[i * n + k] * a[i * n + k];
    const double r_kk = std::sqrt(norm2);
    log_det += std::log(r_kk);
    for (std::int64_t i = 0; i < n; ++i) a[i * n + k] /= r_kk;
    for (std::int64_t j = k + 1; j < n; ++j) {
      double dot = 0.0;
      for (std::int64_t i = 0; i < n; ++i) dot += a[i * n + k] * a[i * n + j];
      for (std::int64_t i = 0; i < n; ++i) a[i * n + j] -= dot * a[i * n + k];
    }
  }
  return log_det;
}

// K = N_A - Hamming distance for n_images random codes of n_units bits, computed per bit.
std::vector<double> random_k_like(std::int64_t n_images, std::int64_t n_units, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<bool>> codes(n_images, std::vector<bool>(n_units));
  for (auto& code : codes) {
    for (std::int64_t u = 0; u < n_units; ++u) code[u] = rng() & 1;
  }
  std::vector<double> k(n_images * n_images);
  for (std::int64_t i = 0; i < n_images; ++i) {
    for (std::int64_t j = 0; j < n_images; ++j) {
      for (std::int64_t u = 0; u < n_units; ++u) k[i * n_images + j] += codes[i][u] == codes[j][u];
    }
  }
  return k;
}

TEST(LogAbsDet, IdentityIsZero) {
  std::vector<double> a(16, 0.0);
  for (int i = 0; i < 4; ++i) a[i * 4 + i] = 1.0;
  EXPECT_EQ(log_abs_det(a, 4), 0.0);
}

TEST(LogAbsDet, DiagonalIsLogOfProduct) {
  const std::vector<double> a{2, 0, 0, 0, 3, 0, 0, 0, 4};
  EXPECT_NEAR(log_abs_det(a, 3), std::log(24.0), 1e-15);
}

TEST(LogAbsDet, ZeroLeadingEntryNeedsPivoting) {
  // det [[0, 2, 1], [3, 1, 0], [1, 1, 1]] = 0 - 2*3 + 1*2 = -4; without a row swap the first
  // pivot would be 0 and the result a false -inf.
  const std::vector<double> a{0, 2, 1, 3, 1, 0, 1, 1, 1};
  EXPECT_NEAR(log_abs_det(a, 3), std::log(4.0), 1e-14);
}

TEST(LogAbsDet, NegativeDeterminantGivesLogOfMagnitude) {
  const std::vector<double> a{1, 2, 3, 4};  // det = -2
  EXPECT_NEAR(log_abs_det(a, 2), std::log(2.0), 1e-15);
}

TEST(LogAbsDet, EmptyMatrixIsZero) { EXPECT_EQ(log_abs_det({}, 0), 0.0); }

TEST(LogAbsDet, TwoEqualRowsIsMinusInf) {
  std::vector<double> a = random_k_like(16, 200, 5);
  for (int j = 0; j < 16; ++j) a[9 * 16 + j] = a[4 * 16 + j];
  const double v = log_abs_det(a, 16);
  EXPECT_FALSE(std::isnan(v));
  EXPECT_EQ(v, kMinusInf);
}

TEST(LogAbsDet, AllEqualMatrixIsMinusInf) {
  // K = N_A * 11^T: what an all-`none` cell or a batch of one repeated image gives.
  const std::vector<double> a(128 * 128, 1798144.0);
  const double v = log_abs_det(a, 128);
  EXPECT_FALSE(std::isnan(v));
  EXPECT_EQ(v, kMinusInf);
}

TEST(LogAbsDet, RandomKLikeMatchesGramSchmidt) {
  const std::vector<double> k = random_k_like(128, 2000, 11);
  const double expected = log_abs_det_qr(k, 128);
  EXPECT_NEAR(log_abs_det(k, 128), expected, 1e-9 * std::abs(expected));
}

TEST(LogAbsDet, LargeRandomMatrixMatchesGramSchmidt) {
  // Big enough that elimination steps run on the OpenMP team.
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<double> a(300 * 300);
  for (double& x : a) x = uniform(rng);
  const double expected = log_abs_det_qr(a, 300);
  EXPECT_NEAR(log_abs_det(a, 300), expected, 1e-9 * std::abs(expected));
}

TEST(NaswotScore, IsLogDetOfKernel) {
  engine::SignCodes codes{3, {engine::BitMatrix{1, 3, 1, {0b001, 0b010, 0b100}}}};
  // Each pair differs in 2 of 3 units: K = [[3,1,1],[1,3,1],[1,1,3]], det = 20.
  EXPECT_NEAR(naswot_score(codes), std::log(20.0), 1e-14);
}

TEST(NaswotScore, RepeatedImagesAreMinusInf) {
  engine::SignCodes codes{4, {engine::BitMatrix{2, 70, 2, {}}}};
  codes.blocks[0].words.assign(8, 0);
  for (int i = 0; i < 4; ++i) codes.blocks[0].words[i * 2] = 0x5A5A5A5A5A5A5A5Aull;
  EXPECT_EQ(naswot_score(codes), kMinusInf);
}

}  // namespace
}  // namespace naswot::score
