// How our own elementwise kernels see an activation in any of the executor's layouts (nchw,
// nChw8c, nChw16c; dnnl_ops.h's activation_md): each image is `planes` runs of `plane_len`
// floats, run p holding channels [p*cb, (p+1)*cb) with element e of the run in channel
// p*cb + e % cb. No layout pads channels, so planes * cb is the channel count.
#pragma once

#include <cstdint>

namespace naswot::engine {

struct Planes {
  std::int64_t images = 0, planes = 0, plane_len = 0, cb = 1;
  std::int64_t width = 0;  // W, when a kernel needs rows (a pooled add term); 0: not given
  [[nodiscard]] std::int64_t channels() const { return planes * cb; }
  [[nodiscard]] std::int64_t per_image() const { return planes * plane_len; }
  [[nodiscard]] std::int64_t positions() const { return plane_len / cb; }  // H * W
};

// A per-channel y = x * scale + shift (a batch norm left for its consumers to apply). Stored as
// 16 lanes per plane: lane l of plane p belongs to channel p*cb + l % cb, so the 16 floats at
// any offset inside a plane that is a multiple of 16 share one pattern. Null: identity.
struct ChannelAffine {
  const float* scale = nullptr;  // planes * 16 floats
  const float* shift = nullptr;  // planes * 16 floats
  explicit operator bool() const { return scale != nullptr; }
};

}  // namespace naswot::engine
