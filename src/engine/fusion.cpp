#include "engine/fusion.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "engine/dnnl_ops.h"

namespace naswot::engine {

namespace {

// Our batch-norm kernel's per-run overhead dominates below this many floats per (image,
// channel block): small nchw planes (AnyNet's 8x8 stages) stay on oneDNN.
constexpr std::int64_t kMinOwnBatchNormRun = 512;

// Every reader is one of `ops`.
bool read_only_by(const std::vector<NodeId>& uses, const Graph& g, std::initializer_list<Op> ops) {
  return std::all_of(uses.begin(), uses.end(), [&](NodeId u) {
    return std::find(ops.begin(), ops.end(), g[u].op) != ops.end();
  });
}

// Node i is computed by its readers from its input: the input must live as long as i's readers.
void make_lazy(const Node& n, std::int64_t i, std::vector<std::int64_t>& last_use) {
  std::int64_t& in_use = last_use[static_cast<size_t>(n.inputs[0])];
  in_use = std::max(in_use, last_use[static_cast<size_t>(i)]);
  last_use[static_cast<size_t>(i)] = -1;
}

}  // namespace

Planes planes_of(const Shape& s, int graph_block) {
  const std::int64_t cb = channel_block(s, graph_block);
  return Planes{s.n, s.c / cb, cb * s.h * s.w, cb, s.w};
}

Fusion plan_fusion(const Graph& g, const std::vector<std::vector<NodeId>>& consumers,
                   const FusionOptions& options, std::vector<std::int64_t>& last_use) {
  const auto n_nodes = static_cast<size_t>(g.size());
  Fusion f;
  f.own_bn.assign(n_nodes, false);
  f.lazy_bn.assign(n_nodes, false);
  f.own_pool.assign(n_nodes, 0);
  f.lazy_pool.assign(n_nodes, false);
  f.fused_relu.assign(n_nodes, -1);
  const bool may_defer = !options.keep_all_buffers;
  for (std::int64_t i = 0; i < g.size(); ++i) {
    const Node& n = g[static_cast<NodeId>(i)];
    const auto& uses = consumers[static_cast<size_t>(i)];
    const bool read_later = may_defer && !uses.empty() && i != g.output;
    if (n.op == Op::kBatchNorm && !options.inference_bn) {
      const Planes t = planes_of(n.shape, options.graph_block);
      if (t.plane_len < kMinOwnBatchNormRun) continue;
      f.own_bn[static_cast<size_t>(i)] = true;
      // The consumers' vector paths need whole 16-float patterns per plane.
      if (read_later && t.plane_len % 16 == 0 && read_only_by(uses, g, {Op::kAdd, Op::kRelu})) {
        f.lazy_bn[static_cast<size_t>(i)] = true;
        make_lazy(n, i, last_use);
      }
    } else if (n.op == Op::kAvgPool && channel_block(n.shape, options.graph_block) == 16) {
      if (n.window == square(2, 2, 0)) f.own_pool[static_cast<size_t>(i)] = 2;
      if (n.window != square(3, 1, 1)) continue;
      f.own_pool[static_cast<size_t>(i)] = 3;
      if (read_later && read_only_by(uses, g, {Op::kAdd})) {
        f.lazy_pool[static_cast<size_t>(i)] = true;
        make_lazy(n, i, last_use);
      }
    } else if (n.op == Op::kRelu && may_defer && !n.inputs.empty() && std::isinf(n.relu_max) &&
               g[n.inputs[0]].op == Op::kAdd) {  // a clipped ReLU clips in its own step
      const NodeId sum = n.inputs[0];
      if (f.fused_relu[static_cast<size_t>(sum)] >= 0) continue;  // an unmerged second ReLU
      f.fused_relu[static_cast<size_t>(sum)] = static_cast<NodeId>(i);
      const auto& readers = consumers[static_cast<size_t>(sum)];
      if (sum != g.output &&
          std::all_of(readers.begin(), readers.end(), [&](NodeId u) { return u == i; }))
        last_use[static_cast<size_t>(sum)] = -1;
    }
  }
  return f;
}

}  // namespace naswot::engine
