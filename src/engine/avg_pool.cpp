#include "engine/avg_pool.h"

namespace naswot::engine {

void avg_pool_2x2(const float* x, const Planes& in, float* y) {
  constexpr std::int64_t kLanes = 16;
  const std::int64_t width = in.width, height = in.positions() / width;
  const std::int64_t out_w = width / 2, out_h = height / 2;
  const std::int64_t out_plane = out_h * out_w * kLanes, runs = in.images * in.planes;
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < runs; ++r) {
    const float* src = x + r * in.plane_len;
    float* dst = y + r * out_plane;
    for (std::int64_t h = 0; h < out_h; ++h) {
      const float* top = src + 2 * h * width * kLanes;
      const float* bottom = top + width * kLanes;
      float* o = dst + h * out_w * kLanes;
      for (std::int64_t w = 0; w < out_w; ++w) {
        const std::int64_t a = 2 * w * kLanes, b = a + kLanes;
        for (std::int64_t l = 0; l < kLanes; ++l)
          o[w * kLanes + l] = ((top[a + l] + top[b + l]) + (bottom[a + l] + bottom[b + l])) * 0.25f;
      }
    }
  }
}

}  // namespace naswot::engine
