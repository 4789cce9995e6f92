// The kSlice kernel: copies the first channels of an activation into a narrower one. oneDNN
// 2.6 cannot express this as a reorder from a sub-memory when the input is channel-blocked and
// the kept count is not a block multiple (it refuses "could not construct a sub-memory" for
// 23 of 24, 31 of 32 or 63 of 64 channels, exactly NB101's truncations), so it is a plain loop
// over the layouts activation_md() chooses.
#pragma once

#include "naswot/engine/graph.h"

namespace naswot::engine {

// Writes channels [0, out_shape.c) of `in` (shape in_shape) to `out`, each in the layout
// activation_md gives its shape under graph_block. REQUIRES: same n, h, w; out_shape.c <=
// in_shape.c.
void slice_channels(const Shape& in_shape, const float* in, const Shape& out_shape, float* out,
                    int graph_block);

}  // namespace naswot::engine
