// REA through its ask/tell interface with synthetic fitness: population bookkeeping (size,
// aging), mutation of tournament winners, best in history, determinism, misuse of tell().
#include "naswot/search/rea.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"
#include "search/synthetic.h"

namespace naswot::search {
namespace {

using testing::conv_edges;
using testing::drive;
using testing::graded;

int hamming(const spaces::Arch& a, const spaces::Arch& b) {
  int d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d += a[i] != b[i];
  return d;
}

TEST(Rea, KeepsPopulationSize) {
  const spaces::Nb201Space space;
  Rea rea(space, {.population = 10, .tournament = 3, .seed = 7});
  for (int i = 0; i < 40; ++i) {
    const spaces::Arch arch = rea.ask();
    rea.tell(arch, conv_edges(arch));
    EXPECT_EQ(std::ssize(rea.population()), std::min(i + 1, 10));
  }
  EXPECT_EQ(rea.n_trainings(), 40);
  EXPECT_EQ(rea.n_pending(), 0);
}

TEST(Rea, RemovesTheOldestNotTheWorst) {
  const spaces::Nb201Space space;
  Rea rea(space, {.population = 4, .tournament = 2, .seed = 3});
  drive(rea, graded, 4);
  const auto& hist = rea.history();
  const spaces::Arch arch = rea.ask();
  rea.tell(arch, -1.0);  // the worst result yet: it stays, the first told goes
  ASSERT_EQ(rea.population().size(), 4u);
  EXPECT_EQ(rea.population().front().arch, hist[1].arch);
  EXPECT_EQ(rea.population().back().fitness, -1.0);
}

TEST(Rea, ChildrenAreOneEditFromThePopulation) {
  const spaces::Nb201Space space;
  Rea rea(space, {.population = 5, .tournament = 3, .seed = 11});
  drive(rea, conv_edges, 5);
  for (int i = 0; i < 30; ++i) {
    const auto population = rea.population();
    const spaces::Arch child = rea.ask();
    EXPECT_TRUE(std::any_of(population.begin(), population.end(),
                            [&](const Evaluation& e) { return hamming(e.arch, child) == 1; }));
    rea.tell(child, conv_edges(child));
  }
}

TEST(Rea, FindsTheOptimumAndReturnsTheBestInHistory) {
  const spaces::Nb201Space space;
  Rea rea(space, {});
  drive(rea, graded, 300);
  ASSERT_TRUE(rea.best());
  double max = -1;
  for (const Evaluation& e : rea.history()) max = std::max(max, e.fitness);
  EXPECT_EQ(rea.best()->fitness, max);
  EXPECT_EQ(rea.best()->fitness, 60.0);  // all nor_conv_3x3
}

TEST(Rea, FirstAsksAreTheGivenInitialPopulation) {
  const spaces::Nb201Space space;
  const std::vector<spaces::Arch> initial = {space.at(5), space.at(77), space.at(15624)};
  Rea rea(space, {.population = 4, .tournament = 2, .seed = 1}, initial);
  for (const spaces::Arch& a : initial) EXPECT_EQ(rea.ask(), a);
}

TEST(Rea, DeterministicPerSeed) {
  const spaces::Nb201Space space;
  Rea a(space, {.seed = 5}), b(space, {.seed = 5}), c(space, {.seed = 6});
  drive(a, conv_edges, 60);
  drive(b, conv_edges, 60);
  drive(c, conv_edges, 60);
  bool same_c = true;
  for (int i = 0; i < 60; ++i) {
    EXPECT_EQ(a.history()[i].arch, b.history()[i].arch);
    same_c = same_c && a.history()[i].arch == c.history()[i].arch;
  }
  EXPECT_FALSE(same_c);
}

TEST(Rea, AsynchronousAsksBeforeAnyTell) {
  const spaces::Nb201Space space;
  Rea rea(space, {.population = 3, .tournament = 2, .seed = 2});
  std::vector<spaces::Arch> out;
  for (int i = 0; i < 8; ++i) out.push_back(rea.ask());  // more than P outstanding
  EXPECT_EQ(rea.n_pending(), 8);
  for (const spaces::Arch& a : out) rea.tell(a, conv_edges(a));
  EXPECT_EQ(rea.population().size(), 3u);
  EXPECT_EQ(rea.n_pending(), 0);
}

TEST(Rea, TellRejectsUnaskedArchitecturesAndNaN) {
  const spaces::Nb201Space space;
  Rea rea(space, {});
  const spaces::Arch arch = rea.ask();
  spaces::Arch other = arch;
  other[0] = (other[0] + 1) % 5;
  EXPECT_THROW(rea.tell(other, 1.0), InputError);
  EXPECT_THROW(rea.tell(arch, std::nan("")), InputError);
  rea.tell(arch, 1.0);
  EXPECT_THROW(rea.tell(arch, 1.0), InputError);  // told once already
  EXPECT_EQ(rea.n_trainings(), 1);
}

TEST(Rea, RejectsBadOptions) {
  const spaces::Nb201Space space;
  EXPECT_THROW(Rea(space, {.population = 0}), InputError);
  EXPECT_THROW(Rea(space, {.tournament = 0}), InputError);
}

}  // namespace
}  // namespace naswot::search
