// Checks the scoring reduction rule by rule on hand-built graphs, then as a whole on NB201
// networks: the reduced graph must keep N_A and give the same kernel K as the network it came
// from, both computed by the naive interpreter (reference-semantics.md §1.2-1.5).
#include "naswot/engine/passes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "naswot/engine/executor.h"
#include "naswot/engine/graph.h"
#include "naswot/spaces/nb201.h"
#include "naswot/util/rng.h"
#include "support/naive_ops.h"

namespace naswot::engine {
namespace {

std::int64_t count_op(const Graph& g, Op op) {
  return std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.op == op; });
}

std::vector<NodeId> relus(const Graph& g) {
  std::vector<NodeId> out;
  for (NodeId id = 0; id < g.size(); ++id)
    if (g[id].op == Op::kRelu) out.push_back(id);
  return out;
}

// The naive K of the network under the reference's rules equals the naive K of its reduction
// (exactly: the same double arithmetic, minus additions of zero), and N_A agrees.
void expect_same_kernel(const Graph& g, const Tensor& batch) {
  SCOPED_TRACE(g.to_string());
  const Graph red = reduce_for_scoring(g);
  const auto full_values = testing::naive_forward(g, batch, 3);
  const auto red_values = testing::naive_forward(red, batch, 3);
  const auto full_sites = testing::naive_counted_sites(g);
  const auto red_sites = testing::naive_weighted_sites(red);
  EXPECT_EQ(testing::naive_n_units(g, full_sites), red.n_counted_units());
  EXPECT_EQ(testing::naive_n_units(red, red_sites), red.n_counted_units());
  EXPECT_EQ(testing::naive_kernel(g, full_values, full_sites),
            testing::naive_kernel(red, red_values, red_sites));
}

TEST(DropDeadSites, SiteOnDeadBranchGetsWeightZero) {
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 4, 4});
  const NodeId dead = b.relu(x, 2);
  b.conv(dead, 8, square(3, 1, 1));  // computed, never consumed on the way to the output
  const NodeId live = b.relu(x, 1);
  const NodeId y = b.conv(live, 8, square(3, 1, 1));
  const Graph g = std::move(b).finish(y);
  const Graph out = drop_dead_sites(g);
  EXPECT_EQ(out[dead].site_weight, 0);
  EXPECT_EQ(out[live].site_weight, 1);
  EXPECT_EQ(out.size(), g.size());  // nothing else changes
  EXPECT_EQ(out.output, g.output);
  EXPECT_EQ(out.n_counted_units(), 128);
}

TEST(DropDeadSites, SiteReachingOutputOnlyThroughZeroStaysCounted) {
  // The reference multiplies by 0, which autograd still traverses (§1.4).
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 4, 4});
  const NodeId r = b.relu(x, 2);
  const NodeId z = b.zero(b.conv(r, 8, square(1, 1, 0)));
  const NodeId y = b.add(std::vector<NodeId>{b.conv(x, 8, square(3, 1, 1)), z});
  const Graph g = std::move(b).finish(y);
  EXPECT_EQ(drop_dead_sites(g)[r].site_weight, 2);

  // And the reduction keeps it, reading x.
  const Graph red = reduce_for_scoring(g);
  ASSERT_EQ(relus(red).size(), 1u);
  const Node& site = red[relus(red)[0]];
  EXPECT_EQ(site.site_weight, 2);
  ASSERT_EQ(site.inputs.size(), 1u);
  EXPECT_EQ(red[site.inputs[0]].op, Op::kInput);
  EXPECT_EQ(count_op(red, Op::kConv), 0);  // neither conv feeds a site
  EXPECT_EQ(red.n_counted_units(), g.n_counted_units());
}

