// DARTS-family cells: the published genotypes' parameter counts (../shared/docs/spaces.md
// §4.4), both text forms and NDS JSON, strict rejections, sampling and mutation in the NB301
// space, N_A by hand under both counting rules (reference-semantics.md §3.4.1), and scores on
// a tiny batch that agree with the naive interpreter for a cell using every op.
#include "naswot/spaces/darts.h"

#include <gtest/gtest.h>

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

// The DARTS repr of a genotype given as "op input, op input, ..." lists and concat lists.
std::string genotype(const std::string& normal, const std::string& normal_concat,
                     const std::string& reduce, const std::string& reduce_concat) {
  auto pairs = [](const std::string& list) {
    std::string out;
    std::size_t pos = 0;
    while (pos < list.size()) {
      std::size_t end = list.find(',', pos);
      if (end == std::string::npos) end = list.size();
      const std::string item = list.substr(pos, end - pos);
      const std::size_t first = item.find_first_not_of(' ');
      const std::size_t space = item.find(' ', first);
      out += (out.empty() ? "" : ", ") + std::string("('") + item.substr(first, space - first) +
             "', " + item.substr(space + 1) + ")";
      pos = end + 1;
    }
    return out;
  };
  return "Genotype(normal=[" + pairs(normal) + "], normal_concat=[" + normal_concat +
         "], reduce=[" + pairs(reduce) + "], reduce_concat=[" + reduce_concat + "])";
}

// spaces.md §4.3.
const std::string kDartsV2 = genotype(
    "sep_conv_3x3 0, sep_conv_3x3 1, sep_conv_3x3 0, sep_conv_3x3 1, sep_conv_3x3 1, "
    "skip_connect 0, skip_connect 0, dil_conv_3x3 2",
    "2, 3, 4, 5",
    "max_pool_3x3 0, max_pool_3x3 1, skip_connect 2, max_pool_3x3 1, max_pool_3x3 0, "
    "skip_connect 2, skip_connect 2, max_pool_3x3 1",
    "2, 3, 4, 5");
const std::string kDartsV1 = genotype(
    "sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 0, sep_conv_3x3 1, skip_connect 0, "
    "sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2",
    "2, 3, 4, 5",
    "max_pool_3x3 0, max_pool_3x3 1, skip_connect 2, max_pool_3x3 0, max_pool_3x3 0, "
    "skip_connect 2, skip_connect 2, avg_pool_3x3 0",
    "2, 3, 4, 5");
const std::string kNasNet = genotype(
    "sep_conv_5x5 1, sep_conv_3x3 0, sep_conv_5x5 0, sep_conv_3x3 0, avg_pool_3x3 1, "
    "skip_connect 0, avg_pool_3x3 0, avg_pool_3x3 0, sep_conv_3x3 1, skip_connect 1",
    "2, 3, 4, 5, 6",
    "sep_conv_5x5 1, sep_conv_7x7 0, max_pool_3x3 1, sep_conv_7x7 0, avg_pool_3x3 1, "
    "sep_conv_5x5 0, skip_connect 3, avg_pool_3x3 2, sep_conv_3x3 2, max_pool_3x3 1",
    "4, 5, 6");
const std::string kAmoeba = genotype(
    "avg_pool_3x3 0, max_pool_3x3 1, sep_conv_3x3 0, sep_conv_5x5 2, sep_conv_3x3 0, "
    "avg_pool_3x3 3, sep_conv_3x3 1, skip_connect 1, skip_connect 0, avg_pool_3x3 1",
    "4, 5, 6",
    "avg_pool_3x3 0, sep_conv_3x3 1, max_pool_3x3 0, sep_conv_7x7 2, sep_conv_7x7 0, "
    "avg_pool_3x3 1, max_pool_3x3 0, max_pool_3x3 1, conv_7x1_1x7 0, sep_conv_3x3 5",
    "3, 4, 6");
const std::string kPnasCell =
    "sep_conv_5x5 0, max_pool_3x3 0, sep_conv_7x7 1, max_pool_3x3 1, sep_conv_5x5 1, "
    "sep_conv_3x3 1, sep_conv_3x3 4, max_pool_3x3 1, sep_conv_3x3 0, skip_connect 1";
