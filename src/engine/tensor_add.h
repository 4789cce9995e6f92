// The kAdd kernel: dst = term[0] + term[1] + ... element by element, summed left to right (as
// oneDNN's sum does with unit scales, so plain sums are bit-identical to it), where a term is
// a tensor or a batch norm left unapplied (x * scale + shift per channel, one fused
// multiply-add). Replaces oneDNN 2.6's `sum` primitive, which in Debian's build is a 4-wide
// SSE loop making one pass over dst per input (BENCHMARKS.md, "Sums"), and the normalising
// pass of every batch norm whose consumers are sums (batch_norm.h).
#pragma once

#include <cstdint>
#include <span>

#include "engine/planes.h"

namespace naswot::engine {

struct AddTerm {
  const float* x = nullptr;
  ChannelAffine affine;  // identity when null
};

// Every tensor is laid out as t. REQUIRES: terms.size() >= 1; 16 % t.cb == 0; dst may not
// overlap any term.
void add_tensors(std::span<const AddTerm> terms, float* dst, const Planes& t);

}  // namespace naswot::engine
