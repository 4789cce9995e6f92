// Rng's bulk weight draw must be the same stream as its one-at-a-time draw (which the naive
// interpreter in tests/support uses, and which follows torch's uniform_).
#include "naswot/util/rng.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace naswot {
namespace {

TEST(Mt19937, IsTheStandardSequence) {
  // Single draws, bulk draws and skips interleaved across several twists, against the C++
  // standard library's engine.
  for (const std::uint32_t seed : {0u, 1u, 5489u, 2021u, 0xFFFFFFFFu}) {
    Mt19937 ours(seed);
    std::mt19937 want(seed);
    std::vector<std::uint32_t> bulk(1500);
    for (int round = 0; round < 4; ++round) {
      for (int k = 0; k < 100; ++k) ASSERT_EQ(ours(), want()) << "seed " << seed;
      ours.generate(bulk.data(), 700 + round * 100);
      for (int k = 0; k < 700 + round * 100; ++k)
        ASSERT_EQ(bulk[static_cast<size_t>(k)], want()) << "seed " << seed << " bulk " << k;
      ours.discard(1000 + round);
      want.discard(1000 + round);
    }
    EXPECT_EQ(ours(), want());
  }
}

TEST(Rng, FillUniformEqualsRepeatedUniform) {
  Rng bulk(2021), single(2021);
  std::vector<float> got(1001);
  bulk.fill_uniform(got.data(), static_cast<std::int64_t>(got.size()), -0.25f, 0.75f);
  for (std::size_t k = 0; k < got.size(); ++k) {
    const float want = single.uniform(-0.25f, 0.75f);
    ASSERT_EQ(got[k], want) << "draw " << k;
    ASSERT_GE(got[k], -0.25f);
    ASSERT_LT(got[k], 0.75f);
  }
  EXPECT_EQ(bulk.next_u32(), single.next_u32());  // both consumed exactly got.size() outputs
}

TEST(Rng, UniformUsesTheLow24BitsOfEachOutput) {
  // MT19937 seeded 5489 starts with 3499211612 (C++ [rand.predef]); its low 24 bits scaled to
  // [0, 1) then mapped to [-1, 1).
  Rng rng(5489);
  const double u = static_cast<double>(3499211612u & 0xFFFFFFu) / (1 << 24);
  EXPECT_EQ(rng.uniform(-1.0f, 1.0f), static_cast<float>(-1.0 + u * 2.0));
}

}  // namespace
}  // namespace naswot
