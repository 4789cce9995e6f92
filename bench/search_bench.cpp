// End-to-end NASWOT score of NB201 networks (build graph, reduce, run on oneDNN, K, log det)
// at batch 128, 32x32. Images: CIFAR-10 from $NASWOT_CIFAR10 (a .bin file or folder) when set,
// else Gaussian. Reports networks/s and GFLOP/s (conv + linear MACs x 2 per second).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "naswot/data/dataset.h"
#include "naswot/search/scorer.h"
#include "naswot/spaces/nb201.h"

namespace {

using naswot::spaces::Nb201Space;

const naswot::Tensor& batch() {
  static const naswot::Tensor b = [] {
    const char* path = std::getenv("NASWOT_CIFAR10");
    naswot::data::DataSpec spec;
    if (path != nullptr) spec = {"cifar10", path};
    return naswot::data::Dataset::load(spec).batch(128, naswot::data::BatchMode::kRandom, 1);
  }();
  return b;
}

void score_archs(benchmark::State& state, const std::vector<naswot::spaces::Arch>& archs) {
  Nb201Space space;
  naswot::search::ScorerOptions options;
  options.executor.threads = static_cast<int>(state.range(0));
  if (state.range(1) == 1) options.executor.precision = naswot::engine::Precision::kBF16;
  naswot::search::Scorer scorer(space, options);
  naswot::spaces::NetShape shape;
  double macs = 0;
  for (const auto& a : archs)
    macs += 128.0 * static_cast<double>(space.build(a, shape).n_macs_per_image());
  for (const auto& a : archs) benchmark::DoNotOptimize(scorer.score(a, batch(), 1));  // warm up
  for (auto _ : state) {
    for (const auto& a : archs) benchmark::DoNotOptimize(scorer.score(a, batch(), 1).score);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["networks/s"] =
      benchmark::Counter(n * static_cast<double>(archs.size()), benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] =
      benchmark::Counter(n * 2.0 * macs * 1e-9, benchmark::Counter::kIsRate);
}

void BM_ScoreAllConv3x3(benchmark::State& state) {
  Nb201Space space;
  score_archs(state, {space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~"
                                  "0|nor_conv_3x3~1|nor_conv_3x3~2|")});
}

void BM_ScoreMixed(benchmark::State& state) {
  Nb201Space space;
  score_archs(state, {space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~"
                                  "0|nor_conv_3x3~1|skip_connect~2|")});
}

// Mean over a fixed list of 100 random architectures (seed 2021): the "average network".
void BM_Score100Random(benchmark::State& state) {
  Nb201Space space;
  naswot::Rng rng(2021);
  std::vector<naswot::spaces::Arch> archs;
  for (int i = 0; i < 100; ++i) archs.push_back(space.sample(rng));
  score_archs(state, archs);
}

// Arguments: OpenMP threads of the scorer, precision (0 = f32, 1 = bf16 convolutions).
BENCHMARK(BM_ScoreAllConv3x3)
    ->Args({1, 0})
    ->Args({2, 0})
    ->Args({2, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScoreMixed)
    ->Args({1, 0})
    ->Args({2, 0})
    ->Args({2, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Score100Random)
    ->Args({1, 0})
    ->Args({2, 0})
    ->Args({1, 1})
    ->Args({2, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
