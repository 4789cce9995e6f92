// Everything that knows oneDNN's primitive descriptors (2.6 API): memory layouts, and one
// function per op that creates its primitive. Kept in one file so a move to oneDNN 3.x
// touches only here.
#pragma once

#include <dnnl.hpp>
#include <string>

#include "naswot/engine/executor.h"
#include "naswot/engine/graph.h"

namespace naswot::engine {

// The activation layout of a tensor with c channels: channel-blocked nChw16c (or nChw8c)
// when the blocks divide c exactly, else plain nchw. Every such layout keeps each image
// contiguous, which the sign packing relies on.
[[nodiscard]] dnnl::memory::desc activation_md(const Shape& s, dnnl::memory::data_type dt);

// A created primitive and the descriptors the executor needs to bind its arguments.
struct Primitive {
  dnnl::primitive prim;
  dnnl::memory::desc weights_md;            // conv/linear: the layout oneDNN chose for the weights
  dnnl::memory::desc user_weights_md;       // conv/linear: PyTorch's layout (oihw / goihw / oi)
  dnnl::memory::desc src_md;                // the layout the primitive reads (conv may want bf16)
  dnnl::memory::desc mean_md, variance_md;  // batch norm
  std::size_t scratch_bytes = 0;
};

// Creates the primitive computing `node` from inputs of shapes `in` (layouts per
// activation_md). `precision` affects convolutions only, `inference_bn` batch norm only
// (global statistics read from the mean/variance arguments).
[[nodiscard]] Primitive make_primitive(const dnnl::engine& eng, const Graph& g, const Node& node,
                                       Precision precision, bool inference_bn = false);

// A cache key that determines make_primitive's result.
[[nodiscard]] std::string primitive_key(const Graph& g, const Node& node, Precision precision,
                                        bool inference_bn = false);

}  // namespace naswot::engine
