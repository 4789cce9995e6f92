// NDS AnyNet: parameter counts and N_A worked out by hand from reference-semantics.md §3.4.2,
// output shapes (res_stem_in takes 32 px to 8 px), Python rounding of the bottleneck width,
// the text and JSON parsers (round trips, the reference's renames, clear rejections), sampling
// and mutation, and scores on a tiny batch that agree with the naive interpreter.
#include "naswot/spaces/anynet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "naswot/engine/passes.h"
#include "naswot/search/scorer.h"
#include "naswot/util/error.h"
#include "support/input_error.h"
#include "support/naive_score.h"

namespace naswot::spaces {
namespace {

// Two basic blocks, 12 -> 16 (stride 1) and 16 -> 32 (stride 2), both with a projection.
const std::string kBasic = "res_basic_block|stem=res_stem_in|ds=1,1|ws=16,32|ss=1,2";
// Two vanilla blocks 12 -> 8 -> 8 after the simple stem.
const std::string kVanilla = "vanilla_block|stem=simple_stem_in|ds=2|ws=8|ss=1";
// Bottlenecks: 12 -> 16 (w_b 8, 2 groups), 16 -> 24 stride 2 (w_b 6, 3 groups).
const std::string kBottleneck =
    "res_bottleneck_block|stem=res_stem_cifar|ds=1,1|ws=16,24|ss=1,2|bms=0.5,0.25|gws=4,2";

engine::Graph build(const std::string& text, std::int64_t image = 32, std::int64_t classes = 1) {
  const AnynetSpace space;
  return space.build(space.parse(text), {.batch = 2, .image_size = image, .classes = classes});
}

TEST(AnynetSpace, ParamCountsByHand) {
  // kBasic. Stem: conv 7x7 3->12 (1764) + BN (24) = 1788. Block 1: projection 1x1 12->16 (192)
  // + BN (32), conv 3x3 12->16 (1728) + BN (32), conv 3x3 16->16 (2304) + BN (32) = 4320.
  // Block 2: projection 16->32 (512) + BN (64), conv 3x3 16->32 (4608) + BN (64), conv 3x3
  // 32->32 (9216) + BN (64) = 14528. Head: linear 32->1 + bias = 33.
  EXPECT_EQ(build(kBasic).n_params(), 1788 + 4320 + 14528 + 33);
  // kVanilla. Stem: conv 3x3 3->12 (324) + BN (24) = 348. Block 1: conv 3x3 12->8 (864) + BN
  // (16) + conv 3x3 8->8 (576) + BN (16) = 1472. Block 2: 576 + 16 + 576 + 16 = 1184. Head 9.
  EXPECT_EQ(build(kVanilla).n_params(), 348 + 1472 + 1184 + 9);
  // kBottleneck. Stem 348. Block 1 (w_b = round(16 * 0.5) = 8, 8 // 4 = 2 groups): projection
  // 12*16 + 32 = 224, 1x1 12->8: 96 + 16, grouped 3x3: 9*8*(8/2) = 288 + 16, 1x1 8->16: 128 +
  // 32; = 800. Block 2 (w_b = round(24 * 0.25) = 6, 6 // 2 = 3 groups): projection 16*24 + 48
  // = 432, 1x1 16->6: 96 + 12, grouped 3x3: 9*6*(6/3) = 108 + 12, 1x1 6->24: 144 + 48; = 852.
  // Head 25.
  EXPECT_EQ(build(kBottleneck).n_params(), 348 + 800 + 852 + 25);
  // A 10-way head adds 9 * (32 + 1).
  EXPECT_EQ(build(kBasic, 32, 10).n_params(), 20669 + 9 * 33);
  // No projection when neither the width nor the stride changes: a second 16-wide block in
  // stage 1 adds exactly conv 3x3 16->16 twice with their BNs (2 * 2336).
  EXPECT_EQ(build("res_basic_block|stem=res_stem_in|ds=2,1|ws=16,32|ss=1,2").n_params(),
            20669 + 2 * 2336);
}

std::int64_t counted_units(const std::string& text, SiteCounting counting) {
  const AnynetSpace space;
  const NetShape shape{.batch = 2, .image_size = 32, .counting = counting};
  return engine::reduce_for_scoring(space.build(space.parse(text), shape)).n_counted_units();
}

TEST(AnynetSpace, CountedUnitsByHand) {
  for (SiteCounting counting : {SiteCounting::kReference, SiteCounting::kUnique}) {
    // kBasic: stem ReLU 12 x 16 x 16 = 3072 (then max pool to 8 x 8); block 1: f's ReLU and
    // the output ReLU, 2 * 16 * 64 = 2048; block 2 at 4 x 4: 2 * 32 * 16 = 1024.
    EXPECT_EQ(counted_units(kBasic, counting), 3072 + 2048 + 1024);
    // kVanilla: stem 12 x 16 x 16 = 3072; two blocks of two ReLUs on 8 x 16 x 16: 8192.
    EXPECT_EQ(counted_units(kVanilla, counting), 3072 + 8192);
    // kBottleneck: stem (stride 1) 12 x 32 x 32 = 12288; block 1 at 32 x 32: 8 + 8 + 16
    // channels = 32768; block 2: its 1x1 runs before the stride (6 x 32 x 32 = 6144), then
    // 6 x 16 x 16 = 1536 and the output 24 x 16 x 16 = 6144.
    EXPECT_EQ(counted_units(kBottleneck, counting), 12288 + 32768 + 6144 + 1536 + 6144);
  }
}

TEST(AnynetSpace, StemsAndStagesHaveTheReferenceShapes) {
  // res_stem_in: conv 7x7 s2 (32 -> 16), max pool 3 s2 (16 -> 8); stage 2 halves again.
  const engine::Graph g = build(kBasic);
  std::vector<engine::Shape> pools;
  for (const engine::Node& n : g.nodes)
    if (n.op == engine::Op::kMaxPool) pools.push_back(n.shape);
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_EQ(pools[0], (engine::Shape{2, 12, 8, 8}));
  EXPECT_EQ(g[g[g.output].inputs[0]].shape, (engine::Shape{2, 32, 1, 1}));  // pooled features
  EXPECT_EQ(g[g[g[g.output].inputs[0]].inputs[0]].shape, (engine::Shape{2, 32, 4, 4}));
  EXPECT_EQ(g[g.output].shape, (engine::Shape{2, 1, 1, 1}));
  // simple_stem_in halves once (16 x 16), res_stem_cifar keeps 32 x 32.
  const engine::Graph v = build(kVanilla);
  EXPECT_EQ(v[v[v[v.output].inputs[0]].inputs[0]].shape, (engine::Shape{2, 8, 16, 16}));
  const engine::Graph c = build(kBottleneck);
  EXPECT_EQ(c[c[c[c.output].inputs[0]].inputs[0]].shape, (engine::Shape{2, 24, 16, 16}));
  // The grouped 3x3 convs and their initialisation.
  std::vector<std::int64_t> groups;
  for (const engine::Node& n : c.nodes) {
    if (n.op == engine::Op::kConv) {
      EXPECT_EQ(n.init, engine::WeightInit::kKaimingNormalFanOut);
      if (n.window.groups > 1) groups.push_back(n.window.groups);
    }
    if (n.op == engine::Op::kLinear) {
      EXPECT_EQ(n.init, engine::WeightInit::kNormal001);
    }
    if (n.op == engine::Op::kRelu) {
      EXPECT_EQ(n.site_weight, 1);
    }
  }
  EXPECT_EQ(groups, (std::vector<std::int64_t>{2, 3}));
}

TEST(AnynetSpace, BottleneckWidthRoundsLikePython) {
  EXPECT_EQ(anynet_bottleneck_width(10, 1, 4), 2);  // 2.5 -> 2 (ties to even)
  EXPECT_EQ(anynet_bottleneck_width(14, 1, 4), 4);  // 3.5 -> 4
  EXPECT_EQ(anynet_bottleneck_width(5, 1, 2), 2);   // 2.5 -> 2
  EXPECT_EQ(anynet_bottleneck_width(3, 1, 2), 2);   // 1.5 -> 2
  EXPECT_EQ(anynet_bottleneck_width(16, 1, 3), 5);  // 5.33 -> 5
  EXPECT_EQ(anynet_bottleneck_width(64, 1, 1), 64);
}

TEST(AnynetSpace, CanonicalTextRoundTrips) {
  const AnynetSpace space;
  for (const std::string& text :
       {kBasic, kVanilla, kBottleneck,
        std::string("res_bottleneck_block|stem=res_stem_in|ds=1|ws=48|ss=2|bms=1/3|gws=16"),
        std::string("res_bottleneck_block|stem=simple_stem_in|ds=3|ws=16|ss=1|bms=1.5|gws=8")}) {
    EXPECT_EQ(space.format(space.parse(text)), text);
  }
  // Any field order, the reference's block rename, and non-canonical decimals.
  EXPECT_EQ(space.parse("res_basic_block|ss=1,2|ws=16,32|ds=1,1|stem=res_stem_in"),
            space.parse(kBasic));
  EXPECT_EQ(space.format(space.parse("double_plain_block|stem=simple_stem_in|ds=2|ws=8|ss=1")),
            kVanilla);
  EXPECT_EQ(space.format(space.parse("res_bottleneck_block|stem=res_stem_cifar|ds=1,1|ws=16,24|"
                                     "ss=1,2|bms=0.50,1/4|gws=4,2")),
            kBottleneck);
  // The genes keep the multiplier as a reduced fraction.
  const AnynetConfig c = anynet_config(space.parse(kBottleneck));
  EXPECT_EQ(c.stages[0].bm_num, 1);
  EXPECT_EQ(c.stages[0].bm_den, 2);
  EXPECT_EQ(c.stages[1].bm_den, 4);
  EXPECT_EQ(anynet_genes(c), space.parse(kBottleneck));
}

TEST(AnynetSpace, ParsesNdsNetObjects) {
  const AnynetSpace space;
  // pycls's keys with the NDS names bot_muls / num_gs; stem_w, nc and a null se_r are ignored.
  EXPECT_EQ(space.parse(R"({"block_type": "res_bottleneck_block", "stem_type": "res_stem_cifar",
                            "stem_w": 32, "ds": [1, 1], "ws": [16, 24], "ss": [1, 2],
                            "bot_muls": [0.5, 0.25], "num_gs": [4, 2], "se_r": null,
                            "nc": 10})"),
            space.parse(kBottleneck));
  EXPECT_EQ(space.parse(R"({"bms": [0.5, 0.25], "gws": [4, 2], "ds": [1, 1], "ws": [16, 24],
                            "ss": [1, 2], "stem_type": "res_stem_cifar",
                            "block_type": "res_bottleneck_block"})"),
            space.parse(kBottleneck));
  // double_plain_block is vanilla; empty or null bms/gws mean none.
  EXPECT_EQ(space.parse(R"({"block_type": "double_plain_block", "stem_type": "simple_stem_in",
                            "ds": [2], "ws": [8], "ss": [1], "bot_muls": [], "num_gs": null,
                            "se_r": 0})"),
            space.parse(kVanilla));
  // A multiplier that is no short decimal keeps the double the reference multiplies with.
  const Arch third = space.parse(
      R"({"block_type": "res_bottleneck_block", "stem_type": "res_stem_in", "ds": [1],
          "ws": [48], "ss": [2], "bms": [0.3333333333333333], "gws": [16]})");
  EXPECT_EQ(space.format(third),
            "res_bottleneck_block|stem=res_stem_in|ds=1|ws=48|ss=2|bms=1/3|gws=16");
  // The reference's stem rule for NDS files.
  EXPECT_EQ(nds_reference_stem("ResNet"), "res_stem_in");
  EXPECT_EQ(nds_reference_stem("ResNeXt-A_in"), "res_stem_in");
  EXPECT_EQ(nds_reference_stem("Vanilla_lr-wd"), "simple_stem_in");
}

