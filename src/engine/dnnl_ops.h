// Everything that knows oneDNN's primitive descriptors (2.6 API): memory layouts, and one
// function per op that creates its primitive. Kept in one file so a move to oneDNN 3.x
// touches only here.
#pragma once

#include <dnnl.hpp>
#include <string>

#include "naswot/engine/executor.h"
#include "naswot/engine/graph.h"

namespace naswot::engine {

// One channel block per graph: 16 when every activation's channel count is a multiple of 16,
// else 8 when every one is a multiple of 8, else 1 (plain nchw). The network input (3 channels)
// and linear outputs do not count. Why per graph: oneDNN 2.6 has fast convolutions only when
// source and destination share a layout; a conv between nChw16c and nChw8c, or between a
// blocked and a plain tensor of more than 4 channels, falls back to `ref:any`, 20-100x slower
// (BENCHMARKS.md, "Activation layout"). All-nchw runs gemm convolutions, 2-3x slower than
// blocked but never the reference kernel.
[[nodiscard]] int graph_channel_block(const Graph& g);

// The channel block of a tensor of shape s in a graph whose block is graph_block: graph_block
// when it divides s.c (no channel padding, ever), else 1.
[[nodiscard]] std::int64_t channel_block(const Shape& s, int graph_block);

// The activation layout of a tensor: nChw16c / nChw8c / nchw as channel_block says. Every
// such layout keeps each image contiguous, which the sign packing relies on.
[[nodiscard]] dnnl::memory::desc activation_md(const Shape& s, dnnl::memory::data_type dt,
                                               int graph_block);

// A created primitive and the descriptors the executor needs to bind its arguments.
struct Primitive {
  dnnl::primitive prim;
  dnnl::memory::desc weights_md;            // conv/linear: the layout oneDNN chose for the weights
  dnnl::memory::desc user_weights_md;       // conv/linear: PyTorch's layout (oihw / goihw / oi)
  dnnl::memory::desc src_md;                // the layout the primitive reads (conv may want bf16)
  dnnl::memory::desc mean_md, variance_md;  // batch norm
  std::size_t scratch_bytes = 0;
};

// Creates the primitive computing `node` from its inputs, all in the layouts activation_md
// gives under graph_block. `precision` affects convolutions only, `inference_bn` batch norm only
// (global statistics read from the mean/variance arguments).
[[nodiscard]] Primitive make_primitive(const dnnl::engine& eng, const Graph& g, const Node& node,
                                       int graph_block, Precision precision,
                                       bool inference_bn = false);

// A cache key that determines make_primitive's result.
[[nodiscard]] std::string primitive_key(const Graph& g, const Node& node, int graph_block,
                                        Precision precision, bool inference_bn = false);

}  // namespace naswot::engine
