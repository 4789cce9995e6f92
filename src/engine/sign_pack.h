// The fused ReLU + sign capture: one pass over a tensor writes max(x, 0) (when the output is
// needed) and packs (x > 0) into 64-bit words, per image (strict comparison: 0, -0 and NaN
// give 0). Works for any layout whose outermost dimension is the image (nchw, nChw16c, ...).
#pragma once

#include <cstdint>

namespace naswot::engine {

// For each image i: words[i*word_stride + k] bit b = (src[i*units + 64k + b] > 0); bits past
// `units` are 0. If dst is not null, dst[j] = max(src[j], 0) for every element.
void relu_sign_pack(const float* src, float* dst, std::int64_t n_images, std::int64_t units,
                    std::uint64_t* words, std::int64_t word_stride);

}  // namespace naswot::engine
