#include "engine/sign_pack.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace naswot::engine {

namespace {

constexpr std::int64_t kLanes = 16;

std::uint16_t to_bf16(float x) {  // round to nearest even; inputs here are >= 0 and finite
  std::uint32_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  return static_cast<std::uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

// One image's input: element j is x[j], normalised when there is an affine.
struct ImageInput {
  const float* x;
  ChannelAffine affine;
  std::int64_t plane_len;
  [[nodiscard]] float at(std::int64_t j) const {
    if (!affine) return x[j];
    const std::int64_t lane = j / plane_len * kLanes + j % plane_len % kLanes;
    return std::fma(x[j], affine.scale[lane], affine.shift[lane]);
  }
};

// Scalar reference path for tails and CPUs without AVX-512. REQUIRES: begin % 64 == 0.
void pack_range(const ImageInput& in, ReluOutput out, std::int64_t begin, std::int64_t end,
                std::uint64_t* words) {
  for (std::int64_t j = begin; j < end; j += 64) {
    const std::int64_t count = std::min<std::int64_t>(64, end - j);
    std::uint64_t w = 0;
    for (std::int64_t b = 0; b < count; ++b) {
      const float v = in.at(j + b);
      w |= static_cast<std::uint64_t>(v > 0.0f) << b;
      if (out.f32) out.f32[j + b] = std::max(v, 0.0f);
      if (out.bf16) out.bf16[j + b] = to_bf16(std::max(v, 0.0f));
    }
    if (words) words[j / 64] = w;
  }
}

template <bool kAffine>
__attribute__((target("avx512f,avx512bf16,avx512vl"))) void pack_avx512(
    const ImageInput& in, ReluOutput out, std::int64_t units, std::uint64_t* words, bool bf16_ok) {
  const __m512 zero = _mm512_setzero_ps();
  const std::int64_t full = units / 64 * 64;
  // The current plane's pattern (vectors never straddle planes: plane_len % 16 == 0).
  std::int64_t plane_end = kAffine ? in.plane_len : 0;
  __m512 scale = zero, shift = zero;
  if constexpr (kAffine) {
    scale = _mm512_loadu_ps(in.affine.scale);
    shift = _mm512_loadu_ps(in.affine.shift);
  }
  for (std::int64_t j = 0; j < full; j += 64) {
    std::uint64_t w = 0;
    for (int q = 0; q < 4; ++q) {
      const std::int64_t at = j + 16 * q;
      __m512 v = _mm512_loadu_ps(in.x + at);
      if constexpr (kAffine) {
        if (at == plane_end) {
          const std::int64_t lane = at / in.plane_len * kLanes;
          scale = _mm512_loadu_ps(in.affine.scale + lane);
          shift = _mm512_loadu_ps(in.affine.shift + lane);
          plane_end += in.plane_len;
        }
        v = _mm512_fmadd_ps(v, scale, shift);
      }
      w |= static_cast<std::uint64_t>(_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ)) << (16 * q);
      // (masked form: GCC 12 warns about the unmasked one's undefined pass-through)
      const __m512 r = _mm512_maskz_max_ps(0xFFFF, v, zero);
      if (out.f32) _mm512_storeu_ps(out.f32 + at, r);
      if (out.bf16 && bf16_ok) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.bf16 + at),
                            reinterpret_cast<__m256i>(_mm512_cvtneps_pbh(r)));
      } else if (out.bf16) {
        alignas(64) float rect[16];
        _mm512_store_ps(rect, r);
        for (int b = 0; b < 16; ++b) out.bf16[at + b] = to_bf16(rect[b]);
      }
    }
    if (words) words[j / 64] = w;
  }
  pack_range(in, out, full, units, words);
}

// One image's (or piece's) ReLU and signs on the fastest path its input allows.
void pack(const ImageInput& in, ReluOutput out, std::int64_t units, std::uint64_t* words) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  static const bool bf16_ok = __builtin_cpu_supports("avx512bf16");
  if (avx512 && in.affine && in.plane_len % kLanes == 0) {
    pack_avx512<true>(in, out, units, words, bf16_ok);
  } else if (avx512 && !in.affine) {
    pack_avx512<false>(in, out, units, words, bf16_ok);
  } else {
    pack_range(in, out, 0, units, words);
  }
}

ReluOutput offset_by(ReluOutput out, std::int64_t at) {
  return {out.f32 ? out.f32 + at : nullptr, out.bf16 ? out.bf16 + at : nullptr};
}

}  // namespace

void relu_sign_pack(const float* src, ChannelAffine affine, const Planes& t, ReluOutput out,
                    std::uint64_t* words, std::int64_t word_stride) {
  const std::int64_t units = t.per_image();
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < t.images; ++i) {
    pack({src + i * units, affine, t.plane_len}, offset_by(out, i * units), units,
         words ? words + i * word_stride : nullptr);
  }
}

void add_relu_sign_pack(std::span<const AddTerm> terms, const Planes& t, float* sum, ReluOutput out,
                        std::uint64_t* words, std::int64_t word_stride) {
  constexpr std::int64_t kPiece = 2048;  // a multiple of 64: pieces fill whole sign words
  const std::int64_t units = t.per_image();
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < t.images; ++i) {
    alignas(64) float local[kPiece];
    for (std::int64_t begin = 0; begin < units; begin += kPiece) {
      const std::int64_t at = i * units + begin, len = std::min(kPiece, units - begin);
      float* piece = sum ? sum + at : local;
      sum_range(terms, t, at, len, piece);
      pack({piece, {}, t.plane_len}, offset_by(out, at), len,
           words ? words + i * word_stride + begin / 64 : nullptr);
    }
  }
}

void clip_above(float* x, std::int64_t count, float max) {
#pragma omp parallel for schedule(static)
  for (std::int64_t k = 0; k < count; ++k) x[k] = std::min(x[k], max);
}

}  // namespace naswot::engine
