// NB201 encoding (every architecture round-trips, strict parsing with errors that name the bad
// token), the counts the reference fixes (N_A per reference-semantics.md §3.1, parameters as
// NATS-Bench publishes them), and sampling and mutation.
#include "naswot/spaces/nb201.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "naswot/engine/passes.h"
#include "naswot/util/error.h"

namespace naswot::spaces {
namespace {

constexpr const char* kExample =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~"
    "2|";
constexpr const char* kAllConv3x3 =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_"
    "3x3~2|";

int n_conv(const Arch& arch) {
  int n = 0;
  for (std::int32_t g : arch) n += g == 2 || g == 3;
  return n;
}

std::int64_t counted_units(const Nb201Space& space, const Arch& arch, std::int64_t image_size,
                           SiteCounting counting = SiteCounting::kReference) {
  const NetShape shape{.batch = 2, .image_size = image_size, .counting = counting};
  return engine::reduce_for_scoring(space.build(arch, shape)).n_counted_units();
}

TEST(Nb201Space, EveryArchRoundTrips) {
  const Nb201Space space;
  ASSERT_EQ(space.size(), 15625);
  std::set<std::string> seen;
  for (std::int64_t i = 0; i < 15625; ++i) {
    const Arch arch = space.at(i);
    const std::string text = space.format(arch);
    ASSERT_EQ(space.parse(text), arch) << text;
    ASSERT_EQ(space.index_of(arch), i) << text;
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 15625u);
}

TEST(Nb201Space, EnumeratesGenesAsBase5) {
  const Nb201Space space;
  EXPECT_EQ(space.at(0), (Arch{0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(space.at(1), (Arch{0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(space.at(5), (Arch{0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(space.at(15624), (Arch{4, 4, 4, 4, 4, 4}));
}

TEST(Nb201Space, FormatsTheBenchmarkString) {
  const Nb201Space space;
  const Arch arch{3, 3, 4, 1, 3, 1};
  EXPECT_EQ(space.format(arch), kExample);
  EXPECT_EQ(space.parse(kExample), arch);
  EXPECT_EQ(space.format(space.at(0)), "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  EXPECT_EQ(space.format(Arch{2, 4, 1, 0, 2, 3}),
            "|nor_conv_1x1~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|nor_conv_1x1~1|nor_conv_"
            "3x3~2|");
}

// Parsing `text` throws an InputError whose message names the text and contains `token`.
void expect_rejected(const std::string& text, const std::string& token) {
  const Nb201Space space;
  try {
    (void)space.parse(text);
    ADD_FAILURE() << "accepted '" << text << "'";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(text + ": ", 0), 0u) << what;  // "<input>: <problem>"
    EXPECT_NE(what.find(token), std::string::npos) << "'" << token << "' not in: " << what;
  }
}

TEST(Nb201Space, ParseRejectsUnknownOp) {
  expect_rejected("|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|", "'conv_5x5'");
  expect_rejected("|none~0|+|none~0|none~1|+|none~0|None~1|none~2|", "'None'");
}

TEST(Nb201Space, ParseRejectsWrongInputIndex) {
  expect_rejected("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "'none~1'");
  expect_rejected("|none~0|+|none~1|none~0|+|none~0|none~1|none~2|", "'none~1'");
  expect_rejected("|none~0|+|none~0|none~1|+|none~0|none~1|none~02|", "'none~02'");
  expect_rejected("|none|+|none~0|none~1|+|none~0|none~1|none~2|", "'none'");
}

TEST(Nb201Space, ParseRejectsMissingGroup) {
  expect_rejected("|none~0|+|none~0|none~1|", "node 3");
  expect_rejected("|none~0|+|none~0|none~1|none~2|", "'+'");  // node 2 given three edges
  expect_rejected("|none~0|+|none~0|+|none~0|none~1|none~2|", "edge '+'");
}

TEST(Nb201Space, ParseRejectsTrailingGarbage) {
  expect_rejected(std::string(kExample) + "x", "'x'");
  expect_rejected(std::string(kExample) + "+|none~0|", "'+|none~0|'");
}

TEST(Nb201Space, ParseRejectsEmptyString) { expect_rejected("", "missing '|'"); }

TEST(Nb201Space, ParseRejectsMissingBar) {
  expect_rejected("none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "position 0");
  expect_rejected("|none~0|+|none~0|none~1|+|none~0|none~1|none~2", "unterminated");
  expect_rejected("|none~0+|none~0|none~1|+|none~0|none~1|none~2|", "'none~0+'");
}

TEST(Nb201Space, CountedUnitsFollowTheFormula) {
  const Nb201Space space;
  for (const char* text : {kExample, kAllConv3x3, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                           "|nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                           "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|nor_conv_1x1~2|",
                           "|avg_pool_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_1x1~0|"
                           "nor_conv_3x3~1|avg_pool_3x3~2|"}) {
    const Arch arch = space.parse(text);
    EXPECT_EQ(counted_units(space, arch, 32), 286720 * n_conv(arch) + 77824) << text;
    EXPECT_EQ(counted_units(space, arch, 16), 71680 * n_conv(arch) + 19456) << text;
    // Every site is live in NB201, so the unreduced network counts the same.
    EXPECT_EQ(space.build(arch, {.batch = 2}).n_counted_units(), 286720 * n_conv(arch) + 77824);
  }
  // [verified] in the reference: 34 ReLUConvBN + 35 nn.ReLU sites on this arch, N_A(n_conv=2).
  EXPECT_EQ(counted_units(space,
                          space.parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|"
                                      "nor_conv_1x1~2|"),
                          32),
            651264);
}

TEST(Nb201Space, UniqueCountingCountsConvEdgesOnce) {
  // Each ReLUConvBN counts once: N_A = 5 n_conv (U1 + U2 + U3) + (U1 + U2) + (U2 + U3) + U3.
  const Nb201Space space;
  for (std::int64_t i : {0, 1, 777, 3906, 9876, 15624}) {
    const Arch arch = space.at(i);
    const std::int64_t unique = counted_units(space, arch, 32, SiteCounting::kUnique);
    EXPECT_LT(unique, counted_units(space, arch, 32)) << space.format(arch);
    EXPECT_EQ(unique, 143360 * n_conv(arch) + 40960) << space.format(arch);
  }
}

TEST(Nb201Space, ParamCountMatchesNatsBench) {
  // NATS-Bench (topology) lists 1.531546 M parameters for the all-nor_conv_3x3 cell on
  // CIFAR-10: C = 16, N = 5, 10 classes, BN affine parameters included.
  const Nb201Space space;
  const Arch arch = space.parse(kAllConv3x3);
  EXPECT_EQ(space.build(arch, {.batch = 2, .classes = 10}).n_params(), 1531546);
  // The reference's 1-output head: 64 * 10 + 10 -> 64 + 1.
  EXPECT_EQ(space.build(arch, {.batch = 2}).n_params(), 1531546 - 650 + 65);
  // Without cells' convs: stem 464, blocks 14464 + 57600, last BN 128, head 650.
  EXPECT_EQ(space.build(space.at(0), {.batch = 2, .classes = 10}).n_params(),
            464 + 14464 + 57600 + 128 + 650);
}

TEST(Nb201Space, MutateChangesExactlyOneEdge) {
  const Nb201Space space;
  Rng rng(5);
  int node1_edge = 0;
  constexpr int kTrials = 3000;
  for (int t = 0; t < kTrials; ++t) {
    const Arch arch = space.sample(rng);
    const Arch next = space.mutate(arch, rng);
    ASSERT_EQ(next.size(), arch.size());
    int changed = 0;
    for (std::size_t e = 0; e < arch.size(); ++e) {
      ASSERT_GE(next[e], 0);
      ASSERT_LT(next[e], 5);
      if (next[e] != arch[e]) {
        ++changed;
        node1_edge += e == 0;
      }
    }
    ASSERT_EQ(changed, 1) << space.format(arch) << " -> " << space.format(next);
  }
  // As the reference, a node first: node 1's single edge is picked 1/3 of the time, not 1/6.
  EXPECT_NEAR(static_cast<double>(node1_edge) / kTrials, 1.0 / 3.0, 0.05);
}

TEST(Nb201Space, SampleIsDeterministicPerSeed) {
  const Nb201Space space;
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int k = 0; k < 20; ++k) {
    const Arch x = space.sample(a);
    EXPECT_EQ(x, space.sample(b));
    differs = differs || x != space.sample(c);
  }
  EXPECT_TRUE(differs);
}

TEST(Nb201Space, SampleDrawsIndicesAsNumpyRandint) {
  // reference-semantics.md §1.10: numpy randint(0, 15625) with seed 1.
  const Nb201Space space;
  Rng rng(1);
  for (std::int64_t want :
       {13349, 235, 12172, 5192, 905, 10955, 7813, 2895, 5056, 144, 4225, 7751}) {
    EXPECT_EQ(space.index_of(space.sample(rng)), want);
  }
}

TEST(SpaceRegistry, MakesNb201AndRejectsUnknownNames) {
  const auto space = make_space("nb201");
  ASSERT_NE(space, nullptr);
  EXPECT_EQ(space->name(), "nb201");
  try {
    (void)make_space("nb999");
    ADD_FAILURE() << "accepted an unknown space";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nb999"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nb201"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace naswot::spaces
