// Training-mode batch norm over NB201's largest activation (128 × 16 × 32 × 32 floats,
// nChw16c): oneDNN 2.6's bnorm_jit (three passes: mean, variance, normalise) against ours
// (engine/batch_norm), which computes the statistics in one pass and either leaves the
// normalisation to the consumer (Stats) or writes it (StatsAndApply). Argument: OpenMP threads.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <dnnl.hpp>
#include <random>
#include <vector>

#include "engine/batch_norm.h"
#include "engine/tensor_add.h"

namespace {

constexpr dnnl::memory::dim kN = 128, kC = 16, kH = 32, kW = 32;
constexpr std::int64_t kCount = kN * kC * kH * kW;
const naswot::engine::Planes kPlanes{kN, kC / 16, 16 * kH* kW, 16};

std::vector<float> random_tensor() {
  std::mt19937 gen(1);
  std::normal_distribution<float> d(0.3f, 1.0f);
  std::vector<float> x(kCount);
  for (float& v : x) v = d(gen);
  return x;
}

void set_bytes(benchmark::State& state, double passes) {
  state.counters["bytes/s"] =
      benchmark::Counter(passes * 4 * kCount, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_OneDnnBatchNorm(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  std::vector<float> x = random_tensor(), y(kCount), mean(kC), var(kC);
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);
  const dnnl::memory::desc md({kN, kC, kH, kW}, dnnl::memory::data_type::f32,
                              dnnl::memory::format_tag::nChw16c);
  dnnl::batch_normalization_forward::desc d(dnnl::prop_kind::forward_training, md, 1e-5f,
                                            dnnl::normalization_flags::none);
  dnnl::batch_normalization_forward::primitive_desc pd(d, eng);
  dnnl::batch_normalization_forward bn(pd);
  dnnl::memory src(md, eng, x.data()), dst(md, eng, y.data()), m(pd.mean_desc(), eng, mean.data()),
      v(pd.variance_desc(), eng, var.data());
  for (auto _ : state) {
    bn.execute(
        strm,
        {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}, {DNNL_ARG_MEAN, m}, {DNNL_ARG_VARIANCE, v}});
    strm.wait();
  }
  set_bytes(state, 2.0);  // one read and one write at the least
}
BENCHMARK(BM_OneDnnBatchNorm)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_OurBatchNormStats(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  std::vector<float> x = random_tensor(), scale(16), shift(16);
  std::vector<double> scratch(static_cast<size_t>(naswot::engine::batch_norm_scratch(kPlanes)));
  for (auto _ : state) {
    naswot::engine::batch_norm_affine(x.data(), kPlanes, scale.data(), shift.data(),
                                      scratch.data());
    benchmark::DoNotOptimize(scale.data());
  }
  set_bytes(state, 1.0);
}
BENCHMARK(BM_OurBatchNormStats)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_OurBatchNormStatsAndApply(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  std::vector<float> x = random_tensor(), y(kCount), scale(16), shift(16);
  std::vector<double> scratch(static_cast<size_t>(naswot::engine::batch_norm_scratch(kPlanes)));
  for (auto _ : state) {
    naswot::engine::batch_norm_affine(x.data(), kPlanes, scale.data(), shift.data(),
                                      scratch.data());
    const naswot::engine::AddTerm term{x.data(), {scale.data(), shift.data()}};
    naswot::engine::add_tensors({&term, 1}, y.data(), kPlanes);
    benchmark::DoNotOptimize(y.data());
  }
  set_bytes(state, 3.0);
}
BENCHMARK(BM_OurBatchNormStatsAndApply)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
