// Checks hamming_kernel against a per-bit count on random codes over shapes that hit every edge
// of the tiled kernel: partial 4x4 row tiles, word tails that are not whole 8-word vectors,
// padding bits and padding words, and several weighted blocks. Both the portable and the AVX-512
// tiles are compared with the oracle, so a CPU without VPOPCNTDQ still tests the fallback.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "naswot/engine/sign_codes.h"
#include "naswot/score/naswot.h"
#include "score/hamming_internal.h"

namespace naswot::score {
namespace {

using engine::BitMatrix;
using engine::SignCodes;

// Random bits in units [0, n_units) of every row; padding bits and words stay zero.
BitMatrix random_block(std::int64_t n_images, std::int64_t weight, std::int64_t n_units,
                       std::int64_t words_per_row, std::mt19937_64& rng) {
  BitMatrix m{weight, n_units, words_per_row,
              std::vector<std::uint64_t>(static_cast<std::size_t>(n_images * words_per_row))};
  for (std::int64_t i = 0; i < n_images; ++i) {
    for (std::int64_t u = 0; u < n_units; u += 64) {
      const std::uint64_t mask =
          n_units - u >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << (n_units - u)) - 1;
      m.words[i * words_per_row + u / 64] = rng() & mask;
    }
  }
  return m;
}

// Three blocks of weights 1, 2, 4 with words_per_row words each: one full, one whose last word
// is partly padding, and one that also has an all-padding last word.
SignCodes random_codes(std::int64_t n_images, std::int64_t words_per_row, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  SignCodes codes{n_images, {}};
  const std::int64_t bits = 64 * words_per_row;
  codes.blocks.push_back(random_block(n_images, 1, bits, words_per_row, rng));
  codes.blocks.push_back(random_block(n_images, 2, bits - 37, words_per_row, rng));
  codes.blocks.push_back(
      random_block(n_images, 4, std::max<std::int64_t>(1, bits - 64 - 5), words_per_row, rng));
  return codes;
}

bool bit(const BitMatrix& m, std::int64_t i, std::int64_t u) {
  return (m.words[i * m.words_per_row + u / 64] >> (u % 64)) & 1;
}

std::vector<double> naive_kernel(const SignCodes& codes) {
  const std::int64_t n = codes.n_images;
  std::vector<double> k(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      std::int64_t same = 0;
      for (const BitMatrix& m : codes.blocks) {
        for (std::int64_t u = 0; u < m.n_units; ++u) {
          same += m.weight * (bit(m, i, u) == bit(m, j, u));
        }
      }
      k[i * n + j] = static_cast<double>(same);
    }
  }
  return k;
}

using KernelFn = void (*)(const SignCodes&, std::span<double>);

void expect_matches_naive(KernelFn kernel) {
  std::uint64_t seed = 1;
  for (std::int64_t n_images : {1, 2, 3, 5, 17, 128}) {
    for (std::int64_t words_per_row : {1, 3, 8, 9, 33}) {
      const SignCodes codes = random_codes(n_images, words_per_row, seed++);
      std::vector<double> k(static_cast<std::size_t>(n_images * n_images), -1.0);
      kernel(codes, k);
      EXPECT_EQ(k, naive_kernel(codes)) << n_images << " images, " << words_per_row << " words";
    }
  }
}

TEST(HammingKernel, MatchesNaiveOnRandomBits) {
  expect_matches_naive([](const SignCodes& c, std::span<double> k) { hamming_kernel(c, k); });
}

TEST(HammingKernel, PortableMatchesNaiveOnRandomBits) {
  expect_matches_naive(internal::hamming_kernel_portable);
}

TEST(HammingKernel, Avx512MatchesNaiveOnRandomBits) {
  if (!internal::cpu_has_avx512_vpopcntdq()) GTEST_SKIP() << "CPU lacks AVX-512 VPOPCNTDQ";
  expect_matches_naive(internal::hamming_kernel_avx512);
}

TEST(HammingKernel, Avx512AgreesWithPortableAcrossChunks) {
  if (!internal::cpu_has_avx512_vpopcntdq()) GTEST_SKIP() << "CPU lacks AVX-512 VPOPCNTDQ";
  // Long rows span several L2-sized word chunks, the last one ending in a masked tail.
  const SignCodes codes = random_codes(130, 4099, 7);
  std::vector<double> fast(130 * 130), portable(130 * 130);
  internal::hamming_kernel_avx512(codes, fast);
  internal::hamming_kernel_portable(codes, portable);
  EXPECT_EQ(fast, portable);
}

TEST(HammingKernel, IsSymmetricWithDiagonalNA) {
  const SignCodes codes = random_codes(37, 11, 3);
  const std::vector<double> k = hamming_kernel(codes);
  const auto n_a = static_cast<double>(codes.n_units());
  for (std::int64_t i = 0; i < 37; ++i) {
    EXPECT_EQ(k[i * 37 + i], n_a);
    for (std::int64_t j = 0; j < 37; ++j) EXPECT_EQ(k[i * 37 + j], k[j * 37 + i]);
  }
}

TEST(HammingKernel, HandComputedTwoImages) {
  // Image 0 has units {0, 1} on, image 1 has {1, 2} on, of 3 units with weight 2: they differ in
  // units 0 and 2, so K_01 = 2 * (3 - 2) = 2 and N_A = 6.
  const SignCodes codes{2, {BitMatrix{2, 3, 1, {0b011, 0b110}}}};
  EXPECT_EQ(hamming_kernel(codes), (std::vector<double>{6, 2, 2, 6}));
}

TEST(HammingKernel, EmptyBlocksGiveZeroKernel) {
  const SignCodes codes{3, {BitMatrix{1, 0, 0, {}}}};
  EXPECT_EQ(hamming_kernel(codes), std::vector<double>(9, 0.0));
}

}  // namespace
}  // namespace naswot::score
