// The fused ReLU + sign capture: one pass over a tensor writes max(x, 0) (when the output is
// needed, as f32 or bf16) and packs (x > 0) into 64-bit words per image (when the ReLU is a
// counted site). Strict comparison: 0, -0 and NaN give 0. The input may be a batch norm left
// unapplied (planes.h), normalised here as it is read.
#pragma once

#include <cstdint>
#include <span>

#include "engine/planes.h"
#include "engine/tensor_add.h"

namespace naswot::engine {

struct ReluOutput {
  float* f32 = nullptr;           // max(x, 0) as f32, or
  std::uint16_t* bf16 = nullptr;  // max(x, 0) rounded to bf16 (nearest even); at most one set
};

// With v = src, or fma(src, scale, shift) per channel when `affine` is set, and
// units = t.per_image(): for each image i, words[i*word_stride + k] bit b =
// (v[i*units + 64k + b] > 0), bits past `units` 0 (skipped when words is null); and max(v, 0)
// as `out` says. Fast path: no affine, or t.plane_len % 16 == 0 (other planes go scalar).
void relu_sign_pack(const float* src, ChannelAffine affine, const Planes& t, ReluOutput out,
                    std::uint64_t* words, std::int64_t word_stride);

// A sum (add_tensors' terms) followed by relu_sign_pack of it, in one pass: each image is summed
// in cache-sized pieces that are rectified and packed while still in L1, so the sum is never
// read back from memory, and written only when `sum` is not null (something else reads it).
void add_relu_sign_pack(std::span<const AddTerm> terms, const Planes& t, float* sum, ReluOutput out,
                        std::uint64_t* words, std::int64_t word_stride);

// ReLU6 and other clipped ReLUs: x = min(x, max) over `count` floats, after relu_sign_pack
// wrote max(x, 0) (the sign bits do not depend on the clip).
void clip_above(float* x, std::int64_t count, float max);

}  // namespace naswot::engine
