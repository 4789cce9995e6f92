// AREA driven through ask/tell by an external loop with synthetic fitness and synthetic
// training-free scores: it finds the optimum, its initial population is the top-P scored
// candidates, and it counts score evaluations and trainings.
#include "naswot/search/area.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"
#include "search/synthetic.h"

namespace naswot::search {
namespace {

using testing::conv_edges;
using testing::drive;

TEST(Area, AskTellWithSyntheticFitnessFindsTheOptimum) {
  const spaces::Nb201Space space;
  // The score is a noisy hint (conv edges counted, 1x1 ones only), the fitness the truth.
  const ScoreFn score = [](const spaces::Arch& a) {
    return static_cast<double>(std::count(a.begin(), a.end(), 2));
  };
  Area area(space, {.rea = {.population = 10, .tournament = 3, .seed = 4}}, score);
  drive(area, conv_edges, 150);
  ASSERT_TRUE(area.best());
  EXPECT_EQ(area.best()->fitness, 6.0);
  EXPECT_EQ(area.n_trainings(), 150);
  EXPECT_GE(area.n_scores(), 10);
  EXPECT_LE(area.n_scores(), 20);  // M = 2P draws, duplicates scored once
}

TEST(Area, InitialPopulationIsTheTopScoredCandidatesInDrawOrder) {
  const spaces::Nb201Space space;
  std::vector<spaces::Arch> scored;
  const ScoreFn score = [&](const spaces::Arch& a) {
    scored.push_back(a);
    return static_cast<double>(space.index_of(a) % 97);
  };
  Area area(space, {.rea = {.population = 5, .tournament = 2, .seed = 9}, .candidates = 40}, score);
  std::vector<spaces::Arch> first;
  for (int i = 0; i < 5; ++i) first.push_back(area.ask());
  EXPECT_EQ(area.n_scores(), std::ssize(scored));
  std::vector<spaces::Arch> expected = scored;
  std::stable_sort(expected.begin(), expected.end(), [&](const auto& a, const auto& b) {
    return space.index_of(a) % 97 > space.index_of(b) % 97;
  });
  expected.resize(5);
  EXPECT_EQ(std::set<spaces::Arch>(first.begin(), first.end()),
            std::set<spaces::Arch>(expected.begin(), expected.end()));
  // Draw order: positions in `scored` increase along the initial population.
  std::vector<std::ptrdiff_t> pos;
  for (const auto& a : first)
    pos.push_back(std::find(scored.begin(), scored.end(), a) - scored.begin());
  EXPECT_TRUE(std::is_sorted(pos.begin(), pos.end()));
}

TEST(Area, NaNScoresAreNeverChosen) {
  const spaces::Nb201Space space;
  // Only architectures whose first edge is a 3x3 conv (about 10 of the 50 draws) have a score.
  const ScoreFn score = [&](const spaces::Arch& a) {
    return a[0] == 3 ? -static_cast<double>(space.index_of(a)) : std::nan("");
  };
  Area area(space, {.rea = {.population = 4, .seed = 2}, .candidates = 50}, score);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(area.ask()[0], 3);
}

TEST(Area, CandidatePoolRestrictsTheDraws) {
  const spaces::Nb201Space space;
  const std::vector<spaces::Arch> pool = {space.at(1), space.at(2), space.at(3)};
  const ScoreFn score = [&](const spaces::Arch& a) {
    EXPECT_NE(std::find(pool.begin(), pool.end(), a), pool.end());
    return static_cast<double>(space.index_of(a));
  };
  Area area(space, {.rea = {.population = 2, .seed = 1}, .candidates = 30, .candidate_pool = pool},
            score);
  const std::set<spaces::Arch> first = {area.ask(), area.ask()};
  EXPECT_EQ(first, (std::set<spaces::Arch>{pool[1], pool[2]}));  // the two best-scored
  EXPECT_EQ(area.n_scores(), 3);
}

TEST(Area, DeterministicPerSeed) {
  const spaces::Nb201Space space;
  const ScoreFn score = [](const spaces::Arch& a) { return conv_edges(a); };
  Area a(space, {.rea = {.seed = 8}}, score), b(space, {.rea = {.seed = 8}}, score);
  drive(a, conv_edges, 50);
  drive(b, conv_edges, 50);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(a.history()[i].arch, b.history()[i].arch);
}

TEST(Area, RejectsNegativeCandidates) {
  const spaces::Nb201Space space;
  EXPECT_THROW(Area(space, {.candidates = -1}, [](const spaces::Arch&) { return 0.0; }),
               InputError);
}

}  // namespace
}  // namespace naswot::search
