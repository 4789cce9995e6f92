// Checks every Op the Executor runs against the naive double-precision interpreter in
// tests/support over many small shapes: channel counts 3, 8, 16, 24 and 32 put activations in
// the nchw, nChw8c and nChw16c layouts (and convert between them), and odd spatial sizes hit
// edge windows and padding. Also the primitive cache, run-to-run determinism, the bit layout
// of the sign codes and the strict (x > 0) comparison for zeros, infinities and NaN.
#include "naswot/engine/executor.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "naswot/engine/graph.h"
#include "naswot/engine/passes.h"
#include "naswot/util/rng.h"
#include "support/naive_ops.h"

namespace naswot::engine {
namespace {

using testing::NaiveTensor;

constexpr std::uint64_t kWeightSeed = 17;

Tensor gaussian(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w,
                std::uint64_t seed) {
  Tensor t(n, c, h, w);
  Rng rng(seed);
  for (float& x : t.data) x = rng.normal();
  return t;
}

Tensor gaussian(const Shape& s, std::uint64_t seed) { return gaussian(s.n, s.c, s.h, s.w, seed); }

// Runs `g` with every buffer kept and compares every node's value with the naive interpreter:
// |got - want| <= 1e-4 * max(1, |want|).
void expect_matches_naive(const Graph& g, std::uint64_t batch_seed = 1) {
  SCOPED_TRACE(g.to_string());
  const Tensor batch = gaussian(g[0].shape, batch_seed);
  Executor ex;
  const Plan plan = ex.prepare(g, {.keep_all_buffers = true});
  SignCodes codes;
  ex.run(plan, batch, kWeightSeed, codes);
  const std::vector<NaiveTensor> want = testing::naive_forward(g, batch, kWeightSeed);
  for (NodeId id = 0; id < g.size(); ++id) {
    const Tensor got = ex.read(plan, id);
    const NaiveTensor& w = want[static_cast<std::size_t>(id)];
    ASSERT_EQ(got.n, w.n);
    ASSERT_EQ(got.c, w.c);
    ASSERT_EQ(got.h, w.h);
    ASSERT_EQ(got.w, w.w);
    std::int64_t bad = 0;
    for (std::size_t k = 0; k < w.data.size(); ++k) {
      const double err = std::abs(static_cast<double>(got.data[k]) - w.data[k]);
      if (!(err <= 1e-4 * std::max(1.0, std::abs(w.data[k])))) {
        if (bad++ < 3) {
          ADD_FAILURE() << "node %" << id << " (" << op_name(g[id].op) << ") element " << k
                        << ": got " << got.data[k] << ", want " << w.data[k];
        }
      }
    }
    EXPECT_EQ(bad, 0) << "node %" << id << " (" << op_name(g[id].op) << ")";
  }
}

struct ConvCase {
  std::int64_t c_in, c_out, h, w;
  Window window;
};

Window window(std::int64_t k, std::int64_t s, std::int64_t p, std::int64_t groups = 1,
              std::int64_t dil = 1) {
  Window w = square(k, s, p);
  w.groups = groups;
  w.dil_h = w.dil_w = dil;
  return w;
}

TEST(Executor, ConvMatchesNaive) {
  Window asymmetric = window(3, 2, 1);
  asymmetric.pad_b = asymmetric.pad_r = 0;
  Window rect = window(3, 1, 1);
  rect.kw = 1;
  rect.pad_l = rect.pad_r = 0;
  rect.stride_w = 2;
  const ConvCase cases[] = {
      {3, 16, 7, 7, window(3, 1, 1)},         // nchw -> nChw16c, the NB201 stem
      {3, 8, 6, 5, window(3, 1, 1)},          // nchw -> nChw8c, non-square
      {8, 16, 5, 5, window(1, 1, 0)},         // nChw8c -> nChw16c
      {16, 24, 7, 7, window(3, 2, 1)},        // nChw16c -> nChw8c, stride 2, odd size
      {24, 32, 6, 6, window(3, 1, 1, 2)},     // 2 groups of 12 -> 16
      {32, 32, 5, 5, window(3, 1, 1, 32)},    // depthwise
      {24, 24, 5, 5, window(3, 1, 1, 3)},     // 3 groups of 8
      {16, 16, 7, 7, window(3, 1, 2, 1, 2)},  // dilation 2
      {8, 3, 7, 7, window(5, 2, 2)},          // -> nchw, 5x5
      {32, 16, 6, 6, window(1, 2, 0)},        // 1x1 stride 2
      {16, 8, 8, 8, asymmetric},              // pad top/left only
      {8, 8, 6, 7, rect},                     // 3x1 window, different strides
      {3, 3, 4, 4, window(3, 1, 0)},          // nchw -> nchw, no padding
  };
  for (const ConvCase& c : cases) {
    GraphBuilder b;
    const NodeId x = b.input({2, c.c_in, c.h, c.w});
    expect_matches_naive(std::move(b).finish(b.conv(x, c.c_out, c.window)));
  }
}

TEST(Executor, ConvChainDrawsWeightsAtTheirOffsets) {
  // Three convs and a biased linear: each draws from its own rng_offset in the shared stream.
  GraphBuilder b;
  NodeId x = b.input({2, 3, 6, 6});
  x = b.conv(x, 8, square(3, 1, 1));
  x = b.conv(x, 16, square(3, 2, 1));
  x = b.conv(x, 24, square(1, 1, 0));
  x = b.linear(b.global_avg_pool(x), 5, true);
  expect_matches_naive(std::move(b).finish(x));
}

TEST(Executor, BatchNormMatchesNaive) {
  for (const Shape& s : {Shape{2, 3, 5, 5}, Shape{3, 8, 4, 6}, Shape{2, 16, 3, 3},
                         Shape{2, 24, 5, 5}, Shape{4, 32, 2, 2}}) {
    GraphBuilder b;
    const NodeId x = b.input(s);
    // A conv first so that channel means and variances are not those of N(0, 1).
    expect_matches_naive(std::move(b).finish(b.batch_norm(b.conv(x, s.c, square(3, 1, 1)))));
  }
}

TEST(Executor, ReluMatchesNaive) {
  for (const Shape& s : {Shape{2, 3, 5, 5}, Shape{2, 8, 3, 5}, Shape{2, 16, 4, 4},
                         Shape{2, 24, 3, 3}, Shape{2, 32, 3, 3}}) {
    for (std::int32_t weight : {0, 1, 2}) {  // plain ReLU and counted sites
      GraphBuilder b;
      const NodeId x = b.input(s);
      expect_matches_naive(std::move(b).finish(b.relu(x, weight)));
    }
  }
}

TEST(Executor, PoolMatchesNaive) {
  for (const Shape& s : {Shape{2, 3, 7, 7}, Shape{2, 8, 8, 8}, Shape{2, 16, 5, 6},
                         Shape{2, 24, 7, 7}, Shape{2, 32, 4, 4}}) {
    for (const Window& w : {square(3, 1, 1), square(2, 2, 0)}) {
      for (bool max : {false, true}) {
        GraphBuilder b;
        const NodeId x = b.input(s);
        expect_matches_naive(std::move(b).finish(max ? b.max_pool(x, w) : b.avg_pool(x, w)));
      }
    }
  }
}

TEST(Executor, AddMatchesNaive) {
  for (std::int64_t c : {3, 8, 16, 24}) {
    for (std::size_t terms = 1; terms <= 3; ++terms) {
      GraphBuilder b;
      const NodeId x = b.input({2, c, 5, 5});
      std::vector<NodeId> xs = {x};  // the input itself, then convs with different weights
      while (xs.size() < terms) xs.push_back(b.conv(x, c, square(3, 1, 1)));
      expect_matches_naive(std::move(b).finish(b.add(xs)));
    }
  }
}

TEST(Executor, AddOfManyTermsAcrossChunksMatchesNaive) {
  // 3·16·9·11 = 4,752 floats: more than two of the add kernel's 2,048-float chunks, and a tail.
  GraphBuilder b;
  const NodeId x = b.input({3, 16, 9, 11});
  std::vector<NodeId> xs = {x};
  while (xs.size() < 5) xs.push_back(b.conv(x, 16, square(3, 1, 1)));
  expect_matches_naive(std::move(b).finish(b.add(xs)));
}

TEST(Executor, ConcatMatchesNaive) {
  // (channels of the parts): layouts of the parts and of the result differ in most cases.
  const std::vector<std::vector<std::int64_t>> cases = {{3, 5},    {8, 16},     {16, 16},
                                                        {8, 8, 8}, {3, 16, 13}, {24}};
  for (const std::vector<std::int64_t>& parts : cases) {
    GraphBuilder b;
    const NodeId x = b.input({2, 3, 5, 5});
    std::vector<NodeId> xs;
    for (std::int64_t c : parts) xs.push_back(b.conv(x, c, square(3, 1, 1)));
    expect_matches_naive(std::move(b).finish(b.concat(xs)));
  }
}

TEST(Executor, ZeroWritesZerosOverStaleData) {
  // The first plan leaves non-zero values in the arena where the second plan's zero tensors go.
  Executor ex;
  SignCodes codes;
  for (std::int64_t c : {3, 8, 16}) {
    for (std::int64_t stride : {1, 2}) {
      GraphBuilder b1;
      const NodeId x1 = b1.input({2, c, 6, 6});
      const NodeId y1 = b1.conv(x1, c, square(1, stride, 0));
      const Graph g1 = std::move(b1).finish(b1.add(std::vector<NodeId>{y1, y1}));
      const Plan p1 = ex.prepare(g1, {.keep_all_buffers = true});
      ex.run(p1, gaussian(2, c, 6, 6, 3), kWeightSeed, codes);

      GraphBuilder b2;
      const NodeId x2 = b2.input({2, c, 6, 6});
      const NodeId z = b2.zero(x2, stride);
      const Graph g2 = std::move(b2).finish(b2.add(std::vector<NodeId>{z, z}));
      const Plan p2 = ex.prepare(g2, {.keep_all_buffers = true});
      ex.run(p2, gaussian(2, c, 6, 6, 4), kWeightSeed, codes);
      for (NodeId id : {z, g2.output}) {
        const Tensor t = ex.read(p2, id);
        EXPECT_EQ(t.h, stride == 1 ? 6 : 3);
        for (float v : t.data) ASSERT_EQ(v, 0.0f) << "c=" << c << " stride=" << stride;
      }
    }
  }
}

TEST(Executor, GlobalAvgPoolMatchesNaive) {
  for (const Shape& s : {Shape{2, 3, 5, 5}, Shape{2, 8, 1, 1}, Shape{3, 16, 4, 3},
                         Shape{2, 24, 5, 5}, Shape{2, 32, 2, 2}}) {
    GraphBuilder b;
    const NodeId x = b.input(s);
    expect_matches_naive(std::move(b).finish(b.global_avg_pool(x)));
  }
}

TEST(Executor, LinearMatchesNaive) {
  for (bool bias : {false, true}) {
    {  // on pooled features, as in the classifier
      GraphBuilder b;
      const NodeId x = b.input({3, 16, 4, 4});
      expect_matches_naive(std::move(b).finish(b.linear(b.global_avg_pool(x), 10, bias)));
    }
    for (const Shape& s : {Shape{2, 3, 3, 3}, Shape{2, 8, 2, 3}, Shape{2, 24, 1, 1}}) {
      GraphBuilder b;  // on a (C, H, W) feature map: flattened in NCHW order
      const NodeId x = b.input(s);
      expect_matches_naive(std::move(b).finish(b.linear(x, 5, bias)));
    }
  }
}

TEST(Executor, SmallNetworkMatchesNaive) {
  // Ops composed, with the scoring reduction's shapes of use (several consumers, sums).
  GraphBuilder b;
  NodeId x = b.input({3, 3, 8, 8});
  x = b.batch_norm(b.conv(x, 16, square(3, 1, 1)));
  const NodeId r = b.relu(x, 2);
  const NodeId a = b.batch_norm(b.conv(r, 16, square(3, 1, 1)));
  const NodeId p = b.avg_pool(x, square(3, 1, 1));
  const NodeId s = b.add(std::vector<NodeId>{a, p, b.zero(x)});
  const NodeId d = b.conv(b.avg_pool(s, square(2, 2, 0)), 24, square(1, 1, 0));
  const NodeId top = b.relu(b.batch_norm(d), 1);
  expect_matches_naive(std::move(b).finish(b.linear(b.global_avg_pool(top), 1, true)));
}

TEST(Executor, FusedKernelsGiveTheUnfusedCodes) {
  // Batch norms read only by sums and ReLUs are applied by those consumers (no buffer of
  // their own), and a ReLU of a sum runs inside the sum's step (the sum has a buffer only when
  // something else reads it): the codes must equal a plan that runs every node on its own
  // (keep_all_buffers), bit for bit, since both apply the same affine with the same fma. The
  // graph also makes other buffers live between each batch norm and its consumers, so a
  // convolution output freed at the batch norm instead of at its last reader is overwritten.
  // Channel counts put the tensors in nChw16c, nChw8c and nchw; with 23x23 images the nChw8c
  // and nchw planes are not multiples of 16 floats, so those batch norms are written out.
  // (Planes of at least 512 floats: smaller ones run oneDNN's batch norm, executor.cpp.)
  for (const auto [c, hw] : {std::pair<std::int64_t, std::int64_t>{16, 24},
                             {16, 23},
                             {8, 24},
                             {8, 23},
                             {5, 24},
                             {5, 23}}) {
    SCOPED_TRACE(::testing::Message() << "C=" << c << ", " << hw << "x" << hw);
    GraphBuilder b;
    const NodeId x = b.relu(b.conv(b.input({3, 3, hw, hw}), c, square(3, 1, 1)), 1);
    const NodeId bn1 = b.batch_norm(b.conv(x, c, square(3, 1, 1)));
    const NodeId bn2 = b.batch_norm(b.conv(x, c, square(1, 1, 0)));
    const NodeId other = b.relu(b.conv(x, c, square(3, 1, 1)), 0);  // allocated after both
    const NodeId s1 = b.add(std::vector<NodeId>{other, bn1, bn2});
    const NodeId r1 = b.relu(s1, 1);
    const NodeId r2 = b.relu(bn2, 2);  // a batch norm read by a sum and a counted ReLU
    const NodeId pooled = b.avg_pool(s1, square(3, 1, 1));  // the sum is read raw as well
    const NodeId top = b.relu(b.add(std::vector<NodeId>{r1, r2, pooled}), 1);
    const Graph g = std::move(b).finish(top);
    const Tensor batch = gaussian(3, 3, hw, hw, 8);
    Executor ex;
    SignCodes lazy, kept;
    ex.run(ex.prepare(g), batch, kWeightSeed, lazy);
    ex.run(ex.prepare(g, {.keep_all_buffers = true}), batch, kWeightSeed, kept);
    ASSERT_EQ(lazy.blocks.size(), kept.blocks.size());
    for (std::size_t k = 0; k < lazy.blocks.size(); ++k)
      EXPECT_EQ(lazy.blocks[k].words, kept.blocks[k].words) << "block " << k;
  }
}

TEST(Executor, SecondPrepareOfSameShapesCreatesNoPrimitives) {
  auto build = [] {
    GraphBuilder b;
    NodeId x = b.input({2, 3, 8, 8});
    x = b.relu(b.batch_norm(b.conv(x, 16, square(3, 1, 1))), 2);
    x = b.max_pool(x, square(3, 1, 1));
    const NodeId y = b.conv(x, 16, square(1, 1, 0));
    return std::move(b).finish(
        b.linear(b.global_avg_pool(b.add(std::vector<NodeId>{x, y})), 1, true));
  };
  Executor ex;
  EXPECT_EQ(ex.n_cached_primitives(), 0);
  const Plan p1 = ex.prepare(build());
  const std::int64_t cached = ex.n_cached_primitives();
  EXPECT_EQ(cached, 5);  // 2 convs, max pool, global pool, linear (sums, batch norm: own kernels)
  const std::int64_t arena = ex.arena_bytes();
  const Plan p2 = ex.prepare(build());
  EXPECT_EQ(ex.n_cached_primitives(), cached);
  EXPECT_EQ(ex.arena_bytes(), arena);

  // A different batch size is a different shape.
  GraphBuilder b;
  const NodeId x = b.input({4, 3, 8, 8});
  const Plan p3 = ex.prepare(std::move(b).finish(b.conv(x, 16, square(3, 1, 1))));
  EXPECT_EQ(ex.n_cached_primitives(), cached + 1);
}

TEST(Executor, PlanStillRunsAfterTheArenaGrows) {
  // A larger plan moves the arena; an earlier plan must rebind to the new block.
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 5, 5});
  const Graph small = std::move(b).finish(b.batch_norm(b.conv(x, 16, square(3, 1, 1))));
  const Tensor batch = gaussian(2, 8, 5, 5, 9);
  Executor ex;
  SignCodes codes;
  const Plan p1 = ex.prepare(small, {.keep_all_buffers = true});
  ex.run(p1, batch, kWeightSeed, codes);
  const Tensor before = ex.read(p1, small.output);
  const std::int64_t arena = ex.arena_bytes();

