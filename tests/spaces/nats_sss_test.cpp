// NATS-Bench SSS: every configuration round-trips in the benchmark's index order, strict
// parsing, the parameter and FLOP counts NATS-Bench publishes (../shared/docs/spaces.md §1.3),
// N_A under the reference's hook rule (§1.4), mutation, and a score on a tiny batch that
// agrees with the naive interpreter.
#include "naswot/spaces/nats_sss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "naswot/engine/passes.h"
#include "naswot/search/scorer.h"
#include "naswot/util/error.h"
#include "support/naive_score.h"

namespace naswot::spaces {
namespace {

TEST(NatsSssSpace, EveryConfigRoundTripsInIndexOrder) {
  const NatsSssSpace space;
  ASSERT_EQ(space.size(), 32768);
  std::set<std::string> seen;
  for (std::int64_t i = 0; i < 32768; ++i) {
    const Arch arch = space.at(i);
    const std::string text = space.format(arch);
    ASSERT_EQ(space.parse(text), arch) << text;
    ASSERT_EQ(space.index_of(arch), i) << text;
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 32768u);
}

TEST(NatsSssSpace, IndexOrderIsTheBenchmarks) {
  // spaces.md §1.1: the product with the last position varying fastest.
  const NatsSssSpace space;
  EXPECT_EQ(space.format(space.at(0)), "8:8:8:8:8");
  EXPECT_EQ(space.format(space.at(1)), "8:8:8:8:16");
  EXPECT_EQ(space.format(space.at(8)), "8:8:8:16:8");
  EXPECT_EQ(space.format(space.at(11)), "8:8:8:16:32");
  EXPECT_EQ(space.format(space.at(284)), "8:8:40:32:40");
  EXPECT_EQ(space.format(space.at(32767)), "64:64:64:64:64");
  EXPECT_EQ(space.at(284), (Arch{8, 8, 40, 32, 40}));
}

// Parsing `text` throws an InputError whose message names the text and contains `token`.
void expect_rejected(const std::string& text, const std::string& token) {
  const NatsSssSpace space;
  try {
    (void)space.parse(text);
    ADD_FAILURE() << "accepted '" << text << "'";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(text + ": ", 0), 0u) << what;  // "<input>: <problem>"
    EXPECT_NE(what.find(token), std::string::npos) << "'" << token << "' not in: " << what;
  }
}

TEST(NatsSssSpace, ParseRejectsWrongFieldCount) {
  expect_rejected("8:8:8:8", "has 4 widths");
  expect_rejected("8", "has 1 width,");
  expect_rejected("", "has 1 width,");
  expect_rejected("8:8:8:8:8:8", "more than 5");
  expect_rejected("8:8:8:8:8:", "more than 5");
}

TEST(NatsSssSpace, ParseRejectsBadWidths) {
  expect_rejected("8:8:8:8:72", "width 5 '72'");
  expect_rejected("8:8:8:8:7", "width 5 '7'");
  expect_rejected("8:12:8:8:8", "width 2 '12'");
  expect_rejected("8:8:08:8:8", "width 3 '08'");
  expect_rejected("8:8::8:8", "width 3 ''");
  expect_rejected(" 8:8:8:8:8", "width 1 ' 8'");
  expect_rejected("8:8:8:8:8 ", "width 5 '8 '");
  expect_rejected("+8:8:8:8:8", "width 1 '+8'");
  expect_rejected("8:x:8:8:8", "width 2 'x'");
  expect_rejected("8:8:8:8:0", "width 5 '0'");
  expect_rejected("8:8:8:8:640", "width 5 '640'");
}

// Parameters as NATS-Bench counts them (BN γ, β included) with a `classes`-way classifier.
std::int64_t params(const std::string& text, std::int64_t classes) {
  const NatsSssSpace space;
  return space.build(space.parse(text), {.batch = 2, .classes = classes}).n_params();
}

TEST(NatsSssSpace, ParamCountsMatchNatsBench) {
  // spaces.md §1.3, from the benchmark's records (first three) and AutoDL's network.
  EXPECT_EQ(params("8:8:8:8:8", 10), 11714);
  EXPECT_EQ(params("8:8:8:16:32", 10), 49202);
  EXPECT_EQ(params("8:8:40:32:40", 10), 144834);
  EXPECT_EQ(params("64:64:64:64:64", 10), 713674);
  EXPECT_EQ(params("8:16:32:64:64", 10), 287938);
  EXPECT_EQ(params("16:16:16:16:16", 10), 45562);
  EXPECT_EQ(params("8:8:8:8:8", 100), 12524);
  EXPECT_EQ(params("8:8:8:16:32", 100), 52172);
  EXPECT_EQ(params("8:8:40:32:40", 100), 148524);
  EXPECT_EQ(params("8:8:8:8:8", 120), 12704);
}

TEST(NatsSssSpace, FlopsMatchNatsBench) {
  // NATS FLOPs = conv and linear multiply-accumulates plus the classifier's bias adds.
  const NatsSssSpace space;
  auto flops = [&](const std::string& text, std::int64_t classes, std::int64_t image) {
    const engine::Graph g =
        space.build(space.parse(text), {.batch = 2, .image_size = image, .classes = classes});
    return g.n_macs_per_image() + classes;
  };
  EXPECT_EQ(flops("8:8:8:8:8", 10, 32), 4481114);
  EXPECT_EQ(flops("8:8:8:16:32", 10, 32), 6840650);
  EXPECT_EQ(flops("8:8:40:32:40", 10, 32), 21827994);
  EXPECT_EQ(flops("64:64:64:64:64", 10, 32), 274399882);
  EXPECT_EQ(flops("8:8:8:8:8", 120, 16), 1121336);
  EXPECT_EQ(flops("8:8:40:32:40", 120, 16), 5461816);
}

std::int64_t counted_units(const std::string& text, std::int64_t image_size) {
  const NatsSssSpace space;
  const NetShape shape{.batch = 2, .image_size = image_size};
  return engine::reduce_for_scoring(space.build(space.parse(text), shape)).n_counted_units();
}

TEST(NatsSssSpace, CountedUnitsFollowTheHookRule) {
  // By hand for 8:8:8:8:8 at 32x32 (s = 1024): the first cell's 5 conv edges and the first
  // block's conv_a all read 8x32x32 tensors, twice each: 12 * 8 * 1024 = 98304. The second
  // stage (256 pixels): block 1's conv_b and the cell's two edges from node 0 read C2 (6 * 8 *
  // 256), the cell's other 3 edges and block 2's conv_a read C3 (8 * 8 * 256): 28672. The third
  // stage (64 pixels): 6 * 8 * 64 + (3 * 2 + 1) * 8 * 64 = 6656. Total 133632 (spaces.md §1.4).
  EXPECT_EQ(counted_units("8:8:8:8:8", 32), 98304 + 28672 + 6656);
  EXPECT_EQ(counted_units("8:8:8:16:32", 32), 147456);
  EXPECT_EQ(counted_units("8:8:40:32:40", 32), 222720);
  EXPECT_EQ(counted_units("64:64:64:64:64", 32), 1069056);
  EXPECT_EQ(counted_units("8:8:8:8:8", 16), 33408);
  EXPECT_EQ(counted_units("64:64:64:64:64", 16), 267264);
  // The closed form on a few more, and 39 sites (15 conv edges, 4 block convs, last ReLU).
  const NatsSssSpace space;
  for (std::int64_t i : {5, 777, 4096, 20000, 32000}) {
    const Arch c = space.at(i);
    EXPECT_EQ(counted_units(space.format(c), 32),
              12288 * c[0] + 1536 * c[1] + 2048 * c[2] + 384 * c[3] + 448 * c[4]);
    const engine::Graph g = space.build(c, {.batch = 2});
    std::int32_t sites = 0;
    for (const engine::Node& n : g.nodes) sites += n.op == engine::Op::kRelu ? n.site_weight : 0;
    EXPECT_EQ(sites, 39) << space.format(c);
  }
}

TEST(NatsSssSpace, MutateChangesOnePositionToAnotherWidth) {
  const NatsSssSpace space;
  Rng rng(3);
  std::set<std::pair<std::size_t, std::int32_t>> reached;
  for (int t = 0; t < 2000; ++t) {
    const Arch arch = space.sample(rng);
    const Arch next = space.mutate(arch, rng);
    ASSERT_EQ(next.size(), arch.size());
    int changed = 0;
    for (std::size_t k = 0; k < arch.size(); ++k) {
      if (next[k] == arch[k]) continue;
      ++changed;
      reached.insert({k, next[k]});
    }
    ASSERT_EQ(changed, 1) << space.format(arch) << " -> " << space.format(next);
    EXPECT_EQ(space.parse(space.format(next)), next);
  }
  EXPECT_EQ(reached.size(), 5u * 8u);  // every position gets every width
}

TEST(NatsSssSpace, ScoreMatchesNaiveOnTinyBatch) {
  // 8x8 images, 6 of them: executor score vs the naive interpreter on the unreduced network.
  const NatsSssSpace space;
  const Tensor batch = testing::gaussian_images(6, 8, 4);
  search::Scorer scorer(space);
  for (const char* text : {"8:8:8:8:8", "8:16:24:8:16", "16:8:8:8:16"}) {
    SCOPED_TRACE(text);
    const search::ScoreResult got =
        testing::expect_score_matches_naive(scorer, space, space.parse(text), batch, 5);
    EXPECT_TRUE(std::isfinite(got.score));
  }
}

TEST(SpaceRegistry, MakesNatsSss) {
  const auto space = make_space("natsss");
  ASSERT_NE(space, nullptr);
  EXPECT_EQ(space->name(), "natsss");
  ASSERT_NE(space->enumeration(), nullptr);
  EXPECT_EQ(space->enumeration()->size(), 32768);
}

}  // namespace
}  // namespace naswot::spaces
