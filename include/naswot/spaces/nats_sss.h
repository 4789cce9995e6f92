// NATS-Bench size search space (SSS; ../shared/docs/spaces.md §1): the fixed NB201 cell
// |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|
// in DynamicShapeTinyNet (one cell per stage), whose five layer widths C1:C2:C3:C4:C5 each come
// from {8, 16, ..., 64}: 8^5 = 32,768 networks. Genes: the five widths in channels (8..64).
// Enumeration order is the benchmark's index order: the product with the last position
// varying fastest (index 0 = 8:8:8:8:8, 1 = 8:8:8:8:16, 32767 = 64:64:64:64:64).
#pragma once

#include "naswot/spaces/space.h"

namespace naswot::spaces {

class NatsSssSpace final : public SearchSpace, public Enumeration {
 public:
  static constexpr int kLayers = 5;
  static constexpr std::int64_t kSize = 32768;  // 8^5

  [[nodiscard]] std::string_view name() const override { return "natsss"; }
  [[nodiscard]] const Enumeration* enumeration() const override { return this; }
  [[nodiscard]] std::int64_t size() const override { return kSize; }
  // NATS-Bench tables name a network by its `channels` string (or our `arch` column).
  [[nodiscard]] TableKeys table_keys() const override { return {{"arch"}, {"channels"}}; }
  [[nodiscard]] Arch at(std::int64_t index) const override;
  [[nodiscard]] std::int64_t index_of(const Arch& arch) const override;
  // Parses "C1:C2:C3:C4:C5": five decimal widths from {8, 16, ..., 64}, no spaces, signs or
  // leading zeros. Throws InputError naming the text and the bad field.
  [[nodiscard]] Arch parse(std::string_view text) const override;
  [[nodiscard]] std::string format(const Arch& arch) const override;
  // Uniform over the 32,768 configurations.
  [[nodiscard]] Arch sample(Rng& rng) const override;
  // One position, chosen uniformly, gets a different width, chosen uniformly among the other 7.
  [[nodiscard]] Arch mutate(const Arch& arch, Rng& rng) const override;
  // Stem conv 3x3 (3 -> C1) + BN; cell(C1 -> C1); ResNet block (C1 -> C2, stride 2);
  // cell(C2 -> C3); ResNet block (C3 -> C4, stride 2); cell(C4 -> C5); BN + ReLU; global
  // average pool; linear(C5 -> classes).
  [[nodiscard]] engine::Graph build(const Arch& arch, const NetShape& shape) const override;
};

}  // namespace naswot::spaces
