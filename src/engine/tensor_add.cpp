#include "engine/tensor_add.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace naswot::engine {

namespace {

constexpr std::int64_t kLanes = 16;
// Chunks small enough that dst stays in L1 while every further term is added into it; a
// multiple of 16, so chunk offsets keep the affine patterns' lane alignment.
constexpr std::int64_t kChunk = 2048;

void set_term(const float* __restrict x, ChannelAffine a, float* __restrict out, std::int64_t len) {
  if (!a) {
    std::memcpy(out, x, static_cast<std::size_t>(len) * sizeof(float));
    return;
  }
  const float* __restrict sc = a.scale;
  const float* __restrict sh = a.shift;
  std::int64_t j = 0;
  for (; j + kLanes <= len; j += kLanes) {
    for (std::int64_t l = 0; l < kLanes; ++l) out[j + l] = std::fma(x[j + l], sc[l], sh[l]);
  }
  for (; j < len; ++j) out[j] = std::fma(x[j], sc[j % kLanes], sh[j % kLanes]);
}

void add_term(const float* __restrict x, ChannelAffine a, float* __restrict out, std::int64_t len) {
  if (!a) {
    for (std::int64_t j = 0; j < len; ++j) out[j] += x[j];
    return;
  }
  const float* __restrict sc = a.scale;
  const float* __restrict sh = a.shift;
  std::int64_t j = 0;
  for (; j + kLanes <= len; j += kLanes) {
    for (std::int64_t l = 0; l < kLanes; ++l) out[j + l] += std::fma(x[j + l], sc[l], sh[l]);
  }
  for (; j < len; ++j) out[j] += std::fma(x[j], sc[j % kLanes], sh[j % kLanes]);
}

// Pooled terms: out[(p - p0) * 16 + l] (kSet: =, else +=) the mean of lane l over the valid
// 3x3 neighbours of position p, for positions [p0, p1) of one nChw16c plane of height x width.
// Separable: each column's sum over the valid rows, then three neighbouring column sums, then
// times 1/count — about 5 vector loads per position instead of 9.

// Sum of kRows rows, `stride` floats apart, of column x (from the top row `top`).
template <int kRows>
__attribute__((target("avx512f"))) inline __m512 column_sum(const float* top, std::int64_t stride,
                                                            std::int64_t x) {
  __m512 v = _mm512_loadu_ps(top + x * kLanes);
  if constexpr (kRows > 1) v = _mm512_add_ps(v, _mm512_loadu_ps(top + stride + x * kLanes));
  if constexpr (kRows > 2) v = _mm512_add_ps(v, _mm512_loadu_ps(top + 2 * stride + x * kLanes));
  return v;
}

// Positions [first, last) of one output row whose window covers kRows input rows from `top`.
template <bool kSet, int kRows>
__attribute__((target("avx512f"))) void pool_row_avx512(const float* top, std::int64_t width,
                                                        std::int64_t first, std::int64_t last,
                                                        float* out) {
  const std::int64_t stride = width * kLanes;
  const __m512 zero = _mm512_setzero_ps();
  auto emit = [ out, first ](std::int64_t w, __m512 r) __attribute__((target("avx512f"))) {
    float* o = out + (w - first) * kLanes;
    if constexpr (!kSet) r = _mm512_add_ps(r, _mm512_loadu_ps(o));
    _mm512_storeu_ps(o, r);
  };
  __m512 prev = first > 0 ? column_sum<kRows>(top, stride, first - 1) : zero;
  __m512 cur = column_sum<kRows>(top, stride, first);
  std::int64_t w = first;
  if (w == 0) {  // left edge: no left column
    const __m512 next = width > 1 ? column_sum<kRows>(top, stride, 1) : zero;
    const float cols = width > 1 ? 2.0f : 1.0f;
    emit(0, _mm512_mul_ps(_mm512_add_ps(_mm512_add_ps(prev, cur), next),
                          _mm512_set1_ps(1.0f / (kRows * cols))));
    prev = cur;
    cur = next;
    ++w;
  }
  const __m512 interior = _mm512_set1_ps(1.0f / (kRows * 3.0f));
  for (const std::int64_t end = std::min(last, width - 1); w < end; ++w) {
    const __m512 next = column_sum<kRows>(top, stride, w + 1);
    emit(w, _mm512_mul_ps(_mm512_add_ps(_mm512_add_ps(prev, cur), next), interior));
    prev = cur;
    cur = next;
  }
  if (w < last) {  // right edge (w == width - 1 > 0): no right column
    emit(w, _mm512_mul_ps(_mm512_add_ps(_mm512_add_ps(prev, cur), zero),
                          _mm512_set1_ps(1.0f / (kRows * 2.0f))));
  }
}

template <bool kSet>
__attribute__((target("avx512f"))) void pool_term_avx512(const float* plane, std::int64_t height,
                                                         std::int64_t width, std::int64_t p0,
                                                         std::int64_t p1, float* out) {
  for (std::int64_t p = p0; p < p1;) {
    const std::int64_t h = p / width, first = p % width;
    const std::int64_t last = std::min(width, first + (p1 - p));
    const std::int64_t y0 = std::max<std::int64_t>(h - 1, 0), y1 = std::min(h + 1, height - 1);
    const float* top = plane + y0 * width * kLanes;
    float* o = out + (p - p0) * kLanes;
    switch (y1 - y0 + 1) {
      case 3:
        pool_row_avx512<kSet, 3>(top, width, first, last, o);
        break;
      case 2:
        pool_row_avx512<kSet, 2>(top, width, first, last, o);
        break;
      default:
        pool_row_avx512<kSet, 1>(top, width, first, last, o);
        break;
    }
    p += last - first;
  }
}

// The same sums in the same order, for CPUs without AVX-512.
template <bool kSet>
void pool_term_scalar(const float* plane, std::int64_t height, std::int64_t width, std::int64_t p0,
                      std::int64_t p1, float* out) {
  for (std::int64_t p = p0; p < p1; ++p) {
    const std::int64_t h = p / width, w = p % width;
    const std::int64_t y0 = std::max<std::int64_t>(h - 1, 0), y1 = std::min(h + 1, height - 1);
    const std::int64_t x0 = std::max<std::int64_t>(w - 1, 0), x1 = std::min(w + 1, width - 1);
    const auto rows = static_cast<float>(y1 - y0 + 1);
    const auto cols = static_cast<float>(x1 - x0 + 1);
    for (std::int64_t l = 0; l < kLanes; ++l) {
      float sum = 0.0f;
      for (std::int64_t x = w - 1; x <= w + 1; ++x) {
        if (x < x0 || x > x1) continue;  // (the vector path adds zero there: same value)
        float column = plane[(y0 * width + x) * kLanes + l];
        for (std::int64_t y = y0 + 1; y <= y1; ++y) column += plane[(y * width + x) * kLanes + l];
        sum = x == x0 ? column : sum + column;
      }
      const float r = sum * (1.0f / (rows * cols));
      float& o = out[(p - p0) * kLanes + l];
      o = kSet ? r : o + r;
    }
  }
}

template <bool kSet>
void pool_term(const float* plane, std::int64_t height, std::int64_t width, std::int64_t p0,
               std::int64_t p1, float* out) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) {
    pool_term_avx512<kSet>(plane, height, width, p0, p1, out);
  } else {
    pool_term_scalar<kSet>(plane, height, width, p0, p1, out);
  }
}

