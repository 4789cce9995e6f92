// NB201's residual shortcut pooling, avg_pool 2x2 stride 2 without padding, on nChw16c: one
// pass reading four rows' worth of vectors per output row. oneDNN 2.6's pooling takes ~3x as
// long on these shapes (BENCHMARKS.md, "Pooling"). (3x3 stride-1 pools are a sum term:
// tensor_add.h.)
#pragma once

#include <cstdint>

#include "engine/planes.h"

namespace naswot::engine {

// y = the mean of each 2x2 block of x. `in` describes x (in.width = W); y is laid out as
// in with H/2 x W/2 positions (rounded down). REQUIRES: in.cb == 16.
void avg_pool_2x2(const float* x, const Planes& in, float* y);

}  // namespace naswot::engine