  GraphBuilder big;
  const NodeId y = big.input({8, 32, 48, 48});
  const Plan p2 = ex.prepare(std::move(big).finish(big.conv(y, 32, square(3, 1, 1))));
  ASSERT_GT(ex.arena_bytes(), arena);

  ex.run(p1, batch, kWeightSeed, codes);
  EXPECT_EQ(ex.read(p1, small.output).data, before.data);
}

// Where NCHW unit (c, h, w) of one image sits in the executor's activation layout, for a graph
// whose only activation width is s.c (so the graph's channel block is 16 or 8 when it divides
// C, else plain; engine/dnnl_ops.cpp, graph_channel_block). Sign codes list units in this order.
std::int64_t unit_position(const Shape& s, std::int64_t c, std::int64_t h, std::int64_t w) {
  const std::int64_t block = s.c % 16 == 0 ? 16 : s.c % 8 == 0 ? 8 : 1;
  return ((c / block) * s.h * s.w + h * s.w + w) * block + c % block;
}

bool code_bit(const BitMatrix& m, std::int64_t image, std::int64_t unit) {
  const std::uint64_t word = m.words[static_cast<std::size_t>(image * m.words_per_row + unit / 64)];
  return (word >> (unit % 64)) & 1u;
}

// The plan's only site is `relu`: checks its block's geometry and that padding bits are 0.
void expect_single_site_layout(const SignCodes& codes, const Graph& g, NodeId relu) {
  const Shape& s = g[relu].shape;
  ASSERT_EQ(codes.n_images, s.n);
  ASSERT_EQ(codes.blocks.size(), 1u);
  const BitMatrix& m = codes.blocks[0];
  EXPECT_EQ(m.weight, g[relu].site_weight);
  EXPECT_EQ(m.n_units, s.per_image());
  EXPECT_EQ(m.words_per_row, (s.per_image() + 63) / 64);
  ASSERT_EQ(m.words.size(), static_cast<std::size_t>(s.n * m.words_per_row));
  EXPECT_EQ(codes.n_units(), g[relu].site_weight * s.per_image());
  for (std::int64_t i = 0; i < s.n; ++i) {
    for (std::int64_t u = s.per_image(); u < 64 * m.words_per_row; ++u)
      ASSERT_FALSE(code_bit(m, i, u)) << "padding bit " << u << " of image " << i;
  }
}

