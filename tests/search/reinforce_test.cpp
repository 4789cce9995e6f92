// REINFORCE: the policy starts near uniform, learns towards rewarded ops, is deterministic per
// seed, and refuses spaces whose genes it cannot read as independent decisions.
#include "naswot/search/reinforce.h"

#include <gtest/gtest.h>

#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"
#include "search/synthetic.h"

namespace naswot::search {
namespace {

// A space REINFORCE knows nothing about (only name() is ever called).
class OpaqueSpace final : public spaces::SearchSpace {
 public:
  std::string_view name() const override { return "opaque"; }
  spaces::Arch parse(std::string_view) const override { return {}; }
  std::string format(const spaces::Arch&) const override { return ""; }
  spaces::Arch sample(Rng&) const override { return {}; }
  spaces::Arch mutate(const spaces::Arch& a, Rng&) const override { return a; }
  engine::Graph build(const spaces::Arch&, const spaces::NetShape&) const override { return {}; }
};

TEST(Reinforce, PolicyStartsNearUniform) {
  const spaces::Nb201Space space;
  Reinforce r(space, {});
  const auto p = r.probabilities();
  ASSERT_EQ(p.size(), 6u);
  for (const auto& row : p) {
    ASSERT_EQ(row.size(), 5u);
    for (double x : row) EXPECT_NEAR(x, 0.2, 1e-3);
  }
}

TEST(Reinforce, LearnsTowardsRewardedOps) {
  const spaces::Nb201Space space;
  Reinforce r(space, {.learning_rate = 0.1, .seed = 3});
  testing::drive(r, testing::graded, 200);
  for (const auto& row : r.probabilities()) EXPECT_GT(row[3], 0.5);  // nor_conv_3x3 everywhere
  EXPECT_EQ(r.best()->fitness, 60.0);
}

TEST(Reinforce, DeterministicPerSeed) {
  const spaces::Nb201Space space;
  Reinforce a(space, {.seed = 9}), b(space, {.seed = 9});
  testing::drive(a, testing::conv_edges, 40);
  testing::drive(b, testing::conv_edges, 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(a.history()[i].arch, b.history()[i].arch);
  EXPECT_EQ(a.probabilities(), b.probabilities());
}

TEST(Reinforce, RejectsUnknownSpacesAndBadRates) {
  const OpaqueSpace opaque;
  EXPECT_THROW(Reinforce(opaque, {}), InputError);
  const spaces::Nb201Space space;
  EXPECT_THROW(Reinforce(space, {.learning_rate = 0.0}), InputError);
  EXPECT_THROW(Reinforce(space, {.ema_momentum = 1.0}), InputError);
}

}  // namespace
}  // namespace naswot::search
