// NAS-Bench-101 (reference-semantics.md §3.3, ../shared/docs/spaces.md §2): a cell is a DAG of
// up to 7 vertices (0 = input, last = output) whose interior vertices are conv3x3-bn-relu,
// conv1x1-bn-relu or maxpool3x3, stacked 3 x 3 with max pools between the stacks.
//
// Text encoding (as ../shared/data/nb101/subset500.csv, and the key bench::Table joins on):
// "ADJ|OPS", ADJ = the V x V adjacency matrix row-major as V*V '0'/'1' characters (strictly
// upper-triangular), OPS = the V op names comma-separated, `input` first and `output` last.
// The encoding is kept as given, dangling vertices included, so format() reproduces the
// table's key; the network, the hash and validity use the pruned spec (ModelSpec's pruning).
// Valid: input and output connected, at most 9 edges after pruning.
//
// Genes: [V, the V(V-1)/2 upper-triangle bits row-major, the V-2 interior op ids (kOps)].
// Not enumerable (the 423,624 unique cells exist only as the benchmark's list).
#pragma once

#include <array>
#include <optional>

#include "naswot/spaces/space.h"

namespace naswot::spaces {

// A cell graph. ops: kNb101Input, kNb101Output or an index into Nb101Space::kOps.
struct Nb101Spec {
  std::int32_t n_vertices = 0;
  std::vector<std::uint8_t> matrix;  // n_vertices^2, row-major; 1 at (i, j): edge i -> j, i < j
  std::vector<std::int32_t> ops;     // n_vertices labels

  [[nodiscard]] bool edge(std::int32_t from, std::int32_t to) const {
    return matrix[static_cast<std::size_t>(from * n_vertices + to)] != 0;
  }
  [[nodiscard]] std::int32_t n_edges() const;
  friend bool operator==(const Nb101Spec&, const Nb101Spec&) = default;
};
inline constexpr std::int32_t kNb101Input = -1, kNb101Output = -2;  // the hash's labels

// The spec as encoded by the genes (unpruned). REQUIRES: well-formed genes.
[[nodiscard]] Nb101Spec nb101_spec(const Arch& arch);
// ModelSpec's pruning: drops vertices not on an input-to-output path, keeping the order of the
// rest. nullopt when input and output are not connected.
[[nodiscard]] std::optional<Nb101Spec> nb101_prune(const Nb101Spec& spec);
// The benchmark's module hash (graph_util.hash_module) of a pruned spec: 32 lowercase hex
// characters, the key of the official dataset. Invariant under vertex relabelling.
[[nodiscard]] std::string nb101_hash(const Nb101Spec& pruned);
// ComputeVertexChannels: the width of every vertex of a pruned spec in a cell c_in -> c_out.
// REQUIRES: a pruned spec whose output split gives every vertex a channel.
[[nodiscard]] std::vector<std::int64_t> nb101_vertex_channels(std::int64_t c_in, std::int64_t c_out,
                                                              const Nb101Spec& pruned);

class Nb101Space final : public SearchSpace {
 public:
  static constexpr std::array<std::string_view, 3> kOps = {"conv3x3-bn-relu", "conv1x1-bn-relu",
                                                           "maxpool3x3"};
  static constexpr std::int32_t kMaxVertices = 7, kMaxEdges = 9;

  // stem_channels: width of the stem and of stack 0 (NASWOT's port: 16; the official network:
  // 128); stacks, cells per stack: 3, 3. Throws InputError if stem_channels < 5 (a 5-way
  // output split would leave a vertex without channels) or a count is < 1.
  explicit Nb101Space(std::int64_t stem_channels = 16, std::int64_t stacks = 3,
                      std::int64_t cells_per_stack = 3);

  [[nodiscard]] std::string_view name() const override { return "nb101"; }
  // The registry's factory: options stem (5..4096), stacks and cells (1..100).
  static std::unique_ptr<const SearchSpace> create(SpaceOptions& options);
  // The NB101 subset table keys a row by its `adjacency` and `ops` columns ("ADJ|OPS").
  [[nodiscard]] TableKeys table_keys() const override { return {{"arch"}, {"adjacency", "ops"}}; }
  // Throws InputError naming the text and the problem (shape, op names, not upper-triangular,
  // input not connected to output, more than 9 edges after pruning).
  [[nodiscard]] Arch parse(std::string_view text) const override;
  [[nodiscard]] std::string format(const Arch& arch) const override;
  // As the NB101 notebook: 7 vertices, each upper-triangle edge with probability 1/2, interior
  // ops uniform; redrawn until valid.
  [[nodiscard]] Arch sample(Rng& rng) const override;
  // One edge flipped or one interior op changed, uniformly among the valid single edits that
  // change the module hash (any valid edit if none does). A cell with fewer than 7 vertices is
  // first padded to 7 with unconnected vertices, so the result always has 7.
  [[nodiscard]] Arch mutate(const Arch& arch, Rng& rng) const override;
  // The module hash of the pruned cell. REQUIRES: valid arch.
  [[nodiscard]] std::string hash(const Arch& arch) const;
  // NASWOT's port of the network (reference-semantics.md §3.3), except that the output
  // projection is added out of place: the reference's in-place add fails autograd when one
  // conv vertex feeds the output next to the input (those nets score NaN/0 there); here they
  // score as the same network would with the add done correctly.
  [[nodiscard]] engine::Graph build(const Arch& arch, const NetShape& shape) const override;

 private:
  std::int64_t stem_channels_, stacks_, cells_per_stack_;
};

}  // namespace naswot::spaces