TEST(ReduceForScoring, RelusOfOneTensorMergeWithSummedWeights) {
  GraphBuilder b;
  const NodeId x = b.batch_norm(b.conv(b.input({2, 3, 6, 6}), 16, square(3, 1, 1)));
  const NodeId r1 = b.relu(x, 2);  // e.g. a ReLUConvBN edge
  const NodeId r2 = b.relu(x, 2);  // another one on the same node
  const NodeId r3 = b.relu(x, 1);  // a plain ReLU
  const NodeId a = b.conv(r1, 16, square(3, 1, 1));
  const NodeId c = b.conv(r2, 16, square(1, 1, 0));
  const NodeId d = b.conv(r3, 16, square(1, 1, 0));
  const Graph g = std::move(b).finish(b.add(std::vector<NodeId>{a, c, d}));
  const Graph red = reduce_for_scoring(g);
  const std::vector<NodeId> sites = relus(red);
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(red[sites[0]].site_weight, 5);
  EXPECT_EQ(red[red[sites[0]].inputs[0]].op, Op::kBatchNorm);
  EXPECT_EQ(red.n_counted_units(), 5 * 16 * 36);
  EXPECT_EQ(red.n_counted_units(), g.n_counted_units());
  EXPECT_EQ(red.output, -1);
  EXPECT_EQ(count_op(red, Op::kConv), 1);  // only the stem feeds the site
}

TEST(ReduceForScoring, MergedReluForwardsItsConsumers) {
  // Consumers of the second ReLU read the first one; the result still computes them.
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 4, 4});
  const NodeId r1 = b.relu(x, 1);
  const NodeId r2 = b.relu(x, 1);
  const NodeId y = b.relu(b.conv(r2, 8, square(1, 1, 0)), 1);
  const Graph g = std::move(b).finish(b.add(std::vector<NodeId>{r1, y}));
  const Graph red = reduce_for_scoring(g);
  const std::vector<NodeId> sites = relus(red);
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(red[sites[0]].site_weight, 2);
  const Node& conv = red[red[sites[1]].inputs[0]];
  ASSERT_EQ(conv.op, Op::kConv);
  EXPECT_EQ(conv.inputs[0], sites[0]);
  EXPECT_EQ(red.n_counted_units(), g.n_counted_units());
}

TEST(ReduceForScoring, AddWithZeroTermForwards) {
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 4, 4});
  const NodeId c = b.conv(x, 8, square(3, 1, 1));
  const NodeId s = b.add(std::vector<NodeId>{b.zero(x), c, b.zero(c)});
  const NodeId r = b.relu(s, 1);
  const Graph g = std::move(b).finish(r);
  const Graph red = reduce_for_scoring(g);
  EXPECT_EQ(count_op(red, Op::kAdd), 0);
  EXPECT_EQ(count_op(red, Op::kZero), 0);
  const std::vector<NodeId> sites = relus(red);
  ASSERT_EQ(sites.size(), 1u);
  const Node& in = red[red[sites[0]].inputs[0]];
  EXPECT_EQ(in.op, Op::kConv);
  EXPECT_EQ(in.rng_offset, g[c].rng_offset);
}

TEST(ReduceForScoring, AddOfTwoLiveTermsAndAZeroKeepsTwoTerms) {
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 4, 4});
  const NodeId c = b.conv(x, 8, square(3, 1, 1));
  const NodeId r = b.relu(b.add(std::vector<NodeId>{x, b.zero(x), c}), 1);
  const Graph red = reduce_for_scoring(std::move(b).finish(r));
  ASSERT_EQ(count_op(red, Op::kAdd), 1);
  for (const Node& n : red.nodes) {
    if (n.op == Op::kAdd) {
      EXPECT_EQ(n.inputs.size(), 2u);
    }
  }
}

TEST(ReduceForScoring, SiteOnZerosKeepsWeightAndHasNoInputs) {
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 4, 4});
  // Zero, and everything computed only from it: BN, conv (no bias), pool, sum of zeros.
  const NodeId z = b.zero(x);
  const NodeId zz = b.add(std::vector<NodeId>{b.batch_norm(b.conv(z, 8, square(3, 1, 1))), z});
  const NodeId site = b.relu(b.avg_pool(zz, square(3, 1, 1)), 2);
  const NodeId live = b.relu(x, 1);
  const Graph g = std::move(b).finish(b.add(std::vector<NodeId>{site, live}));
  const Graph red = reduce_for_scoring(g);
  const std::vector<NodeId> sites = relus(red);
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(red[sites[0]].site_weight, 2);
  EXPECT_TRUE(red[sites[0]].inputs.empty());
  EXPECT_EQ(red[sites[0]].shape, g[site].shape);
  EXPECT_EQ(red[sites[1]].site_weight, 1);
  EXPECT_EQ(red.size(), 3);  // input, the two sites
  EXPECT_EQ(red.n_counted_units(), g.n_counted_units());
}

