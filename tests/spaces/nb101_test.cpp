// NB101 encoding: round trips on strings like ../shared/data/nb101/subset500.csv's, strict
// parsing, ModelSpec pruning, the benchmark's module hash on the values of
// ../shared/docs/spaces.md §2.3, sampling and mutation. The network is nb101_network_test.cpp.
#include "naswot/spaces/nb101.h"

#include <gtest/gtest.h>

#include <string>

#include "naswot/util/error.h"

namespace naswot::spaces {
namespace {

// The README / notebook "Inception-like" cell, and the benchmark's stored representative of
// the same graph (spaces.md §2.3 (a)).
std::string adjacency(std::initializer_list<const char*> rows) {
  std::string s;
  for (const char* r : rows) s += r;
  return s;
}
const std::string kReadme =
    adjacency({"0111010", "0000001", "0000001", "0000100", "0000001", "0000001", "0000000"}) +
    "|input,conv1x1-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,maxpool3x3,output";
const std::string kReadmeStored =
    adjacency({"0111100", "0000001", "0000001", "0000001", "0000010", "0000001", "0000000"}) +
    "|input,conv3x3-bn-relu,conv1x1-bn-relu,maxpool3x3,conv3x3-bn-relu,conv3x3-bn-relu,output";

// Three rows of subset500.csv, adjacency + "|" + ops as bench::Table keys them.
constexpr const char* kSubsetRows[] = {
    "0111101000001100000010000110000001100000000000000|input,maxpool3x3,maxpool3x3,"
    "conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,output",
    "0110010000111100000010000010000001100000000000000|input,conv3x3-bn-relu,maxpool3x3,"
    "conv1x1-bn-relu,conv1x1-bn-relu,maxpool3x3,output",
    "0011101001111000011010000100000001100000000000000|input,maxpool3x3,conv3x3-bn-relu,"
    "maxpool3x3,maxpool3x3,maxpool3x3,output",
};

TEST(Nb101Space, RoundTripsTheBenchmarkEncoding) {
  const Nb101Space space;
  for (const std::string text :
       {kReadme, kReadmeStored, std::string(kSubsetRows[0]), std::string(kSubsetRows[1]),
        std::string(kSubsetRows[2]), std::string("0100|input,output"),
        std::string("010001000|input,maxpool3x3,output")}) {
    const Arch arch = space.parse(text);
    EXPECT_EQ(space.format(arch), text);
    EXPECT_EQ(space.parse(space.format(arch)), arch);
  }
  // Genes: V, the upper triangle row-major, the interior ops.
  EXPECT_EQ(space.parse("010001000|input,conv1x1-bn-relu,output"), (Arch{3, 1, 0, 1, 1}));
}

void expect_rejected(const std::string& text, const std::string& token) {
  const Nb101Space space;
  try {
    (void)space.parse(text);
    ADD_FAILURE() << "accepted '" << text << "'";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(text + ": ", 0), 0u) << what;  // "<input>: <problem>"
    EXPECT_NE(what.find(token), std::string::npos) << "'" << token << "' not in: " << what;
  }
}

TEST(Nb101Space, ParseRejectsMalformedText) {
  expect_rejected("0100input,output", "no '|'");
  expect_rejected("010|input,output", "adjacency has 3 characters, expected 4");
  expect_rejected("0100|input", "1 ops, expected 2 to 7");
  expect_rejected(std::string(64, '0') + "|input,maxpool3x3,maxpool3x3,maxpool3x3,maxpool3x3," +
                      "maxpool3x3,maxpool3x3,output",
                  "8 ops");
  expect_rejected("0200|input,output", "'2' is not 0 or 1");
  expect_rejected("0110|input,output", "edge 1 -> 0 is not upper-triangular");
  expect_rejected("1100|input,output", "edge 0 -> 0");
  expect_rejected("0100|output,input", "op 0 is 'output', must be 'input'");
  expect_rejected("0100|input,output ", "op 1 is 'output '");
  expect_rejected("010001000|input,conv5x5,output", "unknown op 'conv5x5'");
  expect_rejected("010001000|input,,output", "unknown op ''");
  expect_rejected("010001000|input,Conv3x3-bn-relu,output", "'Conv3x3-bn-relu'");
}

TEST(Nb101Space, ParseRejectsInvalidCells) {
  expect_rejected("000000000|input,conv3x3-bn-relu,output", "not connected");
  expect_rejected("010000000|input,conv3x3-bn-relu,output", "not connected");
  // Every forward edge of 7 vertices: 21 after pruning.
  expect_rejected(
      adjacency({"0111111", "0011111", "0001111", "0000111", "0000011", "0000001", "0000000"}) +
          "|input,maxpool3x3,maxpool3x3,maxpool3x3,maxpool3x3,maxpool3x3,output",
      "21 edges after pruning, at most 9");
}

TEST(Nb101Space, PruningDropsDanglingVertices) {
  // spaces.md §2.3 (c): the README cell without edge 5 -> 6 loses the maxpool vertex.
  const Nb101Space space;
  std::string text = kReadme;
  text[5 * 7 + 6] = '0';
  const auto pruned = nb101_prune(nb101_spec(space.parse(text)));
  ASSERT_TRUE(pruned.has_value());
  const std::string want =
      adjacency({"011100", "000001", "000001", "000010", "000001", "000000"}) +
      "|input,conv1x1-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,output";
  EXPECT_EQ(*pruned, nb101_spec(space.parse(want)));
  EXPECT_EQ(space.hash(space.parse(text)), "f567ff6cbe57a98cf3046b698d70ff89");
  EXPECT_EQ(space.hash(space.parse(want)), "f567ff6cbe57a98cf3046b698d70ff89");
  // A subset row with 12 edges, 9 after pruning vertex 5 (no way out).
  const auto row = nb101_prune(nb101_spec(space.parse(kSubsetRows[0])));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->n_vertices, 6);
  EXPECT_EQ(row->n_edges(), 9);
  EXPECT_EQ(nb101_spec(space.parse(kSubsetRows[0])).n_edges(), 12);
  // Already pruned: unchanged.
  EXPECT_EQ(*nb101_prune(nb101_spec(space.parse(kReadme))), nb101_spec(space.parse(kReadme)));
}