// parse(text) throws an InputError "<text>: ..." containing `token`.
void expect_rejected(const std::string& text, const std::string& token) {
  const std::string what = testing::input_error([&] { (void)AnynetSpace().parse(text); });
  ASSERT_FALSE(what.empty()) << "accepted " << text;
  std::string one_line = text;  // messages are one line
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  EXPECT_EQ(what.rfind(one_line + ": ", 0), 0u) << what;
  EXPECT_NE(what.find(token), std::string::npos) << "'" << token << "' not in: " << what;
}

TEST(AnynetSpace, TextParserRejectsMalformedConfigs) {
  expect_rejected("", "unknown block type ''");
  expect_rejected("res_block|stem=res_stem_in|ds=1|ws=8|ss=1", "unknown block type 'res_block'");
  expect_rejected("res_basic_block|stem=big_stem|ds=1|ws=8|ss=1", "unknown stem 'big_stem'");
  expect_rejected("res_basic_block|stem=res_stem_in|ds=1|ws=8", "no ss");
  expect_rejected("res_basic_block|ds=1|ws=8|ss=1", "no stem type");
  expect_rejected("res_basic_block|stem=res_stem_in|ds=1,x|ws=8,8|ss=1,1",
                  "ds value 'x' is not a positive integer");
  expect_rejected("res_basic_block|stem=res_stem_in|ds=1|ws=08|ss=1", "ws value '08'");
  expect_rejected("res_basic_block|stem=res_stem_in|ds=1,2,2|ws=8,16|ss=1,2,2",
                  "ws has 2 values but ds has 3");
  expect_rejected("res_basic_block|stem=res_stem_in|ds=1|ws=8|ss=3", "stage 1 stride 3");
  expect_rejected("res_basic_block|stem=res_stem_in|ds=1|ws=8|ss=1|ds=2", "'ds' is given twice");
  expect_rejected("res_basic_block|stem=res_stem_in|ds=1|ws=8|ss=1|depth=2",
                  "unknown field 'depth'");
  expect_rejected("res_basic_block|stem=res_stem_in|ds=1|ws=8|ss=1|bms=1", "takes no bms");
  expect_rejected("res_bottleneck_block|stem=res_stem_in|ds=1|ws=8|ss=1|bms=1",
                  "needs gws for every stage");
  expect_rejected("res_bottleneck_block|stem=res_stem_in|ds=1|ws=8|ss=1|bms=0.1234567|gws=1",
                  "bms value '0.1234567'");
  expect_rejected("res_bottleneck_block|stem=res_stem_in|ds=1|ws=8|ss=1|bms=0|gws=1",
                  "bms value '0'");
  // Networks pycls cannot build: no bottleneck channels, no groups, indivisible groups.
  expect_rejected("res_bottleneck_block|stem=res_stem_in|ds=1|ws=2|ss=1|bms=0.25|gws=1",
                  "bottleneck width round(2 * 0.25) is 0");
  expect_rejected("res_bottleneck_block|stem=res_stem_in|ds=1|ws=16|ss=1|bms=0.25|gws=8",
                  "group width 8 exceeds the bottleneck width 4");
  expect_rejected("res_bottleneck_block|stem=res_stem_in|ds=1|ws=30|ss=1|bms=1|gws=4",
                  "bottleneck width 30 (= round(30 * 1)) is not divisible by its 30 // 4 = 7");
  expect_rejected(
      "res_basic_block|stem=res_stem_in|ds=1,1,1,1,1,1,1,1,1|ws=8,8,8,8,8,8,8,8,8|"
      "ss=1,1,1,1,1,1,1,1,1",
      "9 stages, expected 1 to 8");
}

