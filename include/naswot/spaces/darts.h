// DARTS-family cell spaces (reference-semantics.md §3.4.1, ../shared/docs/spaces.md §4): the
// NDS genotype spaces (DARTS, ENAS, PNAS, NASNet, Amoeba and their `_in` ImageNet variants)
// and NAS-Bench-301 (the DARTS space). A genotype gives a normal and a reduction cell, each a
// list of (op, input state) pairs, two per node, and the states concatenated into the cell's
// output; the network (NDS/pycls NetworkCIFAR or NetworkImageNet, no auxiliary head) stacks
// L cells of width C, reducing at cells ⌊L/3⌋ and ⌊2L/3⌋.
//
// Text encoding: the DARTS Genotype repr, then the network's width, depth and kind, e.g.
//   Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...], normal_concat=[2, 3, 4, 5],
//   reduce=[...], reduce_concat=[2, 3, 4, 5]) C=16 L=8
// parse() also takes lists or tuples for the pairs, single or double quotes, range(a, b) (or
// range(b)) for a concat, any whitespace and the four fields in any order; the options
// `C=<width>`, `L=<cells>` and `net=cifar|imagenet` may follow in any order and default to
// the space's width and depth (NB301's C = 32, L = 8) and the CIFAR network. format() prints
// the canonical form above (`net=imagenet` only for the ImageNet network).
//
// JSON (text starting with '{'): an NDS `net` object, {"genotype": {"normal": [["sep_conv_3x3",
// 0], ...], "normal_concat": [...], "reduce": [...], "reduce_concat": [...]}, "width": 16,
// "depth": 20, "aux": false, ...}, or the genotype object alone. "width" and "depth" default as
// above; `"imagenet": true` (our key: NDS keeps it in the file name, `_in`) selects the
// ImageNet network. "aux" and any other key of the net object are ignored: the network is
// always built without the auxiliary head (the reference cannot score aux nets, see
// docs/semantics.md).
//
// Genes: [C, L, net (0 CIFAR, 1 ImageNet), then for the normal and then the reduction cell:
// 2n, the 2n pairs (op id in kOps, input state), |concat|, the concat states].
// Not enumerable.
#pragma once

#include <array>
#include <utility>

#include "naswot/spaces/space.h"

namespace naswot::spaces {

enum class DartsNet : std::int8_t { kCifar = 0, kImageNet = 1 };

struct DartsCell {
  std::vector<std::pair<std::int32_t, std::int32_t>> ops;  // (op id, input state), 2 per node
  std::vector<std::int32_t> concat;                        // states concatenated, in order
  [[nodiscard]] std::int32_t n_nodes() const { return static_cast<std::int32_t>(ops.size() / 2); }
  friend bool operator==(const DartsCell&, const DartsCell&) = default;
};

struct DartsGenotype {
  DartsCell normal, reduce;
  std::int64_t channels = 32;  // C: width of the first cells (NDS `width`)
  std::int64_t cells = 8;      // L: number of cells (NDS `depth`)
  DartsNet net = DartsNet::kCifar;
  friend bool operator==(const DartsGenotype&, const DartsGenotype&) = default;
};

// The genotype the genes encode. REQUIRES: a valid arch (one parse() or sample() returned).
[[nodiscard]] DartsGenotype darts_genotype(const Arch& arch);
// The genes of a genotype. REQUIRES: valid (as parse() checks).
[[nodiscard]] Arch darts_arch(const DartsGenotype& genotype);

class DartsSpace final : public SearchSpace {
 public:
  // Every op of pycls' NDS cells (reference-semantics.md §3.4.1); genes hold the index.
  static constexpr std::array<std::string_view, 19> kOps = {
      "none",         "skip_connect", "avg_pool_2x2", "avg_pool_3x3",    "avg_pool_5x5",
      "max_pool_2x2", "max_pool_3x3", "max_pool_5x5", "max_pool_7x7",    "conv_1x1",
      "conv_3x3",     "conv_3x1_1x3", "conv_7x1_1x7", "sep_conv_3x3",    "sep_conv_5x5",
      "sep_conv_7x7", "dil_conv_3x3", "dil_conv_5x5", "dil_sep_conv_3x3"};
  // The ops sample() and mutate() draw from: DARTS' PRIMITIVES without `none` (NB301).
  static constexpr std::array<std::string_view, 7> kSampledOps = {
      "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
      "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"};
  static constexpr std::int64_t kMaxChannels = 4096, kMaxCells = 1000;
  static constexpr std::int32_t kMaxNodes = 64;  // per cell

  // channels, cells: the defaults for text without C=/L= and for sample() (NB301: 32, 8).
  // Throws InputError unless 1 <= channels <= kMaxChannels and 1 <= cells <= kMaxCells.
  explicit DartsSpace(std::int64_t channels = 32, std::int64_t cells = 8);

  [[nodiscard]] std::string_view name() const override { return "darts"; }
  // The registry's factory: options C (1..kMaxChannels) and L (1..kMaxCells).
  static std::unique_ptr<const SearchSpace> create(SpaceOptions& options);
  // NDS nets with a "genotype" (the DARTS, ENAS, PNAS, NASNet and Amoeba files); a file whose
  // stem contains "_in" holds ImageNet networks, as the reference reads it.
  [[nodiscard]] std::optional<Arch> from_nds(std::string_view net_json,
                                             std::string_view file_stem) const override;
  // The text or JSON forms above. Throws InputError naming the text and the problem: syntax
  // (with the offending token), unknown op, a cell with an odd or zero number of pairs or more
  // than kMaxNodes nodes, an input state that is not an earlier state of the node, a concat
  // state that does not exist, a width or depth out of range, an odd ImageNet width.
  [[nodiscard]] Arch parse(std::string_view text) const override;
  [[nodiscard]] std::string format(const Arch& arch) const override;
  // NB301 / DARTS random search: per cell, 4 nodes each reading two different states among
  // the earlier ones, each with an op uniform over kSampledOps; concat [2, 3, 4, 5]; the
  // space's C and L, CIFAR network.
  [[nodiscard]] Arch sample(Rng& rng) const override;
  // One change in one cell (normal or reduction, equally likely): one (op, input) pair is
  // picked uniformly; half the time its op becomes another of kSampledOps, otherwise its
  // input becomes another earlier state (different from the node's other input when the two
  // differed; an op change when there is no such state). C, L, net and concat are kept.
  [[nodiscard]] Arch mutate(const Arch& arch, Rng& rng) const override;
  // NetworkCIFAR / NetworkImageNet as pycls builds them, ReLU sites per §3.4.1 (the preprocess
  // ReLUConvBN counts twice under kReference). Weights are declared in PyTorch's construction
  // order. Throws InputError when the image is too small for an op or a node's two ops yield
  // different sizes (2x2 pools outside a reduction; the reference fails there too).
  [[nodiscard]] engine::Graph build(const Arch& arch, const NetShape& shape) const override;

 private:
  std::int64_t channels_, cells_;
};

}  // namespace naswot::spaces
