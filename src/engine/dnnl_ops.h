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
// else 8 when every one is a multiple of 8, else 16 when the widths that are not multiples of
// 16 can stay plain nchw without a slow kernel (they are narrower than 16 and only feed
// convolutions or ops of their own width, e.g. AnyNet's 12-wide stem), else 1 (plain nchw);
// a grouped convolution (not depthwise) whose groups are not whole blocks also rules its
// block out (ResNeXt with 2-channel groups would run `ref:any`).
// The network input and linear outputs do not count. Why per graph: oneDNN 2.6 has fast
// convolutions only when source and destination share a layout (or the source is a narrow
// plain tensor); a conv between nChw16c and nChw8c, or from a blocked tensor to a plain one,
// falls back to `ref:any`, 20-100x slower (BENCHMARKS.md, "Activation layout"). All-nchw runs
// gemm convolutions, 2-3x slower than blocked but never the reference kernel.
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
