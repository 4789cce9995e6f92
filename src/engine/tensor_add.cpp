#include "engine/tensor_add.h"

#include <algorithm>
#include <cstring>

namespace naswot::engine {

void add_tensors(std::span<const float* const> srcs, float* dst, std::int64_t count) {
  // Chunks small enough that dst stays in L1 while every further source is added into it.
  constexpr std::int64_t kChunk = 2048;
  const std::int64_t n_chunks = (count + kChunk - 1) / kChunk;
  const std::size_t k = srcs.size();
#pragma omp parallel for schedule(static)
  for (std::int64_t c = 0; c < n_chunks; ++c) {
    const std::int64_t begin = c * kChunk, len = std::min(kChunk, count - begin);
    float* __restrict out = dst + begin;
    const float* __restrict a = srcs[0] + begin;
    if (k == 1) {
      std::memcpy(out, a, static_cast<std::size_t>(len) * sizeof(float));
      continue;
    }
    const float* __restrict b = srcs[1] + begin;
    for (std::int64_t i = 0; i < len; ++i) out[i] = a[i] + b[i];
    for (std::size_t s = 2; s < k; ++s) {
      const float* __restrict x = srcs[s] + begin;
      for (std::int64_t i = 0; i < len; ++i) out[i] += x[i];
    }
  }
}

}  // namespace naswot::engine
