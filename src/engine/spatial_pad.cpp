#include "engine/spatial_pad.h"

#include <algorithm>

#include "engine/dnnl_ops.h"
#include "naswot/util/error.h"

namespace naswot::engine {

namespace {}  // namespace

void pad_spatial(const Shape& in_shape, const float* in, const Window& pads, const Shape& out_shape,
                 float* out, int graph_block) {
  NASWOT_CHECK(in_shape.n == out_shape.n && in_shape.c == out_shape.c &&
               out_shape.h == in_shape.h + pads.pad_t + pads.pad_b &&
               out_shape.w == in_shape.w + pads.pad_l + pads.pad_r);
  // Input and output have the same channel count, hence the same block: each (image, channel
  // block) is an H x W x block plane, and a row is W * block contiguous floats.
  const std::int64_t block = channel_block(in_shape, graph_block);
  const std::int64_t planes = in_shape.n * (in_shape.c / block);
  // Output columns [w0, w1) read input columns [w0 - pad_l, w1 - pad_l); the rest are zero.
  const std::int64_t w0 = std::clamp<std::int64_t>(pads.pad_l, 0, out_shape.w);
  const std::int64_t w1 = std::clamp<std::int64_t>(pads.pad_l + in_shape.w, 0, out_shape.w);
#pragma omp parallel for collapse(2) schedule(static)
  for (std::int64_t p = 0; p < planes; ++p) {
    for (std::int64_t oh = 0; oh < out_shape.h; ++oh) {
      float* dst = out + (p * out_shape.h + oh) * out_shape.w * block;
      const std::int64_t ih = oh - pads.pad_t;
      if (ih < 0 || ih >= in_shape.h || w0 >= w1) {
        std::fill_n(dst, out_shape.w * block, 0.0f);
        continue;
      }
      const float* src = in + ((p * in_shape.h + ih) * in_shape.w + (w0 - pads.pad_l)) * block;
      std::fill_n(dst, w0 * block, 0.0f);
      std::copy_n(src, (w1 - w0) * block, dst + w0 * block);
      std::fill_n(dst + w1 * block, (out_shape.w - w1) * block, 0.0f);
    }
  }
}

}  // namespace naswot::engine