TEST(ReduceForScoring, UncountedReluOnZerosFeedingAConcatBecomesZero) {
  // A ReLU that is not a site (weight 0) on a zero tensor, read by a concat with live data:
  // it must become a zero op, since the executor accepts an input-less ReLU only as a site.
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 4, 4});
  const NodeId r = b.relu(b.zero(x), 0);
  const NodeId cat = b.concat(std::vector<NodeId>{x, r});
  const Graph g = std::move(b).finish(b.relu(cat, 1));
  const Graph red = reduce_for_scoring(g);
  ASSERT_EQ(red.size(), 4);  // input, zeros, concat, site
  EXPECT_EQ(red[1].op, Op::kZero);
  EXPECT_TRUE(red[1].inputs.empty());
  EXPECT_EQ(red[2].op, Op::kConcat);
  EXPECT_EQ(red.n_counted_units(), 256);

  // The executor runs it, and its codes give the network's kernel.
  Tensor batch(2, 8, 4, 4);
  Rng rng(13);
  for (float& v : batch.data) v = rng.normal();
  Executor ex;
  SignCodes codes;
  ex.run(ex.prepare(red), batch, 1, codes);
  EXPECT_EQ(codes.n_units(), 256);
  expect_same_kernel(g, batch);
}

TEST(ReduceForScoring, DropsTheHeadUnlessKeepOutput) {
  const spaces::Nb201Space space(4, 1);
  const spaces::Arch arch = space.parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_"
      "connect~2|");
  const Graph g = space.build(arch, {.batch = 2, .image_size = 8});
  const Graph red = reduce_for_scoring(g);
  EXPECT_EQ(red.output, -1);
  EXPECT_EQ(count_op(red, Op::kLinear), 0);
  EXPECT_EQ(count_op(red, Op::kGlobalAvgPool), 0);
  // The final BN feeds the last site, so it stays; nothing reads the last site's output.
  EXPECT_EQ(red.nodes.back().op, Op::kRelu);

  const Graph kept = reduce_for_scoring(g, {.keep_output = true});
  ASSERT_GE(kept.output, 0);
  EXPECT_EQ(kept[kept.output].op, Op::kLinear);
  EXPECT_EQ(kept[kept.output].shape, (Shape{2, 1, 1, 1}));
  EXPECT_EQ(kept[kept.output].rng_offset, g[g.output].rng_offset);
  EXPECT_EQ(count_op(kept, Op::kGlobalAvgPool), 1);
  EXPECT_EQ(kept.n_counted_units(), red.n_counted_units());
}

TEST(ReduceForScoring, KeepsCountedUnitsOnEveryNb201Arch) {
  // All 15,625 architectures at batch 2 (the reduction does not depend on batch or size).
  const spaces::Nb201Space space;
  for (std::int64_t i = 0; i < space.size(); ++i) {
    const Graph g = space.build(space.at(i), {.batch = 2, .image_size = 32});
    const Graph red = reduce_for_scoring(g);
    ASSERT_EQ(red.n_counted_units(), g.n_counted_units()) << space.format(space.at(i));
    ASSERT_EQ(count_op(red, Op::kLinear), 0);
  }
}

