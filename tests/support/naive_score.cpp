#include "support/naive_score.h"

#include <gtest/gtest.h>

#include "naswot/score/naswot.h"
#include "naswot/util/rng.h"
#include "support/naive_ops.h"

namespace naswot::testing {

Tensor gaussian_images(std::int64_t n, std::int64_t size, std::uint64_t seed) {
  Tensor t(n, 3, size, size);
  Rng rng(seed);
  for (float& v : t.data) v = rng.normal();
  return t;
}

search::ScoreResult expect_score_matches_naive(search::Scorer& scorer,
                                               const spaces::SearchSpace& space,
                                               const spaces::Arch& arch, const Tensor& batch,
                                               std::uint64_t seed) {
  const engine::Graph g = space.build(arch, {.batch = batch.n, .image_size = batch.h});
  const auto values = naive_forward(g, batch, seed);
  const auto sites = naive_counted_sites(g);
  const double want = score::log_abs_det(naive_kernel(g, values, sites), batch.n);
  const search::ScoreResult got = scorer.score(arch, batch, seed);
  EXPECT_EQ(got.n_units, naive_n_units(g, sites));
  EXPECT_NEAR(got.score, want, 1e-3);
  return got;
}

}  // namespace naswot::testing
