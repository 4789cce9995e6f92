// The executor's fusion choices (engine/fusion.h) on small graphs: what runs on our kernels,
// what its readers compute instead, and how buffer lifetimes change with that.
#include "engine/fusion.h"

#include <gtest/gtest.h>

#include <vector>

namespace naswot::engine {
namespace {

struct Planned {
  Fusion fusion;
  std::vector<std::int64_t> last_use;
};

Planned plan(const Graph& g, FusionOptions options = {}) {
  std::vector<std::vector<NodeId>> consumers(static_cast<size_t>(g.size()));
  std::vector<std::int64_t> last_use(static_cast<size_t>(g.size()), -1);
  for (NodeId i = 0; i < g.size(); ++i) {
    for (NodeId in : g[i].inputs) {
      consumers[static_cast<size_t>(in)].push_back(i);
      last_use[static_cast<size_t>(in)] = i;
    }
  }
  last_use[static_cast<size_t>(g.output)] = g.size();
  Planned p;
  p.fusion = plan_fusion(g, consumers, options, last_use);
  p.last_use = std::move(last_use);
  return p;
}

// An NB201-like cell on 16 channels of 8x8 (planes of 1024 floats): two conv + BN edges and an
// avg_pool_3x3 edge summed, the sum read by a counted ReLU only; a second sum is the output.
struct Cell {
  Graph g;
  NodeId conv_a, bn_a, bn_b, pool, sum, relu, pooled_bn_input, bn_c, out;
};

Cell cell() {
  GraphBuilder b;
  Cell c;
  const NodeId x = b.relu(b.conv(b.input({2, 3, 8, 8}), 16, square(3, 1, 1)), 1);
  c.conv_a = b.conv(x, 16, square(3, 1, 1));
  c.bn_a = b.batch_norm(c.conv_a);
  c.bn_b = b.batch_norm(b.conv(x, 16, square(1, 1, 0)));
  c.pool = b.avg_pool(x, square(3, 1, 1));
  c.sum = b.add(std::vector<NodeId>{c.bn_a, c.bn_b, c.pool});
  c.relu = b.relu(c.sum, 2);
  c.pooled_bn_input = b.conv(c.relu, 16, square(3, 1, 1));
  c.bn_c = b.batch_norm(c.pooled_bn_input);  // read by a max pool: must be written out
  c.out = b.add(std::vector<NodeId>{b.max_pool(c.bn_c, square(3, 1, 1)), c.bn_b});
  c.g = std::move(b).finish(c.out);
  return c;
}

TEST(Fusion, FoldsBatchNormsPoolsAndReluIntoTheirReaders) {
  const Cell c = cell();
  const Planned p = plan(c.g);
  const Fusion& f = p.fusion;
  EXPECT_TRUE(f.own_bn[c.bn_a] && f.lazy_bn[c.bn_a]);
  EXPECT_TRUE(f.own_bn[c.bn_b] && f.lazy_bn[c.bn_b]);  // read by two sums
  EXPECT_TRUE(f.own_bn[c.bn_c]);
  EXPECT_FALSE(f.lazy_bn[c.bn_c]);  // a max pool reads it
  EXPECT_EQ(f.own_pool[c.pool], 3);
  EXPECT_TRUE(f.lazy_pool[c.pool]);
  EXPECT_EQ(f.fused_relu[c.sum], c.relu);
  // Lazy nodes and the sum read only by its ReLU get no buffer; the convolution output lives
  // until the lazy batch norm's reader (the sum) has run.
  EXPECT_EQ(p.last_use[c.bn_a], -1);
  EXPECT_EQ(p.last_use[c.pool], -1);
  EXPECT_EQ(p.last_use[c.sum], -1);
  EXPECT_EQ(p.last_use[c.conv_a], c.sum);
  EXPECT_GT(p.last_use[c.bn_c], c.bn_c);
}

TEST(Fusion, KeepAllBuffersFoldsNothingAndInferenceKeepsOneDnnBatchNorm) {
  const Cell c = cell();
  const Planned kept = plan(c.g, {.keep_all_buffers = true});
  for (NodeId i = 0; i < c.g.size(); ++i) {
    EXPECT_FALSE(kept.fusion.lazy_bn[i]) << i;
    EXPECT_FALSE(kept.fusion.lazy_pool[i]) << i;
    EXPECT_EQ(kept.fusion.fused_relu[i], -1) << i;
  }
  EXPECT_TRUE(kept.fusion.own_bn[c.bn_a]);  // still our kernels, written out
  EXPECT_EQ(kept.fusion.own_pool[c.pool], 3);
  EXPECT_EQ(kept.last_use[c.sum], c.relu);

  const Planned inference = plan(c.g, {.inference_bn = true});
  EXPECT_FALSE(inference.fusion.own_bn[c.bn_a]);
  EXPECT_FALSE(inference.fusion.lazy_bn[c.bn_a]);
}

TEST(Fusion, SmallPlainPlanesAndOtherPoolsStayOnOneDnn) {
  GraphBuilder b;
  const NodeId x = b.input({2, 5, 8, 8});  // nchw: 64-float planes
  const NodeId bn = b.batch_norm(b.conv(x, 5, square(3, 1, 1)));
  const NodeId pool = b.avg_pool(bn, square(3, 2, 1));  // stride 2: not ours
  const Graph g = std::move(b).finish(b.relu(pool, 1));
  const Planned p = plan(g);
  EXPECT_FALSE(p.fusion.own_bn[bn]);
  EXPECT_EQ(p.fusion.own_pool[pool], 0);
}

}  // namespace
}  // namespace naswot::engine
