// The NASWOT kernel K_ij = N_A - d_H(c_i, c_j) (reference-semantics.md §1.5) from bit-packed sign
// codes: per block, the weighted Hamming distance weight * popcount(row_i ^ row_j) is summed
// exactly in int64 and K is formed once at the end. Rows are processed in 4x4 register tiles
// (8 rows loaded, 16 popcounts per word vector) over the upper triangle of tile pairs only, then
// mirrored; this is method (iii) of performance-notes.md §3. The AVX-512 VPOPCNTDQ tile is chosen
// at run time because the project baseline is x86-64-v3; the portable tile uses scalar popcnt.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "naswot/score/naswot.h"
#include "naswot/util/error.h"
#include "score/hamming_internal.h"

namespace naswot::score {
namespace {

constexpr int kTile = 4;  // rows per side of a register tile: 16 accumulators + 8 loads fit 32 zmm
// Bytes of one word chunk summed over all rows: half of a 1 MB L2, leaving room for the other
// blocks' traffic and for the output.
constexpr std::int64_t kChunkBytes = std::int64_t{512} << 10;

using Rows = std::array<const std::uint64_t*, kTile>;
using Counts = std::array<std::int64_t, kTile * kTile>;
// Sets counts[r * kTile + s] = sum over words [0, n_words) of popcount(a[r][w] ^ b[s][w]).
using TileFn = void (*)(const Rows& a, const Rows& b, std::int64_t n_words, Counts& counts);

void tile_portable(const Rows& a, const Rows& b, std::int64_t n_words, Counts& counts) {
  Counts c{};
  for (std::int64_t w = 0; w < n_words; ++w) {
    for (int r = 0; r < kTile; ++r) {
      const std::uint64_t x = a[r][w];
      for (int s = 0; s < kTile; ++s) c[r * kTile + s] += __builtin_popcountll(x ^ b[s][w]);
    }
  }
  counts = c;
}

__attribute__((target("avx512f,avx512vpopcntdq"))) void tile_avx512(const Rows& a, const Rows& b,
                                                                    std::int64_t n_words,
                                                                    Counts& counts) {
  // GCC keeps acc in registers only when every loop over it is fully unrolled; otherwise it also
  // stores all 16 accumulators to the stack on every iteration.
  __m512i acc[kTile * kTile];
#pragma GCC unroll 16
  for (__m512i& v : acc) v = _mm512_setzero_si512();
  for (std::int64_t w = 0; w < n_words; w += 8) {
    // Lanes past the end of a partial last vector load as zero and so add nothing.
    const auto mask = static_cast<__mmask8>(n_words - w >= 8 ? 0xFF : (1u << (n_words - w)) - 1);
    __m512i va[kTile], vb[kTile];
    for (int r = 0; r < kTile; ++r) va[r] = _mm512_maskz_loadu_epi64(mask, a[r] + w);
    for (int s = 0; s < kTile; ++s) vb[s] = _mm512_maskz_loadu_epi64(mask, b[s] + w);
#pragma GCC unroll 16
    for (int r = 0; r < kTile; ++r) {
#pragma GCC unroll 16
      for (int s = 0; s < kTile; ++s) {
        const __m512i pop = _mm512_popcnt_epi64(_mm512_xor_si512(va[r], vb[s]));
        acc[r * kTile + s] = _mm512_add_epi64(acc[r * kTile + s], pop);
      }
    }
  }
  // Not _mm512_reduce_add_epi64: GCC 12 warns inside it (-Wuninitialized, a false positive).
  alignas(64) std::int64_t lanes[kTile * kTile][8];
#pragma GCC unroll 16
  for (int i = 0; i < kTile * kTile; ++i) _mm512_store_si512(lanes[i], acc[i]);
  for (int i = 0; i < kTile * kTile; ++i) {
    counts[i] = 0;
    for (int l = 0; l < 8; ++l) counts[i] += lanes[i][l];
  }
}

// Adds m.weight * popcount(row_i ^ row_j) to dist[i * n + j] for every i <= j (and, harmlessly,
// for some i > j inside diagonal tiles). A task is one row tile I against every tile J >= I, so
// tasks write disjoint rows of dist and need no barrier until the end; dynamic scheduling evens
// out their unequal sizes and tolerates a core that another process is using. Inside a task,
// word chunks are the outer loop: rows J are then re-read from L2 for each J rather than
// streamed from memory.
void add_block_distances(const engine::BitMatrix& m, std::int64_t n, TileFn tile,
                         std::span<std::int64_t> dist) {
  const std::int64_t n_tiles = (n + kTile - 1) / kTile;
  const std::int64_t wpr = m.words_per_row;
  // Whole vectors only, so that only the last chunk of a row has a masked tail.
  const std::int64_t chunk_words = std::max<std::int64_t>(8, kChunkBytes / (8 * n) / 8 * 8);
  // Rows of a tile, from word w0 on. A partial edge tile repeats row n - 1; the results for the
  // repeats are computed but never stored.
  const auto tile_rows = [&](std::int64_t t, std::int64_t w0) {
    Rows rows;
    for (int r = 0; r < kTile; ++r) rows[r] = &m.words[std::min(t * kTile + r, n - 1) * wpr + w0];
    return rows;
  };

#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t ti = 0; ti < n_tiles; ++ti) {
    for (std::int64_t w0 = 0; w0 < wpr; w0 += chunk_words) {
      const std::int64_t n_words = std::min(chunk_words, wpr - w0);
      const Rows a = tile_rows(ti, w0);
      for (std::int64_t tj = ti; tj < n_tiles; ++tj) {
        Counts counts;
        tile(a, tile_rows(tj, w0), n_words, counts);
        for (std::int64_t r = 0; r < kTile && ti * kTile + r < n; ++r) {
          for (std::int64_t s = 0; s < kTile && tj * kTile + s < n; ++s) {
            dist[(ti * kTile + r) * n + tj * kTile + s] += m.weight * counts[r * kTile + s];
          }
        }
      }
    }
  }
}

void hamming_kernel_with(const engine::SignCodes& codes, std::span<double> k, TileFn tile) {
  const std::int64_t n = codes.n_images;
  NASWOT_CHECK(n >= 0 && static_cast<std::int64_t>(k.size()) == n * n);
  std::vector<std::int64_t> dist(static_cast<std::size_t>(n * n), 0);
  for (const engine::BitMatrix& m : codes.blocks) {
    NASWOT_CHECK(m.n_units >= 0 && m.words_per_row * 64 >= m.n_units);
    NASWOT_CHECK(static_cast<std::int64_t>(m.words.size()) == n * m.words_per_row);
    if (n > 0 && m.words_per_row > 0) add_block_distances(m, n, tile, dist);
  }
  const std::int64_t n_a = codes.n_units();
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = i; j < n; ++j) {
      k[i * n + j] = k[j * n + i] = static_cast<double>(n_a - dist[i * n + j]);
    }
  }
}

}  // namespace

namespace internal {

bool cpu_has_avx512_vpopcntdq() {
  static const bool has = __builtin_cpu_supports("avx512vpopcntdq");
  return has;
}

void hamming_kernel_portable(const engine::SignCodes& codes, std::span<double> k) {
  hamming_kernel_with(codes, k, tile_portable);
}

void hamming_kernel_avx512(const engine::SignCodes& codes, std::span<double> k) {
  NASWOT_CHECK(cpu_has_avx512_vpopcntdq());
  hamming_kernel_with(codes, k, tile_avx512);
}

}  // namespace internal

void hamming_kernel(const engine::SignCodes& codes, std::span<double> k) {
  hamming_kernel_with(codes, k, internal::cpu_has_avx512_vpopcntdq() ? tile_avx512 : tile_portable);
}

std::vector<double> hamming_kernel(const engine::SignCodes& codes) {
  std::vector<double> k(static_cast<std::size_t>(codes.n_images * codes.n_images));
  hamming_kernel(codes, k);
  return k;
}

}  // namespace naswot::score