TEST(AnynetSpace, JsonParserRejectsWhatTheNetworkCannotHonour) {
  // A number beyond double range is an out_of_range error in nlohmann, not a parse_error
  // (found by fuzz/arch_parse_fuzz): still a one-line InputError.
  expect_rejected(R"({"ds": 1e999})", "not valid JSON");
  const std::string base =
      R"("block_type": "res_basic_block", "stem_type": "res_stem_in", "ds": [1], "ws": [8])";
  expect_rejected("{" + base + R"(, "ss": [1], "se_r": 0.25})", "se_r 0.25 asks for squeeze");
  expect_rejected("{" + base + R"(, "ss": [1], "depth_mult": 2})", "unknown key 'depth_mult'");
  expect_rejected("{" + base + R"(, "ss": [1], "bms": [1.0]})", "takes no bms");
  expect_rejected("{" + base + R"(, "ss": [1], "bms": [], "bot_muls": []})",
                  "both bms and bot_muls");
  expect_rejected("{" + base + "}", "no ss");
  expect_rejected("{" + base + R"(, "ss": [1.5]})", "ss value 1.5 is not an integer");
  expect_rejected("{" + base + R"(, "ss": 1})", "ss is 1, not a list");
  expect_rejected(R"({"block_type": "res_basic_block", "ds": [1], "ws": [8], "ss": [1]})",
                  "no stem_type");
  expect_rejected(R"({"block_type": "res_basic_block", "stem_type": "res_stem_in", "ds": [0],
                      "ws": [8], "ss": [1]})",
                  "stage 1 depth 0 is not in 1..128");
  expect_rejected(R"({"block_type": "res_bottleneck_block", "stem_type": "res_stem_in",
                      "ds": [1], "ws": [8], "ss": [1], "bms": [-0.5], "gws": [1]})",
                  "bms value -0.5 is not a multiplier");
  expect_rejected(R"({"block_type": "mb_block", "stem_type": "res_stem_in"})",
                  "unknown block_type 'mb_block'");
  expect_rejected("{\"ds\": [1,", "not valid JSON");
  expect_rejected("{}", "no block_type");
}