const std::string kPnas = genotype(kPnasCell, "2, 3, 4, 5, 6", kPnasCell, "2, 3, 4, 5, 6");
const std::string kEnas = genotype(
    "sep_conv_3x3 1, skip_connect 1, sep_conv_5x5 1, skip_connect 0, avg_pool_3x3 0, "
    "sep_conv_3x3 1, sep_conv_3x3 0, avg_pool_3x3 0, sep_conv_5x5 1, avg_pool_3x3 0",
    "2, 3, 4, 5, 6",
    "sep_conv_5x5 0, avg_pool_3x3 1, sep_conv_3x3 1, avg_pool_3x3 1, avg_pool_3x3 1, "
    "sep_conv_3x3 1, sep_conv_5x5 4, avg_pool_3x3 1, sep_conv_3x3 5, sep_conv_5x5 0",
    "2, 3, 6");

// Every op: the normal cell has all but the 2x2 pools (which only fit strided), the
// reduction cell has those and a strided version of most others, `none` included.
const std::string kEveryOp = genotype(
    "none 0, skip_connect 1, avg_pool_3x3 0, avg_pool_5x5 2, max_pool_3x3 1, max_pool_5x5 3, "
    "max_pool_7x7 0, conv_1x1 4, conv_3x3 1, conv_3x1_1x3 5, conv_7x1_1x7 2, sep_conv_3x3 6, "
    "sep_conv_5x5 0, sep_conv_7x7 7, dil_conv_3x3 1, dil_conv_5x5 8, dil_sep_conv_3x3 3, "
    "skip_connect 9",
    "4, 10, 7",
    "avg_pool_2x2 0, max_pool_2x2 1, none 1, skip_connect 0, conv_3x1_1x3 0, sep_conv_5x5 1, "
    "dil_conv_5x5 0, conv_7x1_1x7 1, dil_sep_conv_3x3 1, max_pool_5x5 0, conv_3x3 0, "
    "sep_conv_7x7 6",
    "2, 3, 4, 5, 6, 7");

std::int64_t params(const std::string& text, std::int64_t classes = 10,
                    std::int64_t image_size = 32) {
  const DartsSpace space;
  return space.build(space.parse(text), {.batch = 1, .image_size = image_size, .classes = classes})
      .n_params();
}

TEST(DartsSpace, ParamCountsMatchTheDartsNetwork) {
  // spaces.md §4.4: DARTS' cnn/model.py, 10 classes, auxiliary head excluded.
  EXPECT_EQ(params(kDartsV2 + " C=36 L=20"), 3349342);
  EXPECT_EQ(params(kDartsV1 + " C=36 L=20"), 3169414);
  EXPECT_EQ(params(kNasNet + " C=36 L=20"), 3830950);
  EXPECT_EQ(params(kAmoeba + " C=36 L=20"), 3145078);
  EXPECT_EQ(params(kEnas + " C=36 L=20"), 3859894);
  EXPECT_EQ(params(kPnas + " C=36 L=20"), 4481110);
  EXPECT_EQ(params(kDartsV2 + " C=16 L=8"), 246106);
  EXPECT_EQ(params(kDartsV1 + " C=16 L=8"), 232890);
  EXPECT_EQ(params(kNasNet + " C=16 L=8"), 333946);
  EXPECT_EQ(params(kAmoeba + " C=16 L=8"), 326330);
  EXPECT_EQ(params(kEnas + " C=16 L=8"), 334010);
  EXPECT_EQ(params(kPnas + " C=16 L=8"), 408762);
}

