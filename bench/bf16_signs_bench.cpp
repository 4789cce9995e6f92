// Sign-bit disagreement of bf16 convolutions against f32: for a fixed list of 20 random NB201
// architectures (seed 2021) on one CIFAR-10 batch ($NASWOT_CIFAR10, else Gaussian), the
// fraction of counted units (duplicates included) whose bit differs, and the score change.
// Reported as Google Benchmark counters; the timed loop is the bf16 run.
#include <benchmark/benchmark.h>

#include <bit>
#include <cmath>
#include <cstdlib>

#include "naswot/data/dataset.h"
#include "naswot/engine/executor.h"
#include "naswot/engine/passes.h"
#include "naswot/score/naswot.h"
#include "naswot/spaces/nb201.h"

namespace {

using namespace naswot;

void BM_Bf16SignAgreement(benchmark::State& state) {
  data::DataSpec spec;
  if (const char* p = std::getenv("NASWOT_CIFAR10")) spec = {"cifar10", p};
  const Tensor batch = data::Dataset::load(spec).batch(128, data::BatchMode::kRandom, 1);
  spaces::Nb201Space space;
  Rng rng(2021);
  engine::Executor f32({.threads = 2});
  engine::Executor bf16({.threads = 2, .precision = engine::Precision::kBF16});
  double differing = 0, total = 0, score_diff = 0;
  for (auto _ : state) {
    for (int i = 0; i < 20; ++i) {
      const engine::Graph g = engine::reduce_for_scoring(space.build(space.sample(rng), {}));
      engine::SignCodes a, b;
      f32.run(f32.prepare(g), batch, 1, a);
      bf16.run(bf16.prepare(g), batch, 1, b);
      for (std::size_t k = 0; k < a.blocks.size(); ++k) {
        for (std::size_t w = 0; w < a.blocks[k].words.size(); ++w) {
          differing +=
              a.blocks[k].weight * std::popcount(a.blocks[k].words[w] ^ b.blocks[k].words[w]);
        }
      }
      total += static_cast<double>(a.n_units()) * 128;
      const double sa = score::naswot_score(a), sb = score::naswot_score(b);
      if (std::isfinite(sa)) score_diff = std::max(score_diff, std::abs(sa - sb));
    }
  }
  state.counters["sign_disagreement_%"] = 100.0 * differing / total;
  state.counters["max_|d_score|"] = score_diff;
}

BENCHMARK(BM_Bf16SignAgreement)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
