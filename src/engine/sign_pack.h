// The fused ReLU + sign capture: one pass over a tensor writes max(x, 0) (when the output is
// needed, as f32 or bf16) and packs (x > 0) into 64-bit words per image (when the ReLU is a
// counted site). Strict comparison: 0, -0 and NaN give 0. Works for any layout whose
// outermost dimension is the image (nchw, nChw16c, ...).
#pragma once

#include <cstdint>

namespace naswot::engine {

struct ReluOutput {
  float* f32 = nullptr;           // max(x, 0) as f32, or
  std::uint16_t* bf16 = nullptr;  // max(x, 0) rounded to bf16 (nearest even); at most one set
};

// For each image i: words[i*word_stride + k] bit b = (src[i*units + 64k + b] > 0), bits past
// `units` are 0 (skipped when words is null); and the rectified output as `out` says.
void relu_sign_pack(const float* src, ReluOutput out, std::int64_t n_images, std::int64_t units,
                    std::uint64_t* words, std::int64_t word_stride);

}  // namespace naswot::engine
