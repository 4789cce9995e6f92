// Parameter and FLOP limits: golden NB201 counts, and no architecture that any search asks for
// (i.e. trains) or returns exceeds the limit, while the synthetic fitness pulls towards the
// largest networks.
#include "naswot/search/constraints.h"

#include <gtest/gtest.h>

#include <memory>

#include "naswot/search/area.h"
#include "naswot/search/random_search.h"
#include "naswot/search/rea.h"
#include "naswot/search/reinforce.h"
#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"
#include "search/synthetic.h"

namespace naswot::search {
namespace {

constexpr const char* kAllConv3 =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~"
    "2|";

TEST(Constraints, CostMatchesNasBench201Counts) {
  const spaces::Nb201Space space;
  const Cost c = cost_of(space, space.parse(kAllConv3));
  EXPECT_EQ(c.params, 1531546);   // NB201 reports 1.531546 M parameters (CIFAR-10)
  EXPECT_EQ(c.flops, 220119680);  // and 220.11969 M FLOPs, which add the classifier's 10 biases
}

TEST(Constraints, NoAskedOrReturnedArchitectureExceedsTheLimit) {
  const spaces::Nb201Space space;
  const Limits limits{.max_params = 400000, .max_flops = 60000000};
  const ScoreFn score = [](const spaces::Arch& a) { return testing::graded(a); };
  std::vector<std::unique_ptr<Searcher>> searchers;
  searchers.push_back(std::make_unique<Rea>(space, ReaOptions{.seed = 1, .limits = limits}));
  searchers.push_back(
      std::make_unique<Area>(space, AreaOptions{.rea = {.seed = 2, .limits = limits}}, score));
  searchers.push_back(
      std::make_unique<RandomSearch>(space, RandomSearchOptions{.seed = 3, .limits = limits}));
  searchers.push_back(
      std::make_unique<Reinforce>(space, ReinforceOptions{.seed = 4, .limits = limits}));
  for (auto& s : searchers) {
    testing::drive(*s, testing::graded, 120);
    for (const Evaluation& e : s->history()) {
      const Cost c = cost_of(space, e.arch);
      ASSERT_LE(c.params, *limits.max_params) << space.format(e.arch);
      ASSERT_LE(c.flops, *limits.max_flops) << space.format(e.arch);
    }
    ASSERT_TRUE(s->best());
    EXPECT_LE(cost_of(space, s->best()->arch).params, *limits.max_params);
    EXPECT_LT(s->best()->fitness, 60.0);  // the unconstrained optimum is over the limit
  }
}

TEST(Constraints, UnconstrainedSamplingIsTheSpacesOwn) {
  const spaces::Nb201Space space;
  Constrained c(space, {});
  Rng a(5), b(5);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c.sample(a), space.sample(b));
}

TEST(Constraints, ImpossibleLimitIsAnInputErrorNamingIt) {
  const spaces::Nb201Space space;
  Constrained c(space, {.max_flops = 1});
  Rng rng(1);
  try {
    (void)c.sample(rng);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--max-flops 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Constrained(space, {.max_params = 0}), InputError);
}

}  // namespace
}  // namespace naswot::search
