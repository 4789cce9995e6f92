#include "engine/tensor_add.h"

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
  const bool plain = std::none_of(terms.begin(), terms.end(),
                                  [](const AddTerm& a) { return static_cast<bool>(a.affine); });
  // Plain sums ignore channels; with an affine, cut the range where planes change.
  for (std::int64_t at = begin; at < begin + len;) {
    const std::int64_t run = at / t.plane_len, plane = run % t.planes;
    const std::int64_t end = plain ? begin + len : std::min(begin + len, (run + 1) * t.plane_len);
    float* dst = out + (at - begin);
    set_term(terms[0].x + at, plane_affine(terms[0].affine, plane), dst, end - at);
    for (std::size_t k = 1; k < terms.size(); ++k)
      add_term(terms[k].x + at, plane_affine(terms[k].affine, plane), dst, end - at);
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
