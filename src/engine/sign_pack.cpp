#include "engine/sign_pack.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace naswot::engine {

namespace {

std::uint16_t to_bf16(float x) {  // round to nearest even; inputs here are >= 0 and finite
  std::uint32_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  return static_cast<std::uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

// Scalar reference path for tails and CPUs without AVX-512.
void pack_range(const float* x, ReluOutput out, std::int64_t begin, std::int64_t end,
                std::uint64_t* words) {
  for (std::int64_t j = begin; j < end; j += 64) {
    const std::int64_t count = std::min<std::int64_t>(64, end - j);
    std::uint64_t w = 0;
    for (std::int64_t b = 0; b < count; ++b) {
      const float v = x[j + b];
      w |= static_cast<std::uint64_t>(v > 0.0f) << b;
      if (out.f32) out.f32[j + b] = std::max(v, 0.0f);
      if (out.bf16) out.bf16[j + b] = to_bf16(std::max(v, 0.0f));
    }
    if (words) words[j / 64] = w;
  }
}

__attribute__((target("avx512f,avx512bf16,avx512vl"))) void pack_avx512(
    const float* x, ReluOutput out, std::int64_t units, std::uint64_t* words, bool bf16_ok) {
  const __m512 zero = _mm512_setzero_ps();
  const std::int64_t full = units / 64 * 64;
  for (std::int64_t j = 0; j < full; j += 64) {
    std::uint64_t w = 0;
    for (int q = 0; q < 4; ++q) {
      const __m512 v = _mm512_loadu_ps(x + j + 16 * q);
      w |= static_cast<std::uint64_t>(_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ)) << (16 * q);
      const __m512 r = _mm512_max_ps(v, zero);
      if (out.f32) _mm512_storeu_ps(out.f32 + j + 16 * q, r);
      if (out.bf16 && bf16_ok) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.bf16 + j + 16 * q),
                            reinterpret_cast<__m256i>(_mm512_cvtneps_pbh(r)));
      } else if (out.bf16) {
        for (int b = 0; b < 16; ++b)
          out.bf16[j + 16 * q + b] = to_bf16(std::max(x[j + 16 * q + b], 0.0f));
      }
    }
    if (words) words[j / 64] = w;
  }
  pack_range(x, out, full, units, words);
}

}  // namespace

void relu_sign_pack(const float* src, ReluOutput out, std::int64_t n_images, std::int64_t units,
                    std::uint64_t* words, std::int64_t word_stride) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  static const bool bf16_ok = __builtin_cpu_supports("avx512bf16");
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n_images; ++i) {
    const ReluOutput o{out.f32 ? out.f32 + i * units : nullptr,
                       out.bf16 ? out.bf16 + i * units : nullptr};
    std::uint64_t* w = words ? words + i * word_stride : nullptr;
    if (avx512) {
      pack_avx512(src + i * units, o, units, w, bf16_ok);
    } else {
      pack_range(src + i * units, o, 0, units, w);
    }
  }
}

}  // namespace naswot::engine
