// Best-of-N under resource limits: the draws are redrawn until within them, so the choice is.
#include "naswot/search/best_of_n.h"

#include <gtest/gtest.h>

#include "naswot/spaces/nb201.h"

namespace naswot::search {
namespace {

TEST(BestOfN, ChoosesOnlyWithinTheParameterLimit) {
  const spaces::Nb201Space space;
  const data::Dataset data = data::Dataset::load(data::parse_data_spec("gaussian"));
  ScorePool pool(space, {}, {.jobs = 1, .threads = 1});
  BestOfNOptions options;
  options.samples = 4;
  options.runs = 2;
  options.batch_size = 4;
  options.limits.max_params = 300000;
  for (const RunResult& r : best_of_n(space, data, pool, options)) {
    EXPECT_LE(cost_of(space, r.arch).params, 300000) << space.format(r.arch);
  }
}

}  // namespace
}  // namespace naswot::search