TEST(Executor, SignCodesMatchNaiveSigns) {
  // conv -> BN -> counted ReLU: the bits are the signs of the BN output. Float and double
  // rounding may disagree on values within ~1e-6 of zero; only those may differ.
  for (const Shape& s : {Shape{4, 3, 5, 5}, Shape{3, 8, 6, 6}, Shape{4, 16, 4, 4},
                         Shape{3, 24, 5, 5}, Shape{4, 32, 3, 3}}) {
    GraphBuilder b;
    const NodeId x = b.input({s.n, 3, s.h, s.w});
    const NodeId bn = b.batch_norm(b.conv(x, s.c, square(3, 1, 1)));
    const NodeId r = b.relu(bn, 2);
    const Graph g = std::move(b).finish(r);
    const Tensor batch = gaussian(s.n, 3, s.h, s.w, 5);
    Executor ex;
    const Plan plan = ex.prepare(g);
    SignCodes codes;
    ex.run(plan, batch, kWeightSeed, codes);
    expect_single_site_layout(codes, g, r);
    const std::vector<NaiveTensor> want = testing::naive_forward(g, batch, kWeightSeed);
    const NaiveTensor& v = want[static_cast<std::size_t>(bn)];
    std::int64_t near_zero_mismatches = 0, ones = 0;
    for (std::int64_t n = 0; n < s.n; ++n) {
      for (std::int64_t c = 0; c < s.c; ++c) {
        for (std::int64_t h = 0; h < s.h; ++h) {
          for (std::int64_t w = 0; w < s.w; ++w) {
            const bool got = code_bit(codes.blocks[0], n, unit_position(s, c, h, w));
            ones += got;
            if (got == (v.at(n, c, h, w) > 0.0)) continue;
            ASSERT_LT(std::abs(v.at(n, c, h, w)), 1e-5)
                << "bit (" << n << ", " << c << ", " << h << ", " << w << ") of C=" << s.c;
            ++near_zero_mismatches;
          }
        }
      }
    }
    EXPECT_LE(near_zero_mismatches, s.n * s.per_image() / 1000);
    // BN output is centred: about half the bits are set.
    EXPECT_GT(ones, s.n * s.per_image() / 4);
    EXPECT_LT(ones, 3 * s.n * s.per_image() / 4);
  }
}

