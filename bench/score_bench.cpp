// Speed of the score layer on the shapes of performance-notes.md §3: the Hamming kernel for a
// 128-image batch with N_A = 1,000,000 units in one block (also with the portable scalar-popcnt
// tile, the path taken on CPUs without VPOPCNTDQ), the kernel on three weighted blocks holding
// 471,040 unique bits (the all-conv NB201 net's count), and the 128x128 log-det. Codes are
// random: popcount cost does not depend on the bit values.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "naswot/engine/sign_codes.h"
#include "naswot/score/naswot.h"
#include "score/hamming_internal.h"

namespace {

using naswot::engine::BitMatrix;
using naswot::engine::SignCodes;

constexpr std::int64_t kImages = 128;

BitMatrix random_block(std::int64_t weight, std::int64_t n_units, std::mt19937_64& rng) {
  const std::int64_t words_per_row = (n_units + 63) / 64;
  BitMatrix m{weight, n_units, words_per_row, {}};
  m.words.resize(static_cast<std::size_t>(kImages * words_per_row));
  for (std::uint64_t& w : m.words) w = rng();
  if (n_units % 64 != 0) {
    for (std::int64_t i = 0; i < kImages; ++i) {
      m.words[(i + 1) * words_per_row - 1] &= (std::uint64_t{1} << (n_units % 64)) - 1;
    }
  }
  return m;
}

SignCodes one_block_codes() {
  std::mt19937_64 rng(1);
  return SignCodes{kImages, {random_block(1, 1'000'000, rng)}};
}

// 4,096 + 36,864 + 430,080 = 471,040 unique bits; with weights 1/2/4 this gives
// N_A = 1,798,144, the all-conv net's count.
SignCodes three_block_codes() {
  std::mt19937_64 rng(2);
  return SignCodes{
      kImages,
      {random_block(1, 4'096, rng), random_block(2, 36'864, rng), random_block(4, 430'080, rng)}};
}

void run_kernel(benchmark::State& state, const SignCodes& codes,
                void (*kernel)(const SignCodes&, std::span<double>)) {
  std::vector<double> k(kImages * kImages);
  for (auto _ : state) {
    kernel(codes, k);
    benchmark::DoNotOptimize(k.data());
    benchmark::ClobberMemory();
  }
  state.counters["units"] = static_cast<double>(codes.n_units());
}

void BM_HammingKernel1M(benchmark::State& state) {
  run_kernel(state, one_block_codes(), naswot::score::hamming_kernel);
}
BENCHMARK(BM_HammingKernel1M)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_HammingKernel1MPortable(benchmark::State& state) {
  run_kernel(state, one_block_codes(), naswot::score::internal::hamming_kernel_portable);
}
BENCHMARK(BM_HammingKernel1MPortable)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_HammingKernelThreeBlocks(benchmark::State& state) {
  run_kernel(state, three_block_codes(), naswot::score::hamming_kernel);
}
BENCHMARK(BM_HammingKernelThreeBlocks)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_LogAbsDet128(benchmark::State& state) {
  // A K-like matrix: 1,000 shared units plus 1,000 random ones, so diagonal 2,000 and
  // off-diagonal entries near 1,500.
  std::mt19937_64 rng(3);
  std::binomial_distribution<int> agree(1000, 0.5);
  std::vector<double> k(kImages * kImages);
  for (std::int64_t i = 0; i < kImages; ++i) {
    k[i * kImages + i] = 2000;
    for (std::int64_t j = i + 1; j < kImages; ++j) {
      k[i * kImages + j] = k[j * kImages + i] = 1000 + agree(rng);
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(naswot::score::log_abs_det(k, kImages));
}
BENCHMARK(BM_LogAbsDet128)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