// The patterns of `plane`. Used from any offset o in the plane that is a multiple of cb (range
// starts are multiples of cb, and so are plane starts): a pattern's lanes repeat every cb, so
// lane (o + l) % 16 holds the same values as lane l.
ChannelAffine plane_affine(ChannelAffine a, std::int64_t plane) {
  if (!a) return a;
  return {a.scale + plane * kLanes, a.shift + plane * kLanes};
}

}  // namespace

void sum_range(std::span<const AddTerm> terms, const Planes& t, std::int64_t begin,
               std::int64_t len, float* out) {
  const bool plain = std::none_of(terms.begin(), terms.end(), [](const AddTerm& a) {
    return static_cast<bool>(a.affine) || a.avg_pool_3x3;
  });
  // Plain sums ignore channels; otherwise cut the range where planes change.
  for (std::int64_t at = begin; at < begin + len;) {
    const std::int64_t run = at / t.plane_len, plane = run % t.planes;
    const std::int64_t end = plain ? begin + len : std::min(begin + len, (run + 1) * t.plane_len);
    float* dst = out + (at - begin);
    for (std::size_t k = 0; k < terms.size(); ++k) {
      const AddTerm& term = terms[k];
      if (term.avg_pool_3x3) {
        const std::int64_t first = (at - run * t.plane_len) / kLanes;
        const std::int64_t last = (end - run * t.plane_len) / kLanes;
        const float* x = term.x + run * t.plane_len;
        const std::int64_t height = t.positions() / t.width;
        if (k == 0) {
          pool_term<true>(x, height, t.width, first, last, dst);
        } else {
          pool_term<false>(x, height, t.width, first, last, dst);
        }
      } else if (k == 0) {
        set_term(term.x + at, plane_affine(term.affine, plane), dst, end - at);
      } else {
        add_term(term.x + at, plane_affine(term.affine, plane), dst, end - at);
      }
    }
    at = end;
  }
}

void add_tensors(std::span<const AddTerm> terms, float* dst, const Planes& t) {
  const std::int64_t count = t.images * t.per_image();
  const std::int64_t n_chunks = (count + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static)
  for (std::int64_t c = 0; c < n_chunks; ++c) {
    const std::int64_t begin = c * kChunk;
    sum_range(terms, t, begin, std::min(kChunk, count - begin), dst + begin);
  }
}

}  // namespace naswot::engine