TEST(Executor, SitesOfOneWeightShareABlock) {
  // Sites of weights 1, 2, 1: two blocks; the weight-1 block holds both of its sites, each
  // starting on a word boundary.
  GraphBuilder b;
  const NodeId x = b.input({2, 8, 3, 3});  // 72 units: one full word and a tail
  b.relu(x, 1);
  b.relu(b.conv(x, 16, square(1, 1, 0)), 2);
  const NodeId last = b.relu(b.conv(x, 3, square(1, 1, 0)), 1);
  const Graph g = std::move(b).finish(last);
  Executor ex;
  const Plan plan = ex.prepare(g);
  SignCodes codes;
  ex.run(plan, gaussian(2, 8, 3, 3, 6), kWeightSeed, codes);
  ASSERT_EQ(codes.blocks.size(), 2u);
  EXPECT_EQ(codes.blocks[0].weight, 1);
  EXPECT_EQ(codes.blocks[0].n_units, 72 + 27);
  EXPECT_EQ(codes.blocks[0].words_per_row, 2 + 1);
  EXPECT_EQ(codes.blocks[1].weight, 2);
  EXPECT_EQ(codes.blocks[1].n_units, 144);
  EXPECT_EQ(codes.n_units(), 72 + 27 + 2 * 144);
  EXPECT_EQ(plan.n_counted_units(), codes.n_units());
}

