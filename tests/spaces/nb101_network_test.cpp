// The NB101 network: ComputeVertexChannels on the upstream test vectors, the parameter counts
// the benchmark publishes (../shared/docs/spaces.md §2.4-2.5), N_A computed by hand from the
// hook rule (every nn.ReLU once: stem, conv vertices, input projections), channel truncation,
// the cells the reference's in-place add breaks, and scores on tiny Gaussian batches that agree
// with the naive interpreter.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "naswot/engine/passes.h"
#include "naswot/search/scorer.h"
#include "naswot/spaces/nb101.h"
#include "support/naive_score.h"

namespace naswot::spaces {
namespace {

const std::string kReadme =
    "0111010000000100000010000100000000100000010000000"
    "|input,conv1x1-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,maxpool3x3,output";
// input -> conv3x3 -> output.
const std::string kChain = "010001000|input,conv3x3-bn-relu,output";
// input -> conv3x3 -> conv3x3 -> output and input -> output: one conv vertex feeds the output
// next to the input, the case whose in-place add fails in the reference.
const std::string kInPlace = "0101001000010000|input,conv3x3-bn-relu,conv3x3-bn-relu,output";
// Three vertices feed the output (widths 6, 5, 5 of 16); vertex 3 reads vertex 1 truncated.
const std::string kTruncating =
    "0110000011000010000100000|input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,output";

Nb101Spec pruned(const std::string& text) {
  return *nb101_prune(nb101_spec(Nb101Space().parse(text)));
}

TEST(Nb101Network, VertexChannelsMatchUpstreamTests) {
  // nasbench tests/model_builder_test.py.
  EXPECT_EQ(nb101_vertex_channels(8, 15,
                                  pruned("0110000100010000|input,conv3x3-bn-relu,"
                                         "conv3x3-bn-relu,output")),
            (std::vector<std::int64_t>{8, 8, 7, 15}));
  EXPECT_EQ(nb101_vertex_channels(8, 8,
                                  pruned("0111000001000010000100000|input,conv3x3-bn-relu,"
                                         "conv3x3-bn-relu,conv3x3-bn-relu,output")),
            (std::vector<std::int64_t>{8, 3, 3, 2, 8}));
  EXPECT_EQ(nb101_vertex_channels(8, 9,
                                  pruned("0100000110000010000100000|input,conv3x3-bn-relu,"
                                         "conv3x3-bn-relu,conv3x3-bn-relu,output")),
            (std::vector<std::int64_t>{8, 5, 5, 4, 9}));
  // spaces.md §2.4-2.5: the README cell at 128 and at NASWOT's 16 channels.
  EXPECT_EQ(nb101_vertex_channels(128, 128, pruned(kReadme)),
            (std::vector<std::int64_t>{128, 32, 32, 32, 32, 32, 128}));
  EXPECT_EQ(nb101_vertex_channels(128, 256, pruned(kReadme)),
            (std::vector<std::int64_t>{128, 64, 64, 64, 64, 64, 256}));
  EXPECT_EQ(nb101_vertex_channels(16, 16, pruned(kReadme)),
            (std::vector<std::int64_t>{16, 4, 4, 4, 4, 4, 16}));
  EXPECT_EQ(nb101_vertex_channels(16, 32, pruned(kReadme)),
            (std::vector<std::int64_t>{16, 8, 8, 8, 8, 8, 32}));
  EXPECT_EQ(nb101_vertex_channels(16, 16, pruned(kTruncating)),
            (std::vector<std::int64_t>{16, 6, 5, 5, 16}));
  EXPECT_EQ(nb101_vertex_channels(16, 32, pruned("0100|input,output")),
            (std::vector<std::int64_t>{16, 32}));
}

std::int64_t params(std::int64_t stem, const std::string& text, std::int64_t classes) {
  const Nb101Space space(stem);
  return space.build(space.parse(text), {.batch = 2, .classes = classes}).n_params();
}

TEST(Nb101Network, ParamCountsMatchTheBenchmark) {
  // The official network (stem 128, 10 labels): the dataset's trainable_parameters.
  EXPECT_EQ(params(128, kReadme, 10), 2694282);
  // NASWOT's port: stem 16 with its 1-output head, and with 10 labels.
  EXPECT_EQ(params(16, kReadme, 1), 43665);
  EXPECT_EQ(params(16, kReadme, 10), 44250);
}

std::int64_t counted_units(const std::string& text, std::int64_t image_size = 32) {
  const Nb101Space space;
  const engine::Graph g = space.build(space.parse(text), {.batch = 2, .image_size = image_size});
  return engine::reduce_for_scoring(g).n_counted_units();
}

TEST(Nb101Network, CountedUnitsFollowTheHookRule) {
  // Stem: 16 x 1024. Stages of 3 cells at C = 16, 32, 64 channels on 1024, 256, 64 pixels.
  constexpr std::int64_t kStem = 16 * 1024;
  auto per_stage = [](std::int64_t a, std::int64_t b, std::int64_t c) {
    return 3 * (a * 1024 + b * 256 + c * 64);
  };
  // Chain: the projection 0 -> 1 and the conv vertex, C units each per pixel.
  EXPECT_EQ(counted_units(kChain), kStem + per_stage(2 * 16, 2 * 32, 2 * 64));
  // README cell: 4 projections and 4 conv vertices of C/4 (the maxpool has no ReLU).
  EXPECT_EQ(counted_units(kReadme), kStem + per_stage(2 * 16, 2 * 32, 2 * 64));
  // In-place case: projection, two conv vertices, the output projection.
  EXPECT_EQ(counted_units(kInPlace), kStem + per_stage(4 * 16, 4 * 32, 4 * 64));
  // Truncating: projections to vertices 1 and 2, conv vertices 1 and 3, widths per C:
  // 16 -> (6, 5, 5), 32 -> (11, 11, 10), 64 -> (22, 21, 21).
  EXPECT_EQ(counted_units(kTruncating),
            kStem + per_stage(6 + 5 + 6 + 5, 11 + 11 + 11 + 10, 22 + 21 + 22 + 21));
  EXPECT_EQ(counted_units("0100|input,output", 16), 16 * 256 + 3 * (16 * 256 + 32 * 64 + 64 * 16));
}

TEST(Nb101Network, TruncationSlicesTheWiderSource) {
  const Nb101Space space;
  const engine::Graph g = space.build(space.parse(kTruncating), {.batch = 2});
  int slices = 0;
  for (const engine::Node& n : g.nodes) {
    if (n.op != engine::Op::kSlice) continue;
    ++slices;
    EXPECT_EQ(g[n.inputs[0]].shape.c, n.shape.c + 1);
  }
  EXPECT_EQ(slices, 9);  // one per cell
  const engine::Graph none = space.build(space.parse(kReadme), {.batch = 2});
  for (const engine::Node& n : none.nodes) EXPECT_NE(n.op, engine::Op::kSlice);
}

TEST(Nb101Network, ScoresFiniteAndDeterministic) {
  const Nb101Space space;
  search::Scorer scorer(space);
  const Tensor batch = testing::gaussian_images(8, 16, 1);
  for (const std::string& text : {kReadme, kChain, kInPlace, kTruncating}) {
    SCOPED_TRACE(text);
    const search::ScoreResult r = scorer.score(space.parse(text), batch, 1);
    EXPECT_TRUE(std::isfinite(r.score)) << r.score;
    EXPECT_GT(r.score, 0.0);
    EXPECT_EQ(scorer.score(space.parse(text), batch, 1).score, r.score);
    EXPECT_EQ(r.n_units, counted_units(text, 16));
  }
}

TEST(Nb101Network, ScoreMatchesNaiveOnTinyNetwork) {
  // Stem 8, 8x8 images, 6 of them: the naive interpreter runs the unreduced network.
  const Nb101Space space(8);
  const Tensor batch = testing::gaussian_images(6, 8, 2);
  search::Scorer scorer(space);
  for (const std::string& text : {kReadme, kInPlace, kTruncating}) {
    SCOPED_TRACE(text);
    (void)testing::expect_score_matches_naive(scorer, space, space.parse(text), batch, 3);
  }
}

}  // namespace
}  // namespace naswot::spaces
