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

ChannelAffine plane_affine(ChannelAffine a, std::int64_t plane) {
  if (!a) return a;
  return {a.scale + plane * kLanes, a.shift + plane * kLanes};
}

}  // namespace

void add_tensors(std::span<const AddTerm> terms, float* dst, const Planes& layout) {
  // Plain sums ignore channels: one run, cut into equal chunks however small the planes are.
  const bool plain = std::none_of(terms.begin(), terms.end(),
                                  [](const AddTerm& a) { return static_cast<bool>(a.affine); });
  const Planes t = plain ? Planes{1, 1, layout.images * layout.per_image(), 1} : layout;
  const std::int64_t chunks_per_plane = (t.plane_len + kChunk - 1) / kChunk;
  const std::int64_t n_chunks = t.images * t.planes * chunks_per_plane;
#pragma omp parallel for schedule(static)
  for (std::int64_t c = 0; c < n_chunks; ++c) {
    const std::int64_t run = c / chunks_per_plane, plane = run % t.planes;
    const std::int64_t begin = run * t.plane_len + (c % chunks_per_plane) * kChunk;
    const std::int64_t len = std::min(kChunk, (run + 1) * t.plane_len - begin);
    set_term(terms[0].x + begin, plane_affine(terms[0].affine, plane), dst + begin, len);
    for (std::size_t k = 1; k < terms.size(); ++k)
      add_term(terms[k].x + begin, plane_affine(terms[k].affine, plane), dst + begin, len);
  }
}

}  // namespace naswot::engine
