// Training-mode batch norm at initialisation (γ = 1, β = 0), computed as an affine per channel
// so that the consumers (the add and ReLU kernels) can apply it while they read the tensor,
// instead of a separate pass writing the normalised copy. Replaces oneDNN's bnorm_jit, which
// makes three passes (mean, variance, normalise) over each convolution output.
#pragma once

#include <cstdint>

#include "engine/planes.h"

namespace naswot::engine {

constexpr double kBatchNormEps = 1e-5;

// Scratch doubles batch_norm_affine needs for a tensor laid out as t.
[[nodiscard]] std::int64_t batch_norm_scratch(const Planes& t);

// Mean and biased variance of each channel over images and positions, returned as PyTorch's
// CPU kernel applies them: scale = 1/sqrt(var + eps), shift = -mean * scale (computed in
// double, stored as float), written as ChannelAffine patterns (t.planes * 16 floats each).
// Each (image, channel) run is reduced in two passes around its own mean while it is in
// cache, and the runs are merged exactly in double, so the variance does not suffer from
// cancellation and the result does not depend on the thread count.
void batch_norm_affine(const float* x, const Planes& t, float* scale, float* shift,
                       double* scratch);

// A batch norm whose output must be materialised is add_tensors (tensor_add.h) with one term.

}  // namespace naswot::engine