TEST(AnynetSpace, SamplesAreValidAndMutationsAreOneGridStep) {
  const AnynetSpace space;
  Rng rng(11);
  std::set<std::int32_t> blocks;
  for (int t = 0; t < 300; ++t) {
    const Arch arch = space.sample(rng);
    const std::string text = space.format(arch);
    ASSERT_EQ(space.parse(text), arch) << text;
    const AnynetConfig c = anynet_config(arch);
    blocks.insert(arch[0]);
    ASSERT_EQ(c.stages.size(), 3u);
    EXPECT_EQ(c.stem, c.block == AnynetBlock::kVanilla ? AnynetStem::kSimpleStemIn
                                                       : AnynetStem::kResStemIn);
    const Arch next = space.mutate(arch, rng);
    ASSERT_NE(next, arch) << text;
    ASSERT_EQ(space.parse(space.format(next)), next);
    const AnynetConfig n = anynet_config(next);
    ASSERT_EQ(n.block, c.block);
    int changed = 0;
    for (std::size_t k = 0; k < 3; ++k) changed += n.stages[k] == c.stages[k] ? 0 : 1;
    EXPECT_EQ(changed, 1) << text << " -> " << space.format(next);
  }
  EXPECT_EQ(blocks.size(), 3u);
  // Off-grid values (as NDS files may hold) move to the grid values on either side.
  const Arch odd = space.parse("res_basic_block|stem=res_stem_in|ds=1|ws=20|ss=1");
  std::set<std::string> reached;
  for (int t = 0; t < 100; ++t) reached.insert(space.format(space.mutate(odd, rng)));
  EXPECT_EQ(reached, (std::set<std::string>{"res_basic_block|stem=res_stem_in|ds=2|ws=20|ss=1",
                                            "res_basic_block|stem=res_stem_in|ds=1|ws=16|ss=1",
                                            "res_basic_block|stem=res_stem_in|ds=1|ws=24|ss=1"}));
}