TEST(Nb101Space, HashMatchesTheBenchmark) {
  const Nb101Space space;
  // Public pair (spaces.md §2.3 (a)); both representations of the graph.
  EXPECT_EQ(space.hash(space.parse(kReadme)), "28cfc7874f6d200472e1a9dcd8650aa0");
  EXPECT_EQ(space.hash(space.parse(kReadmeStored)), "28cfc7874f6d200472e1a9dcd8650aa0");
  // Computed with the official function (§2.3 (b), (d)).
  EXPECT_EQ(space.hash(space.parse("010001000|input,conv3x3-bn-relu,output")),
            "b49ac8c578b4561d79ac7087988f1c61");
  EXPECT_EQ(space.hash(space.parse("010001000|input,conv1x1-bn-relu,output")),
            "d1269d9156ddc027c40473008192958a");
  EXPECT_EQ(space.hash(space.parse("010001000|input,maxpool3x3,output")),
            "53cee42601ad14d661bb6878031d6acb");
  EXPECT_EQ(space.hash(space.parse("0100|input,output")), "043721b9c7fe8c5fad811d47d83132ec");
  EXPECT_EQ(space.hash(space.parse("0110000100010000|input,conv1x1-bn-relu,maxpool3x3,output")),
            "ac9bd0e2514c031187b612db767fb038");
}

TEST(Nb101Space, SampleIsValidAndDeterministic) {
  const Nb101Space space;
  Rng a(7), b(7);
  for (int k = 0; k < 200; ++k) {
    const Arch x = space.sample(a);
    EXPECT_EQ(x, space.sample(b));
    EXPECT_EQ(x[0], 7);
    EXPECT_EQ(space.parse(space.format(x)), x);  // parse checks validity
  }
}

TEST(Nb101Space, MutateMakesOneEditThatChangesTheCell) {
  const Nb101Space space;
  Rng rng(11);
  for (int k = 0; k < 200; ++k) {
    const Arch arch = space.sample(rng);
    const Arch next = space.mutate(arch, rng);
    ASSERT_EQ(next.size(), arch.size());
    int edits = 0;
    for (std::size_t g = 0; g < arch.size(); ++g) edits += next[g] != arch[g];
    EXPECT_EQ(edits, 1) << space.format(arch) << " -> " << space.format(next);
    EXPECT_EQ(space.parse(space.format(next)), next);
    if (nb101_prune(nb101_spec(arch))->n_vertices > 2) {
      EXPECT_NE(space.hash(next), space.hash(arch)) << space.format(arch);
    }
  }
  // input -> output alone is padded to 7 vertices first; the result is a valid 7-vertex cell.
  const Arch tiny = space.parse("0100|input,output");
  const Arch next = space.mutate(tiny, rng);
  EXPECT_EQ(next[0], 7);
  EXPECT_EQ(space.parse(space.format(next)), next);
}

TEST(SpaceRegistry, MakesNb101) {
  const auto space = make_space("nb101");
  ASSERT_NE(space, nullptr);
  EXPECT_EQ(space->name(), "nb101");
  EXPECT_EQ(space->enumeration(), nullptr);
}

}  // namespace
}  // namespace naswot::spaces