TEST(DartsSpace, ImageNetParamCountsMatchTheDartsNetwork) {
  // NetworkImageNet, C = 48, L = 14, 1000 classes (DARTS README: "4.7M" for DARTS_V2).
  EXPECT_EQ(params(kDartsV2 + " C=48 L=14 net=imagenet", 1000, 224), 4718752);
  EXPECT_EQ(params(kDartsV1 + " C=48 L=14 net=imagenet", 1000, 224), 4510432);
  EXPECT_EQ(params(kNasNet + " C=48 L=14 net=imagenet", 1000, 224), 5564320);
  EXPECT_EQ(params(kAmoeba + " C=48 L=14 net=imagenet", 1000, 224), 4627360);
  EXPECT_EQ(params(kEnas + " C=48 L=14 net=imagenet", 1000, 224), 5625952);
  EXPECT_EQ(params(kPnas + " C=48 L=14 net=imagenet", 1000, 224), 6394912);
}

TEST(DartsSpace, ParsesTheDartsReprAndRoundTrips) {
  const DartsSpace space;
  const Arch arch = space.parse(kDartsV2);
  const DartsGenotype g = darts_genotype(arch);
  EXPECT_EQ(g.channels, 32);  // NB301's defaults
  EXPECT_EQ(g.cells, 8);
  EXPECT_EQ(g.net, DartsNet::kCifar);
  ASSERT_EQ(g.normal.ops.size(), 8u);
  EXPECT_EQ(DartsSpace::kOps[static_cast<size_t>(g.normal.ops[7].first)], "dil_conv_3x3");
  EXPECT_EQ(g.normal.ops[7].second, 2);
  EXPECT_EQ(g.reduce.concat, (std::vector<std::int32_t>{2, 3, 4, 5}));
  EXPECT_EQ(space.format(arch), kDartsV2 + " C=32 L=8");
  for (const std::string& text : {kDartsV1, kNasNet, kAmoeba, kPnas, kEnas, kEveryOp}) {
    for (const char* options : {"", " C=16 L=8", " L=20 net=imagenet C=36"}) {
      const Arch a = space.parse(text + options);
      EXPECT_EQ(space.parse(space.format(a)), a) << space.format(a);
    }
  }
  EXPECT_EQ(space.format(space.parse(kNasNet + " net=imagenet C=48  L=14")),
            kNasNet + " C=48 L=14 net=imagenet");
  EXPECT_EQ(space.format(space.parse(kNasNet + " net=cifar")), kNasNet + " C=32 L=8");
}

TEST(DartsSpace, ParseAcceptsRangesQuotesListsAndWhitespace) {
  const DartsSpace space;
  const Arch want = space.parse(kDartsV2 + " C=16 L=8");
  const std::string loose =
      "  Genotype( reduce_concat = range(2, 6),\n normal=[[\"sep_conv_3x3\",0], "
      "(\"sep_conv_3x3\", 1,), ('sep_conv_3x3',0),('sep_conv_3x3',1),('sep_conv_3x3',1),"
      "('skip_connect',0),('skip_connect',0),('dil_conv_3x3',2),], normal_concat=(2,3,4,5,),"
      " reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), "
      "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), "
      "('max_pool_3x3', 1)] ,)\tL=8\nC=16  ";
  EXPECT_EQ(space.parse(loose), want);
  const DartsGenotype g = darts_genotype(space.parse(
      genotype("skip_connect 0, skip_connect 1", "2", "skip_connect 0, skip_connect 1", "2")));
  EXPECT_EQ(g.normal.concat, (std::vector<std::int32_t>{2}));
  // range(b) = range(0, b).
  const Arch ranged = space.parse(
      "Genotype(normal=[('none', 0), ('none', 1)], normal_concat=range(3), "
      "reduce=[('none', 0), ('none', 1)], reduce_concat=range(2, 3))");
  EXPECT_EQ(darts_genotype(ranged).normal.concat, (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(darts_genotype(ranged).reduce.concat, (std::vector<std::int32_t>{2}));
}

constexpr const char* kNdsNet =
    R"({"aux": false, "depth": 20, "drop_prob": 0.0, "genotype": {"normal": [["sep_conv_3x3", 0],
    ["sep_conv_3x3", 1], ["sep_conv_3x3", 0], ["sep_conv_3x3", 1], ["sep_conv_3x3", 1],
    ["skip_connect", 0], ["skip_connect", 0], ["dil_conv_3x3", 2]], "normal_concat": [2, 3, 4, 5],
    "reduce": [["max_pool_3x3", 0], ["max_pool_3x3", 1], ["skip_connect", 2], ["max_pool_3x3", 1],
    ["max_pool_3x3", 0], ["skip_connect", 2], ["skip_connect", 2], ["max_pool_3x3", 1]],
    "reduce_concat": [2, 3, 4, 5]}, "width": 36})";

