// The kAdd kernel (engine/tensor_add) against oneDNN 2.6's `sum` primitive, which it replaced:
// dst = a + b + c over NB201's largest activation (128 × 16 × 32 × 32 floats, nChw16c), the
// shape of a cell's last node, with plain terms or with two unapplied batch norms (the common
// NB201 case since batch norms are fused into sums). First argument: OpenMP threads.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <dnnl.hpp>
#include <vector>

#include "engine/avg_pool.h"
#include "engine/planes.h"
#include "engine/sign_pack.h"
#include "engine/tensor_add.h"

namespace {

constexpr dnnl::memory::dim kN = 128, kC = 16, kH = 32, kW = 32;
constexpr std::int64_t kCount = kN * kC * kH * kW;

struct Tensors {
  std::vector<float> a = std::vector<float>(kCount, 1.0f), b = std::vector<float>(kCount, 2.0f),
                     c = std::vector<float>(kCount, 3.0f), dst = std::vector<float>(kCount);
};

const naswot::engine::Planes kPlanes{kN, kC / 16, 16 * kH* kW, 16};

// Argument 0: threads; argument 1: how many of the three terms are unapplied batch norms.
void BM_AddKernel3(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  Tensors t;
  const std::vector<float> scale(16, 0.5f), shift(16, -1.0f);
  const naswot::engine::ChannelAffine bn{scale.data(), shift.data()};
  naswot::engine::AddTerm terms[] = {{t.a.data(), {}}, {t.b.data(), {}}, {t.c.data(), {}}};
  for (std::int64_t k = 0; k < state.range(1); ++k) terms[k].affine = bn;
  for (auto _ : state) {
    naswot::engine::add_tensors(terms, t.dst.data(), kPlanes);
    benchmark::DoNotOptimize(t.dst.data());
  }
  state.counters["bytes/s"] =
      benchmark::Counter(4.0 * 4 * kCount, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_AddKernel3)
    ->ArgsProduct({{1, 2}, {0, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The sum of three terms (two unapplied batch norms) and then the counted ReLU writing bf16 for
// convolutions: argument 1 = 0 runs add_tensors then relu_sign_pack, 1 the fused kernel.
void BM_AddThenRelu(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  Tensors t;
  const std::vector<float> scale(16, 0.5f), shift(16, -1.0f);
  const naswot::engine::ChannelAffine bn{scale.data(), shift.data()};
  const naswot::engine::AddTerm terms[] = {{t.a.data(), bn}, {t.b.data(), bn}, {t.c.data(), {}}};
  std::vector<std::uint16_t> relu(kCount);
  const std::int64_t stride = kPlanes.per_image() / 64;
  std::vector<std::uint64_t> words(static_cast<size_t>(kN * stride));
  for (auto _ : state) {
    if (state.range(1) == 0) {
      naswot::engine::add_tensors(terms, t.dst.data(), kPlanes);
      naswot::engine::relu_sign_pack(t.dst.data(), {}, kPlanes, {.bf16 = relu.data()}, words.data(),
                                     stride);
    } else {
      naswot::engine::add_relu_sign_pack(terms, kPlanes, nullptr, {.bf16 = relu.data()},
                                         words.data(), stride);
    }
    benchmark::DoNotOptimize(words.data());
  }
}
BENCHMARK(BM_AddThenRelu)
    ->ArgsProduct({{1, 2}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// oneDNN's average pooling (padding not counted) of a kN x kC x kH x kW nChw16c tensor with a
// k x k window, stride and padding as given.
class OneDnnAvgPool {
 public:
  OneDnnAvgPool(dnnl::memory::dim k, dnnl::memory::dim stride, dnnl::memory::dim pad) {
    using tag = dnnl::memory::format_tag;
    const dnnl::memory::dim out_h = (kH + 2 * pad - k) / stride + 1;
    const dnnl::memory::dim out_w = (kW + 2 * pad - k) / stride + 1;
    in_ = dnnl::memory::desc({kN, kC, kH, kW}, dnnl::memory::data_type::f32, tag::nChw16c);
    out_ = dnnl::memory::desc({kN, kC, out_h, out_w}, dnnl::memory::data_type::f32, tag::nChw16c);
    dnnl::pooling_v2_forward::desc d(dnnl::prop_kind::forward_inference,
                                     dnnl::algorithm::pooling_avg_exclude_padding, in_, out_,
                                     {stride, stride}, {k, k}, {0, 0}, {pad, pad}, {pad, pad});
    pool_ = dnnl::pooling_v2_forward(dnnl::pooling_v2_forward::primitive_desc(d, eng_));
  }
  void run(float* src, float* dst) {
    pool_.execute(strm_, {{DNNL_ARG_SRC, dnnl::memory(in_, eng_, src)},
                          {DNNL_ARG_DST, dnnl::memory(out_, eng_, dst)}});
    strm_.wait();
  }

 private:
  dnnl::engine eng_{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm_{eng_};
  dnnl::memory::desc in_, out_;
  dnnl::pooling_v2_forward pool_;
};

naswot::engine::Planes planes_with_rows() {
  naswot::engine::Planes planes = kPlanes;
  planes.width = kW;
  return planes;
}

// NB201's avg_pool_3x3 edge into a sum: oneDNN's pooling writing the pooled tensor then our
// add (argument 1 = 0), against the pooled term computed inside the add (1).
void BM_PoolIntoSum(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  Tensors t;
  OneDnnAvgPool pool(3, 1, 1);
  const naswot::engine::Planes planes = planes_with_rows();
  for (auto _ : state) {
    if (state.range(1) == 0) {
      pool.run(t.a.data(), t.c.data());
      const naswot::engine::AddTerm terms[] = {{t.b.data(), {}}, {t.c.data(), {}}};
      naswot::engine::add_tensors(terms, t.dst.data(), planes);
    } else {
      const naswot::engine::AddTerm terms[] = {{t.b.data(), {}}, {t.a.data(), {}, true}};
      naswot::engine::add_tensors(terms, t.dst.data(), planes);
    }
    benchmark::DoNotOptimize(t.dst.data());
  }
}
BENCHMARK(BM_PoolIntoSum)
    ->ArgsProduct({{1, 2}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// NB201's residual shortcut pool (2x2, stride 2) of the largest activation: oneDNN's pooling
// (argument 1 = 0) against engine/avg_pool (1).
void BM_AvgPool2x2(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  Tensors t;
  OneDnnAvgPool pool(2, 2, 0);
  const naswot::engine::Planes planes = planes_with_rows();
  for (auto _ : state) {
    if (state.range(1) == 0) {
      pool.run(t.a.data(), t.dst.data());
    } else {
      naswot::engine::avg_pool_2x2(t.a.data(), planes, t.dst.data());
    }
    benchmark::DoNotOptimize(t.dst.data());
  }
}
BENCHMARK(BM_AvgPool2x2)
    ->ArgsProduct({{1, 2}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_OneDnnSum3(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  Tensors t;
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);
  const dnnl::memory::desc md({kN, kC, kH, kW}, dnnl::memory::data_type::f32,
                              dnnl::memory::format_tag::nChw16c);
  dnnl::sum::primitive_desc pd(md, {1.0f, 1.0f, 1.0f}, {md, md, md}, eng);
  dnnl::sum sum(pd);
  dnnl::memory a(md, eng, t.a.data()), b(md, eng, t.b.data()), c(md, eng, t.c.data()),
      dst(md, eng, t.dst.data());
  for (auto _ : state) {
    sum.execute(strm, {{DNNL_ARG_MULTIPLE_SRC, a},
                       {DNNL_ARG_MULTIPLE_SRC + 1, b},
                       {DNNL_ARG_MULTIPLE_SRC + 2, c},
                       {DNNL_ARG_DST, dst}});
    strm.wait();
  }
  state.counters["bytes/s"] =
      benchmark::Counter(4.0 * 4 * kCount, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_OneDnnSum3)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
