// Benchmark mode: searches "train" by looking a column up in a small table written to a temp
// dir. Budgets in trainings and simulated seconds; REA and random search on a table; bad
// tables are InputErrors naming the file.
#include "naswot/search/table_search.h"

#include <gtest/gtest.h>

#include <fstream>

#include "naswot/search/random_search.h"
#include "naswot/search/rea.h"
#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"
#include "search/synthetic.h"
#include "support/temp_dir.h"

namespace naswot::search {
namespace {

// Every NB201 architecture with acc = graded fitness and cost = 10 + its 3x3 conv count.
std::filesystem::path write_table(const naswot::testing::TempDir& dir) {
  const spaces::Nb201Space space;
  const auto path = dir / "table.csv";
  std::ofstream out(path);
  out << "index,arch,acc,cost\n";
  for (std::int64_t i = 0; i < 15625; ++i) {
    const spaces::Arch a = space.at(i);
    out << i << "," << space.format(a) << "," << testing::graded(a) << ","
        << 10 + std::count(a.begin(), a.end(), 3) << "\n";
  }
  return path;
}

TEST(TableSearch, ReaOnATableSpendsTheBudgetAndFindsTheOptimum) {
  const naswot::testing::TempDir dir;
  const bench::Table table = bench::Table::read_csv(write_table(dir));
  const spaces::Nb201Space space;
  Rea rea(space, {.seed = 1});
  const TableSearchResult r = search_table(rea, space, {&table, "acc", 300});
  EXPECT_EQ(r.n_trainings, 300);
  EXPECT_EQ(rea.n_trainings(), 300);
  EXPECT_EQ(r.n_scores, 0);
  ASSERT_TRUE(r.best);
  EXPECT_EQ(r.best->fitness, 60.0);
  EXPECT_EQ(r.simulated_seconds, 0.0);
}

TEST(TableSearch, SecondsBudgetDropsTheTrainingThatWouldCrossIt) {
  const naswot::testing::TempDir dir;
  const bench::Table table = bench::Table::read_csv(write_table(dir));
  const spaces::Nb201Space space;
  RandomSearch rs(space, {.seed = 2});
  const TableSearchResult r = search_table(rs, space, {&table, "acc", 0, "cost", 200.0});
  double charged = 0;
  for (const Evaluation& e : rs.history())
    charged += 10 + std::count(e.arch.begin(), e.arch.end(), 3);
  EXPECT_EQ(r.simulated_seconds, charged);
  EXPECT_LE(r.simulated_seconds, 200.0);
  EXPECT_GT(r.simulated_seconds, 200.0 - 16.0);  // one more (<= 16 s) would have crossed it
  EXPECT_EQ(r.n_trainings, std::ssize(rs.history()));
}

TEST(TableSearch, DeterministicPerSeed) {
  const naswot::testing::TempDir dir;
  const bench::Table table = bench::Table::read_csv(write_table(dir));
  const spaces::Nb201Space space;
  Rea a(space, {.seed = 4}), b(space, {.seed = 4});
  const auto ra = search_table(a, space, {&table, "acc", 50});
  const auto rb = search_table(b, space, {&table, "acc", 50});
  EXPECT_EQ(ra.best->arch, rb.best->arch);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(a.history()[i].arch, b.history()[i].arch);
}

TEST(TableSearch, BadInputIsAnInputErrorNamingTheTable) {
  const naswot::testing::TempDir dir;
  const auto path = dir / "tiny.csv";
  std::ofstream(path) << "arch,acc\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,1\n";
  const bench::Table table = bench::Table::read_csv(path);
  const spaces::Nb201Space space;
  RandomSearch rs(space, {.seed = 1});
  try {
    (void)search_table(rs, space, {&table, "acc", 100});
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tiny.csv"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)search_table(rs, space, {&table, "nope", 10}), InputError);
  EXPECT_THROW((void)search_table(rs, space, {&table, "acc", 0}), InputError);
  EXPECT_THROW((void)search_table(rs, space, {&table, "acc", 0, "", 100.0}), InputError);
}

}  // namespace
}  // namespace naswot::search