TEST(DartsSpace, ParsesNdsNetJson) {
  const DartsSpace space;
  EXPECT_EQ(space.parse(kNdsNet), space.parse(kDartsV2 + " C=36 L=20"));
  // aux is ignored (the network is built without the auxiliary head).
  std::string aux = kNdsNet;
  aux.replace(aux.find("false"), 5, "true");
  EXPECT_EQ(space.parse(aux), space.parse(kNdsNet));
  // "imagenet": true selects NetworkImageNet (NDS `_in` files).
  std::string in = kNdsNet;
  in.insert(1, R"("imagenet": true, )");
  EXPECT_EQ(space.parse(in), space.parse(kDartsV2 + " C=36 L=20 net=imagenet"));
  // The genotype object alone takes the space's width and depth.
  const std::string genotype_only = std::string(kNdsNet).substr(
      std::string(kNdsNet).find("{\"normal\""),
      std::string(kNdsNet).find(", \"width\"") - std::string(kNdsNet).find("{\"normal\""));
  EXPECT_EQ(space.parse(genotype_only), space.parse(kDartsV2));
  EXPECT_EQ(space.parse("  " + genotype_only), space.parse(kDartsV2));
}

// Parsing `text` throws an InputError whose message starts with the text and contains `token`.
void expect_rejected(const std::string& text, const std::string& token) {
  const DartsSpace space;
  const std::string what = testing::input_error([&] { (void)space.parse(text); });
  ASSERT_FALSE(what.empty()) << "accepted: " << text;
  EXPECT_EQ(what.rfind(text + ": ", 0), 0u) << what;
  EXPECT_NE(what.find(token), std::string::npos) << "'" << token << "' not in: " << what;
}

TEST(DartsSpace, ParseRejectsBadCells) {
  expect_rejected(genotype("sep_conv_4x4 0, none 1", "2", "none 0, none 1", "2"),
                  "unknown op 'sep_conv_4x4' (known: none, skip_connect,");
  expect_rejected(genotype("none 0, none 2", "2", "none 0, none 1", "2"),
                  "normal pair 1 ('none', 2): input 2 is out of range (node 2 reads states 0..1)");
  expect_rejected(genotype("none 0, none 1, none 4, none 0", "2", "none 0, none 1", "2"),
                  "normal pair 2 ('none', 4): input 4 is out of range");
  expect_rejected(genotype("none 0, none 1", "2", "none 0, none -1", "2"),
                  "reduce pair 1 ('none', -1): input -1 is out of range");
  expect_rejected(genotype("none 0, none 1, none 1", "2", "none 0, none 1", "2"),
                  "normal has 3 (op, input) pairs, an odd number");
  expect_rejected(genotype("none 0, none 1", "2, 3", "none 0, none 1", "2"),
                  "normal_concat state 3 is out of range (states 0..2)");
  expect_rejected(genotype("none 0, none 1", "2", "none 0, none 1", ""), "reduce_concat is empty");
  expect_rejected(
      "Genotype(normal=[], normal_concat=[2], reduce=[('none', 0), ('none', 1)], "
      "reduce_concat=[2])",
      "normal has no (op, input) pairs");
}

