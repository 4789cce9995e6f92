// End-to-end NASWOT scores of NB201 networks: determinism per weight seed, the singular
// all-`none` cell, N_A, thread-count independence, site counting, and agreement with the naive
// interpreter (naive forward of the unreduced network, naive K, log|det K|) on a small network.
#include "naswot/search/scorer.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>

#include "naswot/score/naswot.h"
#include "naswot/search/score_pool.h"
#include "naswot/spaces/nb201.h"
#include "naswot/util/rng.h"
#include "support/naive_ops.h"

namespace naswot::search {
namespace {

constexpr const char* kExample =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~"
    "2|";

Tensor gaussian_batch(std::int64_t n, std::int64_t size, std::uint64_t seed) {
  Tensor t(n, 3, size, size);
  Rng rng(seed);
  for (float& v : t.data) v = rng.normal();
  return t;
}

TEST(Scorer, ScoreIsFiniteAndDeterministicPerWeightSeed) {
  const spaces::Nb201Space space;
  const spaces::Arch arch = space.parse(kExample);
  const Tensor batch = gaussian_batch(16, 32, 1);
  Scorer scorer(space);
  const ScoreResult a = scorer.score(arch, batch, 1);
  EXPECT_TRUE(std::isfinite(a.score)) << a.score;
  EXPECT_GT(a.score, 0.0);  // an integer K with det != 0 has |det K| >= 1
  EXPECT_EQ(a.n_units, 286720 * 3 + 77824);
  EXPECT_GT(a.seconds, 0.0);
  EXPECT_EQ(scorer.score(arch, batch, 1).score, a.score);
  Scorer other(space);  // a fresh executor, fresh arena: same value
  EXPECT_EQ(other.score(arch, batch, 1).score, a.score);
  EXPECT_NE(scorer.score(arch, batch, 2).score, a.score);
  // Scoring another shape in between does not disturb the cached plan's results.
  (void)scorer.score(space.at(7000), gaussian_batch(8, 16, 2), 1);
  EXPECT_EQ(scorer.score(arch, batch, 1).score, a.score);
}

TEST(Scorer, AllNoneCellScoresMinusInfinity) {
  // Every counted tensor is identically 0, so K = N_A 11^T is singular (§1.6).
  const spaces::Nb201Space space;
  Scorer scorer(space);
  const ScoreResult r = scorer.score(space.at(0), gaussian_batch(16, 32, 1), 1);
  EXPECT_FALSE(std::isnan(r.score));
  EXPECT_EQ(r.score, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(r.n_units, 77824);
}

TEST(Scorer, UnitsFollowTheFormula) {
  const spaces::Nb201Space space;
  Scorer scorer(space);
  const Tensor batch = gaussian_batch(4, 16, 3);
  for (std::int64_t i : {1, 1234, 7777, 15624}) {
    const spaces::Arch arch = space.at(i);
    int n_conv = 0;
    for (std::int32_t g : arch) n_conv += g == 2 || g == 3;
    EXPECT_EQ(scorer.score(arch, batch, 1).n_units, 71680 * n_conv + 19456) << space.format(arch);
  }
}

TEST(Scorer, ThreadCountDoesNotChangeScore) {
  const spaces::Nb201Space space;
  const spaces::Arch arch = space.parse(kExample);
  const Tensor batch = gaussian_batch(16, 32, 4);
  // Both scorers live at once and run interleaved: each applies its own thread count.
  Scorer single(space, {.executor = {.threads = 1}});
  Scorer dual(space, {.executor = {.threads = 2}});
  const double one = single.score(arch, batch, 1).score;
  EXPECT_EQ(omp_get_max_threads(), 1);
  const double two = dual.score(arch, batch, 1).score;
  EXPECT_EQ(omp_get_max_threads(), 2);
  EXPECT_EQ(single.score(arch, batch, 1).score, one);
  EXPECT_TRUE(std::isfinite(one));
  EXPECT_NEAR(one, two, 1e-3);
}

TEST(Scorer, UniqueCountingScoresLower) {
  const spaces::Nb201Space space;
  const Tensor batch = gaussian_batch(16, 32, 5);
  Scorer reference(space);
  Scorer unique(space, {.counting = spaces::SiteCounting::kUnique, .executor = {}});
  for (const spaces::Arch& arch : {space.parse(kExample), space.at(9876)}) {
    const ScoreResult r = reference.score(arch, batch, 1);
    const ScoreResult u = unique.score(arch, batch, 1);
    EXPECT_LT(u.n_units, r.n_units);
    EXPECT_LT(u.score, r.score) << space.format(arch);
  }
}

TEST(Scorer, MatchesNaiveScoreOnSmallNetwork) {
  // C = 4, one cell per stage, 8x8 images: the naive interpreter runs the whole (unreduced)
  // network and applies the reference's counting rules directly.
  const spaces::Nb201Space space(4, 1);
  const Tensor batch = gaussian_batch(8, 8, 6);
  Scorer scorer(space);
  Rng rng(9);
  std::vector<spaces::Arch> archs = {space.parse(kExample), space.at(15624)};
  for (int k = 0; k < 4; ++k) archs.push_back(space.sample(rng));
  for (const spaces::Arch& arch : archs) {
    SCOPED_TRACE(space.format(arch));
    const engine::Graph g = space.build(arch, {.batch = 8, .image_size = 8});
    const auto values = testing::naive_forward(g, batch, 21);
    const auto sites = testing::naive_counted_sites(g);
    const std::vector<double> k = testing::naive_kernel(g, values, sites);
    const double want = score::log_abs_det(k, 8);
    const ScoreResult got = scorer.score(arch, batch, 21);
    EXPECT_EQ(got.n_units, testing::naive_n_units(g, sites));
    if (std::isinf(want)) {
      EXPECT_EQ(got.score, want);  // singular: every counted tensor is zero
    } else {
      EXPECT_NEAR(got.score, want, 1e-3);
    }
  }
}

TEST(Scorer, Bf16ConvolutionsStayCloseToF32) {
  const spaces::Nb201Space space;
  const spaces::Arch arch = space.parse(kExample);
  const Tensor batch = gaussian_batch(32, 32, 6);
  Scorer f32(space);
  Scorer bf16(space, {.executor = {.precision = engine::Precision::kBF16}});
  const ScoreResult a = f32.score(arch, batch, 3), b = bf16.score(arch, batch, 3);
  EXPECT_EQ(a.n_units, b.n_units);
  EXPECT_TRUE(std::isfinite(b.score));
  EXPECT_NE(a.score, b.score);  // bf16 really ran: some sign bits moved
  EXPECT_NEAR(a.score, b.score, 0.05 * std::abs(a.score) / 100.0);
}

TEST(ScorePool, ResultsDoNotDependOnTheNumberOfWorkers) {
  const spaces::Nb201Space space;
  std::vector<spaces::Arch> archs;
  Rng rng(11);
  for (int i = 0; i < 6; ++i) archs.push_back(space.sample(rng));
  const Tensor batch = gaussian_batch(8, 16, 7);
  ScorePool one(space, {}, {.jobs = 1, .threads = 1});
  ScorePool two(space, {}, {.jobs = 2, .threads = 1});
  std::int64_t calls = 0;
  const auto a = one.score(archs, batch, 5);
  const auto b = two.score(archs, batch, 5, [&](std::int64_t n) { calls = n; });
  ASSERT_EQ(a.size(), archs.size());
  EXPECT_EQ(calls, 6);
  Scorer direct(space, {.executor = {.threads = 1}});
  for (std::size_t i = 0; i < archs.size(); ++i) {
    EXPECT_EQ(a[i].score, b[i].score) << i;
    EXPECT_EQ(a[i].score, direct.score(archs[i], batch, 5).score) << i;
  }
}

}  // namespace
}  // namespace naswot::search
