// The library scores networks from several threads at once, each thread with its own Scorer
// (docs/style.md §2.7): results equal single-threaded ones exactly. Meant to run under the
// ASan/UBSan build (scripts/test.sh), which catches races on shared state that corrupt memory
// (oneDNN's global primitive cache, the spaces, the shared batch tensor).
#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "naswot/search/scorer.h"
#include "naswot/spaces/space.h"
#include "naswot/util/rng.h"

namespace naswot::search {
namespace {

Tensor gaussian_batch(std::int64_t n, std::int64_t size, std::uint64_t seed) {
  Tensor t(n, 3, size, size);
  Rng rng(seed);
  for (float& v : t.data) v = rng.normal();
  return t;
}

TEST(ConcurrentScoring, ThreadsWithTheirOwnScorersMatchOneThread) {
  const auto space = spaces::make_space("nb201");
  const Tensor batch = gaussian_batch(4, 16, 3);  // shared, read-only
  // Mixed shapes, so threads create and look up the same cached primitives at once.
  std::vector<spaces::Arch> archs;
  Rng rng(11);
  for (int k = 0; k < 8; ++k) archs.push_back(space->sample(rng));
  archs.push_back(space->enumeration()->at(0));      // singular K: -inf
  archs.push_back(space->enumeration()->at(15624));  // all avg_pool

  ScorerOptions options;
  options.executor.threads = 1;  // one OpenMP thread per scorer, as scan workers run
  std::vector<ScoreResult> expected;
  {
    Scorer scorer(*space, options);
    for (const spaces::Arch& a : archs) expected.push_back(scorer.score(a, batch, 7));
  }

  constexpr int kThreads = 4;
  std::vector<std::vector<ScoreResult>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Scorer scorer(*space, options);  // created on its own thread
      // Each thread walks the list from a different start, twice.
      got[t].resize(archs.size());
      for (std::size_t k = 0; k < 2 * archs.size(); ++k) {
        const std::size_t i = (k + static_cast<std::size_t>(t) * 3) % archs.size();
        got[t][i] = scorer.score(archs[i], batch, 7);
      }
    });
  }
  for (std::thread& th : threads) th.join();

  for (int t = 0; t < kThreads; ++t) {
    for (std::size_t i = 0; i < archs.size(); ++i) {
      EXPECT_EQ(got[t][i].n_units, expected[i].n_units) << "thread " << t << " arch " << i;
      if (std::isinf(expected[i].score)) {
        EXPECT_EQ(got[t][i].score, expected[i].score) << "thread " << t << " arch " << i;
      } else {
        EXPECT_DOUBLE_EQ(got[t][i].score, expected[i].score) << "thread " << t << " arch " << i;
      }
    }
  }
}

}  // namespace
}  // namespace naswot::search
