// The kAdd kernel: dst = src[0] + src[1] + ... element by element, summed left to right (as
// oneDNN's sum does with unit scales, so results are bit-identical). Replaces oneDNN 2.6's
// `sum` primitive, which in Debian's build is a 4-wide SSE loop making one pass over dst per
// input (5 ms of a 55 ms NB201 network; BENCHMARKS.md, "Sums").
#pragma once

#include <cstdint>
#include <span>

namespace naswot::engine {

// Every array holds `count` floats in the same layout. REQUIRES: srcs.size() >= 1; dst may
// not overlap any source.
void add_tensors(std::span<const float* const> srcs, float* dst, std::int64_t count);

}  // namespace naswot::engine
