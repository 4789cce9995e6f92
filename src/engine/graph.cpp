// Graph construction: each GraphBuilder method checks its inputs, infers the output shape
// and appends one node; nothing is computed. Conv and linear nodes are numbered in the
// random stream in the order they are added, which is PyTorch's construction order when a
// space builds its network the way the reference's modules are constructed (§3.1).
#include "naswot/engine/graph.h"

#include <fmt/format.h>

#include "naswot/util/error.h"

namespace naswot::engine {

const char* op_name(Op op) {
  switch (op) {
    case Op::kInput:
      return "input";
    case Op::kConv:
      return "conv";
    case Op::kBatchNorm:
      return "batch_norm";
    case Op::kRelu:
      return "relu";
    case Op::kAvgPool:
      return "avg_pool";
    case Op::kMaxPool:
      return "max_pool";
    case Op::kAdd:
      return "add";
    case Op::kConcat:
      return "concat";
    case Op::kZero:
      return "zero";
    case Op::kGlobalAvgPool:
      return "global_avg_pool";
    case Op::kLinear:
      return "linear";
    case Op::kSlice:
      return "slice";
    case Op::kPad:
      return "pad";
  }
  return "?";
}

Window square(std::int64_t k, std::int64_t s, std::int64_t p) {
  Window w;
  w.kh = w.kw = k;
  w.stride_h = w.stride_w = s;
  w.pad_t = w.pad_l = w.pad_b = w.pad_r = p;
  return w;
}

namespace {

std::int64_t out_extent(std::int64_t in, std::int64_t k, std::int64_t stride, std::int64_t pad0,
                        std::int64_t pad1, std::int64_t dil) {
  const std::int64_t span = dil * (k - 1) + 1;
  return (in + pad0 + pad1 - span) / stride + 1;
}

Shape windowed(const Shape& in, const Window& w, std::int64_t c_out) {
  Shape s{in.n, c_out, out_extent(in.h, w.kh, w.stride_h, w.pad_t, w.pad_b, w.dil_h),
          out_extent(in.w, w.kw, w.stride_w, w.pad_l, w.pad_r, w.dil_w)};
  NASWOT_CHECK(s.h >= 1 && s.w >= 1);
  return s;
}

}  // namespace

NodeId GraphBuilder::push(Node node) {
  for (NodeId in : node.inputs) NASWOT_CHECK(in >= 0 && in < graph_.size());
  graph_.nodes.push_back(std::move(node));
  return static_cast<NodeId>(graph_.nodes.size() - 1);
}

const Shape& GraphBuilder::shape(NodeId x) const {
  NASWOT_CHECK(x >= 0 && x < graph_.size());
  return graph_[x].shape;
}

NodeId GraphBuilder::input(Shape shape) {
  NASWOT_CHECK(shape.n >= 1 && shape.c >= 1 && shape.h >= 1 && shape.w >= 1);
  Node n;
  n.op = Op::kInput;
  n.shape = shape;
  return push(std::move(n));
}

NodeId GraphBuilder::conv(NodeId x, std::int64_t c_out, Window w, WeightInit init, bool bias) {
  const Shape& in = shape(x);
  NASWOT_CHECK(w.groups >= 1 && in.c % w.groups == 0 && c_out % w.groups == 0);
  Node n;
  n.op = Op::kConv;
  n.inputs = {x};
  n.window = w;
  n.shape = windowed(in, w, c_out);
  n.init = init;
  n.bias = bias;
  n.rng_offset = rng_draws_;
  rng_draws_ += c_out * (in.c / w.groups) * w.kh * w.kw + (bias ? c_out : 0);
  return push(std::move(n));
}

NodeId GraphBuilder::batch_norm(NodeId x) {
  Node n;
  n.op = Op::kBatchNorm;
  n.inputs = {x};
  n.shape = shape(x);
  return push(std::move(n));
}

NodeId GraphBuilder::relu(NodeId x, std::int32_t site_weight) {
  NASWOT_CHECK(site_weight >= 0);
  Node n;
  n.op = Op::kRelu;
  n.inputs = {x};
  n.shape = shape(x);
  n.site_weight = site_weight;
  return push(std::move(n));
}

NodeId GraphBuilder::clipped_relu(NodeId x, std::int32_t site_weight, double max) {
  NASWOT_CHECK(max > 0.0);
  const NodeId id = relu(x, site_weight);
  graph_.nodes.back().relu_max = max;
  return id;
}

namespace {
// A pooling node over x (shape `in`): channels kept, spatial extent from the window.
Node pool_node(Op op, NodeId x, const Shape& in, const Window& w) {
  Node n;
  n.op = op;
  n.inputs = {x};
  n.window = w;
  n.shape = windowed(in, w, in.c);
  return n;
}
}  // namespace

NodeId GraphBuilder::avg_pool(NodeId x, Window w) {
  return push(pool_node(Op::kAvgPool, x, shape(x), w));
}

NodeId GraphBuilder::max_pool(NodeId x, Window w) {
  return push(pool_node(Op::kMaxPool, x, shape(x), w));
}

NodeId GraphBuilder::add(std::span<const NodeId> xs) {
  NASWOT_CHECK(!xs.empty());
  for (NodeId x : xs) NASWOT_CHECK(shape(x) == shape(xs[0]));
  Node n;
  n.op = Op::kAdd;
  n.inputs.assign(xs.begin(), xs.end());
  n.shape = shape(xs[0]);
  return push(std::move(n));
}

NodeId GraphBuilder::concat(std::span<const NodeId> xs) {
  NASWOT_CHECK(!xs.empty());
  Shape s = shape(xs[0]);
  s.c = 0;
  for (NodeId x : xs) {
    NASWOT_CHECK(shape(x).n == s.n && shape(x).h == s.h && shape(x).w == s.w);
    s.c += shape(x).c;
  }
  Node n;
  n.op = Op::kConcat;
  n.inputs.assign(xs.begin(), xs.end());
  n.shape = s;
  return push(std::move(n));
}

NodeId GraphBuilder::zero(NodeId x, std::int64_t stride) {
  Node n;
  n.op = Op::kZero;
  n.inputs = {x};
  n.window = square(1, stride, 0);
  n.shape = windowed(shape(x), n.window, shape(x).c);
  return push(std::move(n));
}

NodeId GraphBuilder::global_avg_pool(NodeId x) {
  Node n;
  n.op = Op::kGlobalAvgPool;
  n.inputs = {x};
  const Shape& in = shape(x);
  n.shape = {in.n, in.c, 1, 1};
  return push(std::move(n));
}

NodeId GraphBuilder::linear(NodeId x, std::int64_t out, bool bias, WeightInit init) {
  const Shape& in = shape(x);
  Node n;
  n.op = Op::kLinear;
  n.inputs = {x};
  n.bias = bias;
  n.shape = {in.n, out, 1, 1};
  n.init = init;
  n.rng_offset = rng_draws_;
  rng_draws_ += out * in.per_image() + (bias ? out : 0);
  return push(std::move(n));
}

NodeId GraphBuilder::slice(NodeId x, std::int64_t c) {
  const Shape& in = shape(x);
  NASWOT_CHECK(c >= 1 && c <= in.c);
  Node n;
  n.op = Op::kSlice;
  n.inputs = {x};
  n.shape = {in.n, c, in.h, in.w};
  return push(std::move(n));
}

NodeId GraphBuilder::pad(NodeId x, std::int64_t top, std::int64_t left, std::int64_t bottom,
                         std::int64_t right) {
  const Shape& in = shape(x);
  Node n;
  n.op = Op::kPad;
  n.inputs = {x};
  n.window.pad_t = top;
  n.window.pad_l = left;
  n.window.pad_b = bottom;
  n.window.pad_r = right;
  n.shape = {in.n, in.c, in.h + top + bottom, in.w + left + right};
  NASWOT_CHECK(n.shape.h >= 1 && n.shape.w >= 1);
  return push(std::move(n));
}

Graph GraphBuilder::finish(NodeId output) && {
  NASWOT_CHECK(output >= 0 && output < graph_.size());
  graph_.output = output;
  return std::move(graph_);
}

void GraphBuilder::set_given_weights(std::shared_ptr<const std::vector<float>> weights) {
  graph_.given_weights = std::move(weights);
}

std::int64_t Graph::n_params() const {
  std::int64_t total = 0;
  for (const Node& n : nodes) {
    if (n.op == Op::kConv) {
      total +=
          n.shape.c * ((*this)[n.inputs[0]].shape.c / n.window.groups) * n.window.kh * n.window.kw +
          (n.bias ? n.shape.c : 0);
    } else if (n.op == Op::kLinear) {
      total += n.shape.c * (*this)[n.inputs[0]].shape.per_image() + (n.bias ? n.shape.c : 0);
    } else if (n.op == Op::kBatchNorm) {
      total += 2 * n.shape.c;
    }
  }
  return total;
}

std::int64_t Graph::n_macs_per_image() const {
  std::int64_t total = 0;
  for (const Node& n : nodes) {
    if (n.op == Op::kConv) {
      total += n.shape.per_image() * ((*this)[n.inputs[0]].shape.c / n.window.groups) *
               n.window.kh * n.window.kw;
    } else if (n.op == Op::kLinear) {
      total += n.shape.c * (*this)[n.inputs[0]].shape.per_image();
    }
  }
  return total;
}

std::int64_t Graph::n_counted_units() const {
  std::int64_t total = 0;
  for (const Node& n : nodes) {
    if (n.op == Op::kRelu) total += n.site_weight * n.shape.per_image();
  }
  return total;
}

std::string Graph::to_string() const {
  std::string s;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    s += fmt::format("%{} = {}", i, op_name(n.op));
    if (n.op == Op::kPad) {
      s += fmt::format("[t{} l{} b{} r{}]", n.window.pad_t, n.window.pad_l, n.window.pad_b,
                       n.window.pad_r);
    }
    if (n.op == Op::kConv || n.op == Op::kAvgPool || n.op == Op::kMaxPool) {
      s += fmt::format("[{}x{} s{} p{} g{}]", n.window.kh, n.window.kw, n.window.stride_h,
                       n.window.pad_t, n.window.groups);
    }
    if (n.op == Op::kRelu) s += fmt::format("[w{}]", n.site_weight);
    if (n.op == Op::kRelu && n.relu_max != std::numeric_limits<double>::infinity())
      s += fmt::format("[max {}]", n.relu_max);
    if (n.op == Op::kConv && n.bias) s += "[bias]";
    s += "(";
    for (std::size_t k = 0; k < n.inputs.size(); ++k) {
      s += fmt::format("{}%{}", k ? ", " : "", n.inputs[k]);
    }
    s += fmt::format(") -> {}x{}x{}x{}\n", n.shape.n, n.shape.c, n.shape.h, n.shape.w);
  }
  return s;
}

}  // namespace naswot::engine