TEST(ReduceForScoring, KeepsConvWeightOffsets) {
  const spaces::Nb201Space space;
  const Graph g = space.build(space.at(9876), {.batch = 2, .image_size = 32});
  std::vector<std::int64_t> offsets;
  for (const Node& n : g.nodes)
    if (n.op == Op::kConv) offsets.push_back(n.rng_offset);
  std::vector<std::int64_t> kept;
  for (const Node& n : reduce_for_scoring(g).nodes)
    if (n.op == Op::kConv) kept.push_back(n.rng_offset);
  ASSERT_FALSE(kept.empty());
  for (std::int64_t o : kept)
    EXPECT_TRUE(std::find(offsets.begin(), offsets.end(), o) != offsets.end()) << o;
  EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end()));
}

TEST(ReduceForScoring, GivesTheSameKernelAsTheNetwork) {
  // On a small NB201 (C = 4, one cell per stage, 8x8 images): the all-none cell, cells whose
  // nodes feed only `none` edges, and random ones.
  const spaces::Nb201Space space(4, 1);
  Tensor batch(3, 3, 8, 8);
  Rng rng(11);
  for (float& v : batch.data) v = rng.normal();
  std::vector<spaces::Arch> archs = {
      space.at(0),
      space.parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|nor_conv_1x1~2|"),
      space.parse("|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"),
      space.parse("|none~0|+|avg_pool_3x3~0|none~1|+|none~0|none~1|nor_conv_3x3~2|"),
      space.at(space.size() - 1),
  };
  for (int k = 0; k < 12; ++k) archs.push_back(space.sample(rng));
  for (const spaces::Arch& a : archs) {
    SCOPED_TRACE(space.format(a));
    expect_same_kernel(space.build(a, {.batch = 3, .image_size = 8}), batch);
  }
}

TEST(ReduceForScoring, DeadSitesAreNotCounted) {
  GraphBuilder b;
  const NodeId x = b.input({3, 3, 5, 5});
  const NodeId dead = b.relu(b.conv(x, 8, square(3, 1, 1)), 2);
  b.conv(dead, 8, square(1, 1, 0));
  const NodeId live = b.relu(b.batch_norm(b.conv(x, 8, square(3, 1, 1))), 1);
  const Graph g = std::move(b).finish(b.avg_pool(live, square(2, 2, 0)));
  EXPECT_EQ(reduce_for_scoring(g).n_counted_units(), 200);
  Tensor batch(3, 3, 5, 5);
  Rng rng(12);
  for (float& v : batch.data) v = rng.normal();
  expect_same_kernel(g, batch);
}

TEST(ReduceForScoring, SliceFoldsLikeOtherUnaryOps) {
  // A slice of zeros is zero (a site on it has no inputs); a slice of live data stays.
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 4, 4});
  const NodeId on_zero = b.relu(b.slice(b.zero(x), 7), 1);
  const NodeId on_x = b.relu(b.slice(x, 7), 1);
  const Graph g = std::move(b).finish(b.add(std::vector<NodeId>{on_zero, on_x}));
  const Graph red = reduce_for_scoring(g);
  ASSERT_EQ(red.size(), 4);  // input, slice of x, the two sites
  EXPECT_EQ(count_op(red, Op::kSlice), 1);
  EXPECT_TRUE(red[relus(red)[0]].inputs.empty());
  EXPECT_EQ(red.n_counted_units(), 2 * 7 * 16);
}

TEST(ReduceForScoring, PadFoldsLikeOtherUnaryOps) {
  // FactorizedReduce's shift: a pad of zeros is zero; a pad of live data stays.
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 4, 4});
  const NodeId on_zero = b.relu(b.pad(b.zero(x), -1, -1, 1, 1), 1);
  const NodeId on_x = b.relu(b.pad(x, -1, -1, 1, 1), 1);
  const Graph g = std::move(b).finish(b.add(std::vector<NodeId>{on_zero, on_x}));
  const Graph red = reduce_for_scoring(g);
  ASSERT_EQ(red.size(), 4);  // input, pad of x, the two sites
  EXPECT_EQ(count_op(red, Op::kPad), 1);
  EXPECT_TRUE(red[relus(red)[0]].inputs.empty());
  EXPECT_EQ(red.n_counted_units(), 2 * 8 * 16);
}

}  // namespace
}  // namespace naswot::engine