TEST(DartsSpace, ParseRejectsBadSyntax) {
  const std::string ok = genotype("none 0, none 1", "2", "none 0, none 1", "2");
  expect_rejected(
      "Genotype(normal=[('none', 0), ('none', 1)], normal_concat=range(2 3), "
      "reduce=[('none', 0), ('none', 1)], reduce_concat=[2])",
      "expected ')' at '3), reduce=");
  expect_rejected(
      "Genotype(normal=[('none', 0), ('none', 1)], normal_concat=range(2,), "
      "reduce=[('none', 0), ('none', 1)], reduce_concat=[2])",
      "expected a range bound at '), reduce=");
  expect_rejected(
      "Genotype(normal=[('none', 0), ('none', 1)], normal_concat=rang(2, 3), "
      "reduce=[('none', 0), ('none', 1)], reduce_concat=[2])",
      "expected a list of states or range(a, b) at 'rang(2, 3)");
  expect_rejected(
      "Genotype(normal=[('none', 0), ('none' 1)], normal_concat=[2], "
      "reduce=[('none', 0), ('none', 1)], reduce_concat=[2])",
      "expected ',' at '1)], normal_concat");
  expect_rejected("Genotype(normal=[('none, 0)], normal_concat=[2])", "expected a closing '");
  expect_rejected("Genotype(normal=[(none, 0)], normal_concat=[2])",
                  "expected a quoted op name at 'none, 0)]");
  expect_rejected("Genotype(normal=[('none', 0), ('none', 1)], normal_concat=[2])",
                  "missing field 'reduce'");
  expect_rejected("Genotype(normal=[('none', 0)], normal=[('none', 0)])",
                  "field 'normal' is given twice");
  expect_rejected("Genotype(normals=[])", "unknown field at 'normals=[])'");
  expect_rejected("Genotype(normal=[('none', 0)]", "expected ')' at end of text");
  expect_rejected("genotype(normal=[])", "expected 'Genotype(' at 'genotype(normal");
  expect_rejected("", "expected 'Genotype(' at end of text");
  expect_rejected(ok + " C=16 W=3", "unknown option at 'W=3' (options: C=, L=, net=)");
  expect_rejected(ok + " C=16 C=8", "option C= is given twice");
  expect_rejected(ok + " C=x", "expected a width at 'x'");
  expect_rejected(ok + " C=16x", "expected a width at '16x'");
  expect_rejected(ok + " net=mnist", "expected cifar or imagenet at 'mnist'");
  expect_rejected(ok + " L=99999999999", "number '99999999999' is too large");
  expect_rejected(ok + " C=0", "width C=0 is out of range (1..4096)");
  expect_rejected(ok + " L=1001", "depth L=1001 is out of range (1..1000)");
  expect_rejected(ok + " C=15 net=imagenet", "the ImageNet network needs an even width, not C=15");
}

TEST(DartsSpace, ParseRejectsBadJson) {
  expect_rejected(R"({"normal": 1e999})", "not valid JSON");  // out_of_range, not parse_error
  expect_rejected(R"({"genotype": {"normal": [["none", 0]],})", "not valid JSON ([json.exception");
  expect_rejected(R"([1, 2])", "expected 'Genotype(' at '[1, 2]'");
  expect_rejected(R"({"genotype": [1]})", "\"genotype\" is not an object");
  expect_rejected(R"({"genotype": {"normal": []}})", "the genotype has no \"normal_concat\"");
  expect_rejected(
      R"({"normal": [["none", 0, 1]], "normal_concat": [2], "reduce": [], "reduce_concat": [2]})",
      "normal[0] is not an [op, input] pair: [\"none\",0,1]");
  expect_rejected(
      R"({"normal": [["nope", 0]], "normal_concat": [2], "reduce": [], "reduce_concat": [2]})",
      "unknown op 'nope'");
  expect_rejected(R"({"normal": [["none", 0], ["none", "1"]], "normal_concat": [2],
                      "reduce": [], "reduce_concat": [2]})",
                  "the input of normal[1] is not an integer: \"1\"");
  expect_rejected(R"({"normal": [["none", 0], ["none", 1]], "normal_concat": 2,
                      "reduce": [], "reduce_concat": [2]})",
                  "\"normal_concat\" is not a list of states");
  expect_rejected(R"({"normal": [["none", 0], ["none", 1]], "normal_concat": [2],
                      "reduce": [["none", 0], ["none", 1]], "reduce_concat": [2], "width": 1.5})",
                  "\"width\" is not an integer: 1.5");
  expect_rejected(R"({"normal": [["none", 0], ["none", 1]], "normal_concat": [2],
                      "reduce": [["none", 0], ["none", 1]], "reduce_concat": [2], "imagenet": 1})",
                  "\"imagenet\" is not true or false");
}