TEST(Executor, SameSeedGivesIdenticalCodes) {
  GraphBuilder b;
  NodeId x = b.input({4, 3, 8, 8});
  x = b.batch_norm(b.conv(x, 16, square(3, 1, 1)));
  const NodeId r = b.relu(x, 2);
  const NodeId y = b.relu(b.batch_norm(b.conv(r, 24, square(3, 2, 1))), 1);
  const Graph g = std::move(b).finish(y);
  const Tensor batch = gaussian(4, 3, 8, 8, 7);
  Executor ex;
  const Plan plan = ex.prepare(g);
  SignCodes first, second, other;
  ex.run(plan, batch, kWeightSeed, first);
  ex.run(plan, batch, kWeightSeed, second);
  ex.run(plan, batch, kWeightSeed + 1, other);
  ASSERT_EQ(first.blocks.size(), second.blocks.size());
  for (std::size_t k = 0; k < first.blocks.size(); ++k)
    EXPECT_EQ(first.blocks[k].words, second.blocks[k].words);
  bool differs = false;
  for (std::size_t k = 0; k < first.blocks.size(); ++k)
    differs = differs || first.blocks[k].words != other.blocks[k].words;
  EXPECT_TRUE(differs) << "codes do not depend on the weight seed";
}

TEST(Executor, SignBitIsStrictlyPositive) {
  // NaN, zeros and -inf give 0; +inf and tiny positive normals give 1. 3 channels x 5 x 5 (75
  // units) goes through the word tail; 16 x 4 x 4 (256 units, nChw16c) through whole words.
  for (const Shape& s : {Shape{2, 3, 5, 5}, Shape{2, 16, 4, 4}}) {
    Tensor batch = gaussian(s, 8);
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                              -std::numeric_limits<float>::quiet_NaN(),
                              0.0f,
                              -0.0f,
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(),
                              std::numeric_limits<float>::min(),
                              -std::numeric_limits<float>::min()};
    for (std::size_t k = 0; k < batch.data.size(); k += 3)
      batch.data[k] = specials[(k / 3) % std::size(specials)];
    GraphBuilder b;
    const NodeId r = b.relu(b.input(s), 1);
    const Graph g = std::move(b).finish(r);
    Executor ex;
    const Plan plan = ex.prepare(g);
    SignCodes codes;
    ex.run(plan, batch, kWeightSeed, codes);
    expect_single_site_layout(codes, g, r);
    for (std::int64_t n = 0; n < s.n; ++n) {
      for (std::int64_t c = 0; c < s.c; ++c) {
        for (std::int64_t h = 0; h < s.h; ++h) {
          for (std::int64_t w = 0; w < s.w; ++w) {
            const float v = batch.at(n, c, h, w);
            EXPECT_EQ(code_bit(codes.blocks[0], n, unit_position(s, c, h, w)), v > 0.0f)
                << "value " << v << " at (" << n << ", " << c << ", " << h << ", " << w << ")";
          }
        }
      }
    }
  }
}

