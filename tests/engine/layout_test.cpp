// The per-graph activation layout (engine/dnnl_ops.cpp, graph_channel_block): which block a
// graph gets, and that networks mixing widths compute the naive interpreter's values in each
// layout family — NATS-like widths (multiples of 8, not all of 16) and NB101/DARTS/AnyNet-like
// widths (not multiples of 8), where a mix of layouts used to hit oneDNN's reference kernels.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <vector>

#include "engine/dnnl_ops.h"
#include "naswot/engine/executor.h"
#include "naswot/engine/graph.h"
#include "naswot/util/rng.h"
#include "support/naive_ops.h"

namespace naswot::engine {
namespace {

constexpr std::uint64_t kWeightSeed = 5;

// conv(3→c0) → BN → ReLU site → conv(c0→c1) → BN → [+ 1x1 conv shortcut] → ReLU site → concat
// with a conv(c1→c2) branch → max pool → linear. Every width is one of c0, c1, c1 + c2, plus the
// input (3) and the linear output (2), which the block rule ignores.
Graph mixed_network(std::int64_t c0, std::int64_t c1, std::int64_t c2) {
  GraphBuilder b;
  const NodeId x = b.input({4, 3, 7, 7});
  const NodeId r0 = b.relu(b.batch_norm(b.conv(x, c0, square(3, 1, 1))), 2);
  const NodeId f = b.batch_norm(b.conv(r0, c1, square(3, 1, 1)));
  const NodeId shortcut = b.conv(r0, c1, square(1, 1, 0));
  const NodeId r1 = b.relu(b.add(std::vector<NodeId>{f, shortcut}), 1);
  const NodeId branch = b.conv(r1, c2, square(3, 2, 1));
  const NodeId pooled = b.max_pool(r1, square(3, 2, 1));
  const NodeId cat = b.concat(std::vector<NodeId>{pooled, branch});
  return std::move(b).finish(b.linear(b.global_avg_pool(b.relu(cat, 1)), 2, true));
}

Tensor gaussian_batch(std::int64_t n, std::int64_t h, std::int64_t w, std::uint64_t seed) {
  Tensor batch(n, 3, h, w);
  Rng rng(seed);
  for (float& v : batch.data) v = rng.normal();
  return batch;
}

// Runs g with every buffer kept, checks every node against the naive interpreter
// (|got − want| ≤ 1e-4·max(1, |want|)) and leaves the sign codes in `codes`.
void expect_matches_naive(const Graph& g, const Tensor& batch, SignCodes& codes) {
  Executor ex;
  const Plan plan = ex.prepare(g, {.keep_all_buffers = true});
  ex.run(plan, batch, kWeightSeed, codes);
  const std::vector<testing::NaiveTensor> want = testing::naive_forward(g, batch, kWeightSeed);
  for (NodeId id = 0; id < g.size(); ++id) {
    const Tensor got = ex.read(plan, id);
    const testing::NaiveTensor& w = want[static_cast<std::size_t>(id)];
    ASSERT_EQ(got.data.size(), w.data.size());
    for (std::size_t k = 0; k < w.data.size(); ++k) {
      ASSERT_NEAR(got.data[k], w.data[k], 1e-4 * std::max(1.0, std::abs(w.data[k])))
          << "node %" << id << " (" << op_name(g[id].op) << ") element " << k;
    }
  }
}

// All sign-code words of one scoring run of g (no kept buffers, so bf16 applies).
std::vector<std::uint64_t> sign_words(const Graph& g, const Tensor& batch, Precision precision) {
  Executor ex({.precision = precision});
  const Plan plan = ex.prepare(g);
  SignCodes codes;
  ex.run(plan, batch, kWeightSeed, codes);
  std::vector<std::uint64_t> words;
  for (const BitMatrix& m : codes.blocks) words.insert(words.end(), m.words.begin(), m.words.end());
  return words;
}

// AnyNet-like: a 12-wide stem (conv, BN, ReLU site, max pool) read by the first block's
// convolutions, then 32-wide tensors. The narrow stem stays plain; the rest is nChw16c.
Graph narrow_stem_network() {
  GraphBuilder b;
  const NodeId x = b.input({4, 3, 8, 8});
  const NodeId stem =
      b.max_pool(b.relu(b.batch_norm(b.conv(x, 12, square(3, 1, 1))), 1), square(3, 2, 1));
  const NodeId f = b.batch_norm(
      b.conv(b.relu(b.batch_norm(b.conv(stem, 32, square(3, 1, 1))), 1), 32, square(3, 1, 1)));
  const NodeId shortcut = b.batch_norm(b.conv(stem, 32, square(1, 1, 0)));
  return std::move(b).finish(b.relu(b.add(std::vector<NodeId>{f, shortcut}), 1));
}

TEST(Layout, GraphChannelBlockIsTheLargestBlockDividingEveryWidth) {
  EXPECT_EQ(graph_channel_block(narrow_stem_network()), 16);
  // Grouped convolutions: depthwise and 16-channel groups keep nChw16c; 2-channel groups
  // (ResNeXt) have no blocked kernel, so the graph goes plain.
  auto grouped = [](std::int64_t groups) {
    GraphBuilder b;
    const NodeId x = b.input({2, 3, 8, 8});
    const NodeId y = b.relu(b.conv(x, 64, square(3, 1, 1)), 1);
    Window w = square(3, 1, 1);
    w.groups = groups;
    return std::move(b).finish(b.relu(b.conv(y, 64, w), 1));
  };
  EXPECT_EQ(graph_channel_block(grouped(64)), 16);
  EXPECT_EQ(graph_channel_block(grouped(4)), 16);
  EXPECT_EQ(graph_channel_block(grouped(32)), 1);
  EXPECT_EQ(graph_channel_block(mixed_network(16, 32, 16)), 16);
  EXPECT_EQ(graph_channel_block(mixed_network(8, 16, 24)), 8);   // NATS-like
  EXPECT_EQ(graph_channel_block(mixed_network(16, 12, 4)), 1);   // AnyNet stem width 12
  EXPECT_EQ(graph_channel_block(mixed_network(16, 43, 21)), 1);  // NB101 vertex split
  EXPECT_EQ(channel_block({1, 3, 5, 5}, 16), 1);  // the input stays plain in every graph
  EXPECT_EQ(channel_block({1, 32, 5, 5}, 8), 8);
}

TEST(Layout, NarrowPlainStemIntoBlockedTensorsMatchesNaive) {
  const Graph g = narrow_stem_network();
  SCOPED_TRACE(g.to_string());
  const Tensor batch = gaussian_batch(4, 8, 8, 6);
  SignCodes codes;
  expect_matches_naive(g, batch, codes);
  EXPECT_EQ(codes.n_units(), 12 * 64 + 32 * 16 + 32 * 16);

  // bf16 runs the convolutions reading the plain 12-wide ReLU output in bf16 (oneDNN's bf16
  // first-convolution kernel): nearly all sign bits agree with f32.
  const std::vector<std::uint64_t> f32 = sign_words(g, batch, Precision::kF32);
  const std::vector<std::uint64_t> bf16 = sign_words(g, batch, Precision::kBF16);
  ASSERT_EQ(f32.size(), bf16.size());
  std::int64_t differ = 0;
  for (std::size_t k = 0; k < f32.size(); ++k) differ += std::popcount(f32[k] ^ bf16[k]);
  EXPECT_LT(differ, 4 * (12 * 64 + 32 * 16 + 32 * 16) / 20);  // under 5 % of the bits
}

TEST(Layout, MixedWidthNetworksMatchNaiveInEveryLayoutFamily) {
  for (auto [c0, c1, c2] : std::vector<std::array<std::int64_t, 3>>{
           {16, 32, 16}, {8, 16, 24}, {24, 40, 8}, {16, 12, 4}, {16, 43, 21}}) {
    const Graph g = mixed_network(c0, c1, c2);
    SCOPED_TRACE(g.to_string());
    SignCodes codes;
    expect_matches_naive(g, gaussian_batch(4, 7, 7, 3), codes);
    // Counted units: 2·(c0·49) + (c1·49) + (c1 + c2)·16, whatever the layout.
    EXPECT_EQ(codes.n_units(), 2 * c0 * 49 + c1 * 49 + (c1 + c2) * 16);
  }
}

TEST(Layout, Bf16LeavesNChw8cGraphsInF32AndChangesNChw16cGraphs) {
  const Tensor batch = gaussian_batch(4, 7, 7, 4);
  const Graph eights = mixed_network(8, 16, 24);
  EXPECT_EQ(sign_words(eights, batch, Precision::kBF16),
            sign_words(eights, batch, Precision::kF32));
  // The control: where bf16 does run, some of the ~2,000 sign bits move.
  const Graph sixteens = mixed_network(16, 32, 16);
  EXPECT_NE(sign_words(sixteens, batch, Precision::kBF16),
            sign_words(sixteens, batch, Precision::kF32));
}

}  // namespace
}  // namespace naswot::engine
