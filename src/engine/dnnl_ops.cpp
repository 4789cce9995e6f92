#include "engine/dnnl_ops.h"

#include <fmt/format.h>

#include "naswot/util/error.h"

namespace naswot::engine {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

// Whether every op of g has a fast oneDNN kernel when each activation takes `block` if that
// divides its width and is plain nchw otherwise: ops other than convolutions need their inputs
// and output in one layout; a convolution may also read a plain tensor narrower than the block
// into a blocked one (oneDNN's "first convolution" kernels, which take any such width).
bool fast_layouts(const Graph& g, int block) {
  for (const Node& n : g.nodes) {
    if (n.op == Op::kInput || n.op == Op::kLinear) continue;
    const std::int64_t out = channel_block(n.shape, block);
    // Grouped (not depthwise) convolutions in a blocked layout need whole blocks per group.
    const std::int64_t groups = n.op == Op::kConv ? n.window.groups : 1;
    const std::int64_t in_c = n.inputs.empty() ? 0 : g[n.inputs[0]].shape.c;
    if (groups > 1 && out > 1 && !(groups == in_c && groups == n.shape.c) &&
        ((in_c / groups) % out != 0 || (n.shape.c / groups) % out != 0))
      return false;
    for (NodeId in : n.inputs) {
      const Shape& s = g[in].shape;
      const std::int64_t from = channel_block(s, block);
      const bool first_conv = n.op == Op::kConv && from == 1 && s.c < block && out == block;
      if (from != out && !first_conv) return false;
    }
  }
  return true;
}

}  // namespace

int graph_channel_block(const Graph& g) {
  bool all16 = true, all8 = true;
  for (const Node& n : g.nodes) {
    if (n.op == Op::kInput || n.op == Op::kLinear) continue;
    all16 = all16 && n.shape.c % 16 == 0;
    all8 = all8 && n.shape.c % 8 == 0;
  }
  if (all16 && fast_layouts(g, 16)) return 16;
  if (all8 && fast_layouts(g, 8)) return 8;
  return !all16 && fast_layouts(g, 16) ? 16 : 1;
}

std::int64_t channel_block(const Shape& s, int graph_block) {
  return graph_block > 1 && s.c % graph_block == 0 ? graph_block : 1;
}

memory::desc activation_md(const Shape& s, dt type, int graph_block) {
  const std::int64_t block = channel_block(s, graph_block);
  const tag t = block == 16 ? tag::nChw16c : block == 8 ? tag::nChw8c : tag::nchw;
  return memory::desc({s.n, s.c, s.h, s.w}, type, t);
}

namespace {

dnnl::primitive_attr user_scratch() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

const Shape& in_shape(const Graph& g, const Node& node, std::size_t k = 0) {
  return g[node.inputs[k]].shape;
}

Primitive make_conv(const dnnl::engine& eng, const Graph& g, const Node& n, int gb,
                    Precision precision) {
  const Shape& in = in_shape(g, n);
  const Window& w = n.window;
  const dt compute = precision == Precision::kBF16 ? dt::bf16 : dt::f32;
  memory::desc src = activation_md(in, compute, gb);
  memory::desc dst = activation_md(n.shape, dt::f32, gb);
  memory::dims wdims =
      w.groups == 1 ? memory::dims{n.shape.c, in.c, w.kh, w.kw}
                    : memory::dims{w.groups, n.shape.c / w.groups, in.c / w.groups, w.kh, w.kw};
  memory::desc weights(wdims, compute, tag::any);
  const memory::dims strides{w.stride_h, w.stride_w}, dilation{w.dil_h - 1, w.dil_w - 1};
  const memory::dims pad_l{w.pad_t, w.pad_l}, pad_r{w.pad_b, w.pad_r};
  const auto d =
      n.bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                               dnnl::algorithm::convolution_direct, src, weights,
                                               memory::desc({n.shape.c}, dt::f32, tag::x), dst,
                                               strides, dilation, pad_l, pad_r)
             : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                               dnnl::algorithm::convolution_direct, src, weights,
                                               dst, strides, dilation, pad_l, pad_r);
  dnnl::convolution_forward::primitive_desc pd(d, user_scratch(), eng);
  Primitive p;
  p.prim = dnnl::convolution_forward(pd);
  p.weights_md = pd.weights_desc();
  p.user_weights_md = memory::desc(wdims, dt::f32, w.groups == 1 ? tag::oihw : tag::goihw);
  p.src_md = pd.src_desc();
  p.scratch_bytes = pd.scratchpad_desc().get_size();
  return p;
}

Primitive make_batch_norm(const dnnl::engine& eng, const Node& n, int gb, bool inference) {
  memory::desc data = activation_md(n.shape, dt::f32, gb);
  dnnl::batch_normalization_forward::desc d(
      inference ? dnnl::prop_kind::forward_inference : dnnl::prop_kind::forward_training, data,
      1e-5f,
      inference ? dnnl::normalization_flags::use_global_stats : dnnl::normalization_flags::none);
  dnnl::batch_normalization_forward::primitive_desc pd(d, user_scratch(), eng);
  Primitive p;
  p.prim = dnnl::batch_normalization_forward(pd);
  p.mean_md = pd.mean_desc();
  p.variance_md = pd.variance_desc();
  p.scratch_bytes = pd.scratchpad_desc().get_size();
  return p;
}