TEST(Executor, SiteOnZerosRecordsZeroBits) {
  // After reduction a site that sees only zeros has no inputs (and the graph no input node);
  // its bits must be 0 even where a previous run left ones in the code buffers.
  GraphBuilder b;
  const NodeId x = b.input({3, 8, 4, 4});
  const NodeId on_x = b.relu(x, 1);
  const NodeId on_zero = b.relu(b.zero(x), 2);
  const Graph full = std::move(b).finish(b.add(std::vector<NodeId>{on_x, on_zero}));
  const Graph reduced = reduce_for_scoring(full);
  ASSERT_EQ(reduced.size(), 3);  // input, ReLU of x, ReLU of zeros
  Executor ex;
  SignCodes codes;
  Tensor ones(3, 8, 4, 4);
  std::fill(ones.data.begin(), ones.data.end(), 1.0f);
  ex.run(ex.prepare(reduced), ones, kWeightSeed, codes);
  ASSERT_EQ(codes.blocks.size(), 2u);
  EXPECT_EQ(codes.n_units(), 128 + 2 * 128);
  for (std::uint64_t w : codes.blocks[0].words) EXPECT_EQ(w, ~std::uint64_t{0});
  for (std::uint64_t w : codes.blocks[1].words) EXPECT_EQ(w, 0u);

  // Only the zero site: no input node at all.
  GraphBuilder b2;
  const NodeId z = b2.relu(b2.zero(b2.input({3, 8, 4, 4})), 2);
  const Graph only_zero = reduce_for_scoring(std::move(b2).finish(z));
  ASSERT_EQ(only_zero.size(), 1);
  SignCodes reused = codes;
  for (auto& block : reused.blocks) std::fill(block.words.begin(), block.words.end(), ~0ull);
  ex.run(ex.prepare(only_zero), ones, kWeightSeed, reused);
  ASSERT_EQ(reused.blocks.size(), 1u);
  EXPECT_EQ(reused.n_units(), 2 * 128);
  for (std::uint64_t w : reused.blocks[0].words) EXPECT_EQ(w, 0u);
}

