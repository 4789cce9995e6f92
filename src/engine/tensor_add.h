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
  // The term is avg_pool(x) over 3x3 windows, stride 1, padding 1 not counted in the divisor
  // (NB201's avg_pool_3x3), computed here instead of by a pooling pass that writes it out.
  bool avg_pool_3x3 = false;
};

// Every tensor is laid out as t. REQUIRES: terms.size() >= 1; 16 % t.cb == 0; a pooled term
// has no affine, t.cb == 16 and t.width > 0; dst may not overlap any term.
void add_tensors(std::span<const AddTerm> terms, float* dst, const Planes& t);

// Elements [begin, begin + len) of the flattened sum, into out[0, len), on the calling thread
// (what add_tensors runs per chunk). REQUIRES: as add_tensors, and begin % t.cb == 0.
void sum_range(std::span<const AddTerm> terms, const Planes& t, std::int64_t begin,
               std::int64_t len, float* out);

}  // namespace naswot::engine
