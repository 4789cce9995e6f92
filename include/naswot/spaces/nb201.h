// NAS-Bench-201 / NATS-Bench topology space (reference-semantics.md §3.1): a cell of 4 nodes
// whose 6 edges each carry one of none, skip_connect, nor_conv_1x1, nor_conv_3x3,
// avg_pool_3x3, stacked in the TinyNetwork (C = 16, N = 5). Genes: the 6 op ids in string
// order (edges 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2). Enumeration order: the genes read as a
// base-5 number, first edge most significant (this is not the benchmark's index order; map
// through a benchmark table for that).
#pragma once

#include <array>

#include "naswot/spaces/space.h"

namespace naswot::spaces {

class Nb201Space final : public SearchSpace, public Enumeration {
 public:
  static constexpr std::array<std::string_view, 5> kOps = {"none", "skip_connect", "nor_conv_1x1",
                                                           "nor_conv_3x3", "avg_pool_3x3"};
  static constexpr int kEdges = 6;

  // channels = C of the first stage, cells = N cells per stage (reference: 16, 5).
  explicit Nb201Space(std::int64_t channels = 16, std::int64_t cells = 5)
      : channels_(channels), cells_(cells) {}
  // The registry's factory: options C (1..4096) and N (1..100).
  static std::unique_ptr<const SearchSpace> create(SpaceOptions& options);

  [[nodiscard]] std::string_view name() const override { return "nb201"; }
  [[nodiscard]] const Enumeration* enumeration() const override { return this; }
  [[nodiscard]] std::int64_t size() const override { return 15625; }
  [[nodiscard]] Arch at(std::int64_t index) const override;
  [[nodiscard]] std::int64_t index_of(const Arch& arch) const override;
  [[nodiscard]] Arch parse(std::string_view text) const override;
  [[nodiscard]] std::string format(const Arch& arch) const override;
  [[nodiscard]] Arch sample(Rng& rng) const override;
  [[nodiscard]] Arch mutate(const Arch& arch, Rng& rng) const override;
  [[nodiscard]] engine::Graph build(const Arch& arch, const NetShape& shape) const override;

 private:
  std::int64_t channels_, cells_;
};

}  // namespace naswot::spaces
