// A space's real score against the naive interpreter, for the per-space tests.
#pragma once

#include <cstdint>

#include "naswot/search/scorer.h"
#include "naswot/spaces/space.h"
#include "naswot/util/tensor.h"

namespace naswot::testing {

// n Gaussian images of size x size pixels, 3 channels.
[[nodiscard]] Tensor gaussian_images(std::int64_t n, std::int64_t size, std::uint64_t seed);

// Scores `arch` with `scorer` (built on `space`) and with the naive interpreter on the
// unreduced network, weights from `seed`: expects the same counted units and |Δscore| ≤ 1e-3.
// Returns the scorer's result for further checks.
search::ScoreResult expect_score_matches_naive(search::Scorer& scorer,
                                               const spaces::SearchSpace& space,
                                               const spaces::Arch& arch, const Tensor& batch,
                                               std::uint64_t seed);

}  // namespace naswot::testing