TEST(AnynetSpace, ScoreMatchesNaiveOnTinyBatch) {
  // 6 Gaussian 8x8 images: the executor's score vs the naive interpreter, twice for
  // determinism.
  const AnynetSpace space;
  const Tensor batch = testing::gaussian_images(6, 8, 5);
  search::Scorer scorer(space);
  for (const std::string& text : {kBasic, kVanilla, kBottleneck}) {
    SCOPED_TRACE(text);
    const Arch arch = space.parse(text);
    const search::ScoreResult got =
        testing::expect_score_matches_naive(scorer, space, arch, batch, 3);
    EXPECT_TRUE(std::isfinite(got.score));
    EXPECT_EQ(scorer.score(arch, batch, 3).score, got.score);
  }
}

TEST(SpaceRegistry, MakesAnynetAndRejectsOptionsItDoesNotHave) {
  const auto space = make_space("anynet");
  ASSERT_NE(space, nullptr);
  EXPECT_EQ(space->name(), "anynet");
  EXPECT_EQ(space->enumeration(), nullptr);
  EXPECT_EQ(testing::input_error([] { (void)make_space("anynet:stem=128"); }),
            "anynet:stem=128: the anynet space has no option 'stem' (it takes none)");
}

TEST(SpaceRegistry, StemOptionWidensNb101) {
  const std::string cell = "010001000|input,conv3x3-bn-relu,output";
  SpaceOptions from_flag;
  from_flag.set("stem", "128", "--stem-channels 128");
  const auto small = make_space("nb101"), big = make_space("nb101:stem=128");
  const auto flag = make_space("nb101", std::move(from_flag));
  EXPECT_GT(big->build(big->parse(cell), {.batch = 2}).n_params(),
            small->build(small->parse(cell), {.batch = 2}).n_params());
  EXPECT_EQ(flag->build(flag->parse(cell), {.batch = 2}).n_params(),
            big->build(big->parse(cell), {.batch = 2}).n_params());
  EXPECT_EQ(testing::input_error([] { (void)make_space("nb101:stem=3"); }),
            "nb101:stem=3: option stem=3 is not an integer in 5..4096");
  EXPECT_EQ(testing::input_error([] { (void)make_space("nb101:stem"); }),
            "nb101:stem: option 'stem' is not key=value");
  EXPECT_EQ(testing::input_error([] { (void)make_space("nb101:stem=8,stem=9"); }),
            "nb101:stem=8,stem=9: option 'stem' is set twice");
}

}  // namespace
}  // namespace naswot::spaces
