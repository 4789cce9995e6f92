#include "engine/channel_slice.h"

#include "engine/dnnl_ops.h"
#include "naswot/util/error.h"

namespace naswot::engine {

namespace {

// Offset of element (n, k, 0, 0); consecutive pixels of one channel are `block` apart. The
// blocked layouts are only chosen when the block divides C, so there is no channel padding.
std::int64_t offset(const Shape& s, std::int64_t block, std::int64_t n, std::int64_t k) {
  const std::int64_t hw = s.h * s.w;
  return n * s.c * hw + (k / block) * hw * block + k % block;
}

}  // namespace

void slice_channels(const Shape& in_shape, const float* in, const Shape& out_shape, float* out,
                    int graph_block) {
  NASWOT_CHECK(in_shape.n == out_shape.n && in_shape.h == out_shape.h &&
               in_shape.w == out_shape.w && out_shape.c <= in_shape.c);
  const std::int64_t in_block = channel_block(in_shape, graph_block);
  const std::int64_t out_block = channel_block(out_shape, graph_block);
  const std::int64_t hw = in_shape.h * in_shape.w;
#pragma omp parallel for collapse(2) schedule(static)
  for (std::int64_t n = 0; n < out_shape.n; ++n) {
    for (std::int64_t k = 0; k < out_shape.c; ++k) {
      const float* src = in + offset(in_shape, in_block, n, k);
      float* dst = out + offset(out_shape, out_block, n, k);
      for (std::int64_t p = 0; p < hw; ++p) dst[p * out_block] = src[p * in_block];
    }
  }
}

}  // namespace naswot::engine