TEST(DartsSpace, SampleDrawsTheNb301Space) {
  const DartsSpace space(16, 5);
  Rng rng(7);
  std::set<std::string> seen;
  std::set<std::int32_t> ops;
  for (int t = 0; t < 500; ++t) {
    const Arch arch = space.sample(rng);
    EXPECT_EQ(space.parse(space.format(arch)), arch);
    const DartsGenotype g = darts_genotype(arch);
    EXPECT_EQ(g.channels, 16);
    EXPECT_EQ(g.cells, 5);
    for (const DartsCell* cell : {&g.normal, &g.reduce}) {
      ASSERT_EQ(cell->ops.size(), 8u);
      EXPECT_EQ(cell->concat, (std::vector<std::int32_t>{2, 3, 4, 5}));
      for (std::size_t k = 0; k < 8; k += 2) {
        EXPECT_NE(cell->ops[k].second, cell->ops[k + 1].second);  // distinct inputs
        EXPECT_LT(cell->ops[k].second, static_cast<std::int32_t>(k / 2 + 2));
      }
      for (const auto& [op, input] : cell->ops) {
        EXPECT_NE(DartsSpace::kOps[static_cast<size_t>(op)], "none");
        ops.insert(op);
      }
    }
    seen.insert(space.format(arch));
  }
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(ops.size(), DartsSpace::kSampledOps.size());
}

TEST(DartsSpace, MutateChangesOneOpOrOneInput) {
  const DartsSpace space;
  Rng rng(11);
  int op_changes = 0, input_changes = 0;
  for (int t = 0; t < 1000; ++t) {
    const Arch arch = t % 2 ? space.sample(rng) : space.parse(t % 4 ? kNasNet : kPnas);
    const Arch next = space.mutate(arch, rng);
    ASSERT_EQ(next.size(), arch.size());
    int changed = 0;
    for (std::size_t k = 0; k < arch.size(); ++k) changed += next[k] != arch[k];
    ASSERT_EQ(changed, 1) << space.format(arch) << " -> " << space.format(next);
    EXPECT_EQ(space.parse(space.format(next)), next);
    const DartsGenotype a = darts_genotype(arch), b = darts_genotype(next);
    EXPECT_EQ(a.normal.concat, b.normal.concat);
    for (const auto& [from, to] :
         {std::pair{&a.normal, &b.normal}, std::pair{&a.reduce, &b.reduce}}) {
      for (std::size_t k = 0; k < from->ops.size(); ++k) {
        if (from->ops[k].first != to->ops[k].first) ++op_changes;
        if (from->ops[k].second == to->ops[k].second) continue;
        ++input_changes;
        // A node whose inputs differed keeps them different.
        if (from->ops[k].second != from->ops[k ^ 1].second) {
          EXPECT_NE(to->ops[k].second, to->ops[k ^ 1].second);
        }
      }
    }
  }
  EXPECT_GT(op_changes, 300);
  EXPECT_GT(input_changes, 300);
}

std::int64_t counted_units(const std::string& text, SiteCounting counting) {
  const DartsSpace space;
  const NetShape shape{.batch = 2, .image_size = 8, .counting = counting};
  return engine::reduce_for_scoring(space.build(space.parse(text), shape)).n_counted_units();
}