Primitive make_pool(const dnnl::engine& eng, const Graph& g, const Node& n, int gb) {
  const Shape& in = in_shape(g, n);
  Window w = n.window;
  if (n.op == Op::kGlobalAvgPool) w = Window{in.h, in.w, 1, 1, 0, 0, 0, 0, 1, 1, 1};
  const auto alg = n.op == Op::kMaxPool ? dnnl::algorithm::pooling_max
                                        : dnnl::algorithm::pooling_avg_exclude_padding;
  dnnl::pooling_forward::desc d(dnnl::prop_kind::forward_inference, alg,
                                activation_md(in, dt::f32, gb), activation_md(n.shape, dt::f32, gb),
                                {w.stride_h, w.stride_w}, {w.kh, w.kw}, {w.pad_t, w.pad_l},
                                {w.pad_b, w.pad_r});
  dnnl::pooling_forward::primitive_desc pd(d, user_scratch(), eng);
  Primitive p;
  p.prim = dnnl::pooling_forward(pd);
  p.scratch_bytes = pd.scratchpad_desc().get_size();
  return p;
}

Primitive make_concat(const dnnl::engine& eng, const Graph& g, const Node& n, int gb) {
  std::vector<memory::desc> srcs;
  for (std::size_t k = 0; k < n.inputs.size(); ++k)
    srcs.push_back(activation_md(in_shape(g, n, k), dt::f32, gb));
  dnnl::concat::primitive_desc pd(activation_md(n.shape, dt::f32, gb), 1, srcs, eng,
                                  user_scratch());
  Primitive p;
  p.prim = dnnl::concat(pd);
  p.scratch_bytes = pd.scratchpad_desc().get_size();
  return p;
}

Primitive make_linear(const dnnl::engine& eng, const Graph& g, const Node& n, int gb) {
  const Shape& in = in_shape(g, n);
  memory::desc src = activation_md(in, dt::f32, gb);
  memory::desc weights({n.shape.c, in.c, in.h, in.w}, dt::f32, tag::any);
  memory::desc dst({n.shape.n, n.shape.c}, dt::f32, tag::nc);
  memory::desc bias({n.shape.c}, dt::f32, tag::x);
  auto d = n.bias ? dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_inference, src,
                                                      weights, bias, dst)
                  : dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_inference, src,
                                                      weights, dst);
  dnnl::inner_product_forward::primitive_desc pd(d, user_scratch(), eng);
  Primitive p;
  p.prim = dnnl::inner_product_forward(pd);
  p.weights_md = pd.weights_desc();
  p.user_weights_md = memory::desc({n.shape.c, in.c, in.h, in.w}, dt::f32, tag::oihw);
  p.scratch_bytes = pd.scratchpad_desc().get_size();
  return p;
}

}  // namespace

Primitive make_primitive(const dnnl::engine& eng, const Graph& g, const Node& node, int graph_block,
                         Precision precision, bool inference_bn) {
  const int gb = graph_block;
  switch (node.op) {
    case Op::kConv:
      return make_conv(eng, g, node, gb, precision);
    case Op::kBatchNorm:
      return make_batch_norm(eng, node, gb, inference_bn);
    case Op::kAvgPool:
    case Op::kMaxPool:
    case Op::kGlobalAvgPool:
      return make_pool(eng, g, node, gb);
    case Op::kConcat:
      return make_concat(eng, g, node, gb);
    case Op::kLinear:
      return make_linear(eng, g, node, gb);
    default:
      break;
  }
  NASWOT_CHECK(false && "op has no oneDNN primitive");
  return {};
}

std::string primitive_key(const Graph& g, const Node& n, int graph_block, Precision precision,
                          bool inference_bn) {
  std::string key = fmt::format("{}|b{}|{}x{}x{}x{}|", op_name(n.op), graph_block, n.shape.n,
                                n.shape.c, n.shape.h, n.shape.w);
  for (NodeId in : n.inputs) {
    const Shape& s = g[in].shape;
    key += fmt::format("{}x{}x{}x{},", s.n, s.c, s.h, s.w);
  }
  const Window& w = n.window;
  key += fmt::format("|{} {} {} {} {} {} {} {} {} {} {}|{}|{}", w.kh, w.kw, w.stride_h, w.stride_w,
                     w.pad_t, w.pad_l, w.pad_b, w.pad_r, w.dil_h, w.dil_w, w.groups, n.bias,
                     n.op == Op::kConv ? static_cast<int>(precision) : 0);
  if (n.op == Op::kBatchNorm && inference_bn) key += "|inference";
  return key;
}

}  // namespace naswot::engine
