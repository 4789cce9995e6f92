#include "engine/sign_pack.h"

#include <immintrin.h>

#include <algorithm>

namespace naswot::engine {

namespace {

std::uint64_t pack_tail(const float* x, float* y, std::int64_t count) {
  std::uint64_t w = 0;
  for (std::int64_t b = 0; b < count; ++b) {
    w |= static_cast<std::uint64_t>(x[b] > 0.0f) << b;
    if (y) y[b] = std::max(x[b], 0.0f);
  }
  return w;
}

void pack_image_portable(const float* x, float* y, std::int64_t units, std::uint64_t* words) {
  const std::int64_t full = units / 64;
  for (std::int64_t k = 0; k < full; ++k)
    words[k] = pack_tail(x + 64 * k, y ? y + 64 * k : nullptr, 64);
  if (units % 64) words[full] = pack_tail(x + 64 * full, y ? y + 64 * full : nullptr, units % 64);
}

__attribute__((target("avx512f"))) void pack_image_avx512(const float* x, float* y,
                                                          std::int64_t units,
                                                          std::uint64_t* words) {
  const __m512 zero = _mm512_setzero_ps();
  const std::int64_t full = units / 64;
  for (std::int64_t k = 0; k < full; ++k) {
    const float* p = x + 64 * k;
    const __m512 a = _mm512_loadu_ps(p), b = _mm512_loadu_ps(p + 16);
    const __m512 c = _mm512_loadu_ps(p + 32), d = _mm512_loadu_ps(p + 48);
    const std::uint64_t m0 = _mm512_cmp_ps_mask(a, zero, _CMP_GT_OQ);
    const std::uint64_t m1 = _mm512_cmp_ps_mask(b, zero, _CMP_GT_OQ);
    const std::uint64_t m2 = _mm512_cmp_ps_mask(c, zero, _CMP_GT_OQ);
    const std::uint64_t m3 = _mm512_cmp_ps_mask(d, zero, _CMP_GT_OQ);
    words[k] = m0 | (m1 << 16) | (m2 << 32) | (m3 << 48);
    if (y) {
      float* q = y + 64 * k;
      _mm512_storeu_ps(q, _mm512_max_ps(a, zero));
      _mm512_storeu_ps(q + 16, _mm512_max_ps(b, zero));
      _mm512_storeu_ps(q + 32, _mm512_max_ps(c, zero));
      _mm512_storeu_ps(q + 48, _mm512_max_ps(d, zero));
    }
  }
  if (units % 64) words[full] = pack_tail(x + 64 * full, y ? y + 64 * full : nullptr, units % 64);
}

}  // namespace

void relu_sign_pack(const float* src, float* dst, std::int64_t n_images, std::int64_t units,
                    std::uint64_t* words, std::int64_t word_stride) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n_images; ++i) {
    const float* x = src + i * units;
    float* y = dst ? dst + i * units : nullptr;
    if (avx512) {
      pack_image_avx512(x, y, units, words + i * word_stride);
    } else {
      pack_image_portable(x, y, units, words + i * word_stride);
    }
  }
}

}  // namespace naswot::engine