TEST(DartsSpace, CountedUnitsFollowTheHookRule) {
  // C = 4, L = 3 (cells 1 and 2 reduce), 8x8 images; stem 12 channels at 64 pixels.
  // Cell 0 (normal, C 4): preprocess0 is dead (no op reads state 0) -> 0; preprocess1 is a
  //   ReLUConvBN on the stem, 2 x 12 x 64 = 1536; sep_conv_3x3 on state 1: 2 x 4 x 64 = 512.
  // Cell 1 (reduce, C 8): ReLUConvBN on the stem 1536 and on cell 0 (4 x 64) 512; skip_connect
  //   with stride 2 is a FactorizedReduce of 8 x 64: 512; conv_1x1: 8 x 64 = 512.
  // Cell 2 (reduce after a reduction, C 16): preprocess0 = FactorizedReduce of cell 0's 4 x 64:
  //   256; ReLUConvBN of cell 1 (8 x 16) 256; FactorizedReduce 16 x 16 = 256; conv_1x1 256.
  const std::string text =
      genotype("sep_conv_3x3 1, skip_connect 1", "2", "skip_connect 0, conv_1x1 1", "2") +
      " C=4 L=3";
  EXPECT_EQ(counted_units(text, SiteCounting::kReference), 2048 + 3072 + 1024);
  // Unique: each ReLUConvBN once (768 + 768 + 256 + 128 fewer).
  EXPECT_EQ(counted_units(text, SiteCounting::kUnique), 6144 - 768 - 768 - 256 - 128);
  // The unreduced graph: 5 ReLUConvBN preprocesses (one dead) and 7 plain ReLUs.
  const DartsSpace space;
  const engine::Graph g = space.build(space.parse(text), {.batch = 2, .image_size = 8});
  std::int32_t sites = 0;
  for (const engine::Node& n : g.nodes) sites += n.op == engine::Op::kRelu ? n.site_weight : 0;
  EXPECT_EQ(sites, 5 * 2 + 7);
}

TEST(DartsSpace, BuildRejectsOpsTheImageIsTooSmallFor) {
  const DartsSpace space;
  // A 2x2 pool in a normal cell shrinks its input by a pixel: the node's sum fails (as in torch).
  const std::string shrink =
      genotype("avg_pool_2x2 0, none 1", "2", "none 0, none 1", "2") + " C=4 L=3";
  std::string what =
      testing::input_error([&] { (void)space.build(space.parse(shrink), {.image_size = 8}); });
  EXPECT_EQ(what, shrink + ": cell 0 at image size 8: the ops of node 2 give 7x7 and 8x8 pixels");
  // A reduction cell cannot concatenate an unreduced input with its nodes.
  const std::string concat = genotype("none 0, none 1", "2", "none 0, none 1", "1, 2") + " C=4 L=3";
  what = testing::input_error([&] { (void)space.build(space.parse(concat), {.image_size = 8}); });
  EXPECT_EQ(what, concat + ": cell 1 at image size 8: concat of states of 8x8 and 4x4 pixels");
  // A strided 2x2 pool of a 1-pixel map.
  const std::string tiny =
      genotype("none 0, none 1", "2", "max_pool_2x2 0, none 1", "2") + " C=4 L=3";
  what = testing::input_error([&] { (void)space.build(space.parse(tiny), {.image_size = 2}); });
  EXPECT_EQ(what, tiny + ": cell 2 at image size 2: max_pool_2x2 does not fit 1x1 pixels");
}

TEST(DartsSpace, ScoreMatchesNaiveOnTinyBatch) {
  // 6 images of 8x8: executor score vs the naive interpreter on the unreduced network, for a
  // cell pair using every op (CIFAR), DARTS_V2 and the ImageNet stems.
  const DartsSpace space;
  const Tensor batch = testing::gaussian_images(6, 8, 4);
  search::Scorer scorer(space);
  for (const std::string& text :
       {kEveryOp + " C=4 L=3", kDartsV2 + " C=4 L=4", kAmoeba + " C=4 L=3 net=imagenet"}) {
    SCOPED_TRACE(text);
    const Arch arch = space.parse(text);
    const search::ScoreResult got =
        testing::expect_score_matches_naive(scorer, space, arch, batch, 5);
    EXPECT_TRUE(std::isfinite(got.score));
    EXPECT_EQ(scorer.score(arch, batch, 5).score, got.score);  // deterministic
  }
}

TEST(SpaceRegistry, MakesDarts) {
  const auto space = make_space("darts");
  ASSERT_NE(space, nullptr);
  EXPECT_EQ(space->name(), "darts");
  EXPECT_EQ(space->enumeration(), nullptr);
}

}  // namespace
}  // namespace naswot::spaces