TEST(Executor, SliceMatchesNaive) {
  // (input channels, kept channels): NB101 truncates by one channel, across every layout pair,
  // including the blocked inputs oneDNN cannot take a sub-memory of (23 of 24, 63 of 64).
  const std::pair<std::int64_t, std::int64_t> cases[] = {{24, 23}, {32, 31}, {64, 63}, {16, 15},
                                                         {8, 7},   {17, 16}, {9, 8},   {5, 4},
                                                         {16, 16}, {32, 16}, {24, 8},  {48, 40}};
  for (const auto& [c_in, c] : cases) {
    GraphBuilder b;
    const NodeId x = b.input({2, c_in, 3, 5});
    // A conv first so that the slice reads an interior, blocked activation.
    const NodeId y = b.conv(x, c_in, square(1, 1, 0));
    expect_matches_naive(std::move(b).finish(b.relu(b.slice(y, c), 1)));
  }
}

TEST(Executor, PadMatchesNaive) {
  // (channels, pads t/l/b/r) over the three layouts: FactorizedReduce's shift (-1, -1, 1, 1),
  // plain padding, crops, and a mix; then the shifted 1x1 stride-2 conv it feeds.
  struct Case {
    std::int64_t c, t, l, b, r;
  };
  const Case cases[] = {{16, -1, -1, 1, 1},  {8, -1, -1, 1, 1}, {5, -1, -1, 1, 1}, {16, 2, 1, 0, 3},
                        {24, -2, 0, -1, -3}, {3, 1, -2, -1, 2}, {32, 0, 0, 0, 0}};
  for (const Case& k : cases) {
    for (const std::int64_t h : {1, 4, 7}) {
      if (h + k.t + k.b < 1 || 6 + k.l + k.r < 1) continue;
      GraphBuilder b;
      const NodeId x = b.input({2, k.c, h, 6});
      const NodeId y = b.conv(x, k.c, square(1, 1, 0));  // an interior, blocked activation
      const NodeId padded = b.pad(y, k.t, k.l, k.b, k.r);
      expect_matches_naive(std::move(b).finish(b.conv(padded, 8, square(1, 2, 0))));
    }
  }
}

TEST(Executor, ExplicitNormalInitsMatchNaive) {
  GraphBuilder b;
  NodeId x = b.input({2, 3, 6, 6});
  x = b.conv(x, 16, square(3, 1, 1), WeightInit::kKaimingNormalFanOut);
  x = b.conv(x, 16, square(3, 1, 1));  // PyTorch default, between two explicit ones
  x = b.conv(x, 8, square(1, 1, 0), WeightInit::kKaimingNormalFanOut);
  x = b.linear(b.global_avg_pool(x), 5, true, WeightInit::kNormal001);
  expect_matches_naive(std::move(b).finish(x));
}

TEST(Executor, ExplicitNormalInitsHaveTheirStandardDeviation) {
  GraphBuilder b;
  const NodeId x = b.input({2, 64, 4, 4});
  const NodeId conv = b.conv(x, 64, square(3, 1, 1), WeightInit::kKaimingNormalFanOut);
  const NodeId same = b.conv(x, 64, square(3, 1, 1), WeightInit::kKaimingNormalFanOut);
  const NodeId fc = b.linear(b.global_avg_pool(conv), 100, true, WeightInit::kNormal001);
  const Graph g = std::move(b).finish(fc);
  auto moments = [&](NodeId id) {
    const testing::NaiveParams p = testing::naive_params(g, id, kWeightSeed);
    double sum = 0.0, sq = 0.0;
    for (double w : p.weights) sum += w, sq += w * w;
    const double n = static_cast<double>(p.weights.size());
    return std::pair{sum / n, std::sqrt(sq / n - (sum / n) * (sum / n))};
  };
  const auto [conv_mean, conv_std] = moments(conv);
  EXPECT_NEAR(conv_mean, 0.0, 0.002);
  EXPECT_NEAR(conv_std, std::sqrt(2.0 / (9 * 64)), 0.002);  // fan_out = kh kw C_out
  const auto [fc_mean, fc_std] = moments(fc);
  EXPECT_NEAR(fc_mean, 0.0, 0.001);
  EXPECT_NEAR(fc_std, 0.01, 0.001);
  for (double bias : testing::naive_params(g, fc, kWeightSeed).bias) EXPECT_EQ(bias, 0.0);
  // Two same-shaped convs get different weights (each node has its own stream).
  EXPECT_NE(testing::naive_params(g, conv, kWeightSeed).weights,
            testing::naive_params(g, same, kWeightSeed).weights);
}

