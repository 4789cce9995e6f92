// The kPad kernel: zero padding (or, for negative amounts, cropping) of the spatial sides of
// an activation. oneDNN 2.6 has no pad primitive and its convolutions refuse a negative
// leading padding, which DARTS' FactorizedReduce (a 1x1 stride-2 conv on x[:, :, 1:, 1:])
// needs, so it is a plain loop over the layouts activation_md() chooses.
#pragma once

#include "naswot/engine/graph.h"

namespace naswot::engine {

// Writes `in` (shape in_shape) padded by `pads` (pad_t, pad_l, pad_b, pad_r; negative crops)
// to `out` (shape out_shape), both in the layout activation_md gives their shape.
// REQUIRES: out_shape = in_shape grown by the pads; same n and c.
void pad_spatial(const Shape& in_shape, const float* in, const Window& pads, const Shape& out_shape,
                 float* out, int graph_block);

}  // namespace naswot::engine