TEST(Executor, ConvBiasMatchesNaive) {
  // PyTorch's Conv2d(bias=True): the bias drawn after the weights, then the next layer's.
  for (const std::int64_t c : {3, 8, 16}) {
    GraphBuilder b;
    NodeId x = b.input({2, 3, 7, 7});
    x = b.conv(x, c, window(3, 2, 1), WeightInit::kTorchDefault, true);
    x = b.conv(x, 16, window(3, 1, 1, c == 16 ? 16 : 1), WeightInit::kTorchDefault, true);
    x = b.conv(x, 8, square(1, 1, 0));
    const Graph g = std::move(b).finish(x);
    EXPECT_EQ(g.n_params(), c * 27 + c + 16 * (c == 16 ? 1 : c) * 9 + 16 + 8 * 16);
    expect_matches_naive(g);
  }
}

TEST(Executor, ClippedReluMatchesNaive) {
  // ReLU6 on a wide input (x10) so that many values are clipped; both a plain ReLU and a ReLU6
  // of one tensor, which the scoring reduction must not merge.
  GraphBuilder b;
  const NodeId x =
      b.conv(b.input({2, 16, 6, 6}), 16, square(3, 1, 1), WeightInit::kTorchDefault, true);
  const NodeId r6 = b.clipped_relu(x, 1, 6.0);
  const NodeId r = b.relu(x, 1);
  const NodeId s = b.add(std::vector<NodeId>{b.conv(r6, 16, square(1, 1, 0)), r});
  const NodeId top = b.clipped_relu(s, 1, 0.5);  // a clipped ReLU of a sum (never fused)
  const Graph g = std::move(b).finish(b.conv(top, 8, square(1, 1, 0)));
  Tensor batch = gaussian(g[0].shape, 3);
  for (float& v : batch.data) v *= 10.0f;
  const auto want = testing::naive_forward(g, batch, kWeightSeed);
  double clipped = 0;
  for (double v : want[static_cast<std::size_t>(r6)].data) clipped += v == 6.0;
  EXPECT_GT(clipped, 10);
  expect_matches_naive(g, 3);
  // Scoring mode (fusion on): the codes equal the naive sign bits of every site.
  const Graph reduced = reduce_for_scoring(g);
  EXPECT_EQ(reduced.n_counted_units(), 3 * 16 * 36);
  Executor ex;
  SignCodes codes;
  ex.run(ex.prepare(reduced), batch, kWeightSeed, codes);
  const auto sites = testing::naive_counted_sites(g);
  const std::vector<double> k = testing::naive_kernel(g, want, sites);
  ASSERT_EQ(codes.n_units(), 3 * 16 * 36);
  std::int64_t same = 0;  // K_01 from the packed codes: N_A minus Hamming distance
  for (const BitMatrix& m : codes.blocks) {
    for (std::int64_t w = 0; w < m.words_per_row; ++w)
      same -= m.weight * std::popcount(m.words[static_cast<std::size_t>(w)] ^
                                       m.words[static_cast<std::size_t>(m.words_per_row + w)]);
  }
  EXPECT_EQ(codes.n_units() + same, k[1]);
}

TEST(Executor, GivenWeightsAreUsedAsTheyAre) {
  GraphBuilder b;
  NodeId x = b.input({2, 3, 5, 5});
  x = b.relu(b.conv(x, 8, square(3, 1, 1), WeightInit::kGiven, true), 1);
  x = b.linear(b.global_avg_pool(x), 4, true, WeightInit::kGiven);
  auto weights = std::make_shared<std::vector<float>>(b.n_draws());
  Rng rng(5);
  for (float& w : *weights) w = rng.uniform(-0.5f, 0.5f);
  b.set_given_weights(weights);
  const Graph g = std::move(b).finish(x);
  EXPECT_EQ(g.n_params(), static_cast<std::int64_t>(weights->size()));
  const testing::NaiveParams p = testing::naive_params(g, 1, kWeightSeed);
  EXPECT_EQ(p.weights[0], (*weights)[0]);
  EXPECT_EQ(p.bias[7], (*weights)[8 * 27 + 7]);
  expect_matches_naive(g);
  EXPECT_EQ(reduce_for_scoring(g).given_weights, weights);
}

}  // namespace
}  // namespace naswot::engine
