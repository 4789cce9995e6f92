// NATS-Bench SSS encoding and network (../shared/docs/spaces.md §1.1-1.4). The five widths
// map to layers as the benchmark's code builds them (the NATS README's description is wrong):
// C1 = stem and first cell, C2 = first ResNet block, C3 = second cell, C4 = second block,
// C5 = third cell, last BN and classifier input. Cell edges leaving node 0 map C_in -> C_out,
// the others C_out -> C_out; the skip edge (3 <- 0) is the identity when C_in = C_out and
// otherwise AutoDL's FactorizedReduce at stride 1, a 1x1 conv + BN whose ReLU never runs (so
// it is no hook site). Under the reference's hook rule every configuration has 39 sites:
// 15 conv edges and 4 block convs (ReLUConvBN, twice each) and the last ReLU (§1.4).
// Initialisation is PyTorch's default, drawn in construction order (stem, cells' edges in
// string order, blocks' conv_a, conv_b, shortcut, classifier).
#include "naswot/spaces/nats_sss.h"

#include <fmt/format.h>

#include "naswot/spaces/blocks.h"
#include "naswot/util/error.h"

namespace naswot::spaces {

namespace {

constexpr std::int32_t kMinWidth = 8, kStep = 8, kChoices = 8;  // {8, 16, ..., 64}

bool valid_width(std::int32_t c) {
  return c >= kMinWidth && c <= kMinWidth * kChoices && c % kStep == 0;
}

void check_arch(const Arch& arch) {
  NASWOT_CHECK(arch.size() == NatsSssSpace::kLayers);
  for (std::int32_t c : arch) NASWOT_CHECK(valid_width(c));
}

// The fixed cell on x (c_in channels) with c_out channels.
engine::NodeId nats_cell(engine::GraphBuilder& b, engine::NodeId n0, std::int64_t c_out,
                         SiteCounting counting) {
  using engine::NodeId;
  const engine::Window k3 = engine::square(3, 1, 1);
  const NodeId n1 = relu_conv_bn(b, n0, c_out, k3, counting);  // 1 <- 0 (single term)
  const NodeId n2_terms[] = {relu_conv_bn(b, n0, c_out, k3, counting),
                             relu_conv_bn(b, n1, c_out, k3, counting)};
  const NodeId n2 = b.add(n2_terms);
  const NodeId skip = b.shape(n0).c == c_out ? n0 : conv_bn(b, n0, c_out, engine::square(1, 1, 0));
  const NodeId n3_terms[] = {skip, relu_conv_bn(b, n1, c_out, k3, counting),
                             relu_conv_bn(b, n2, c_out, k3, counting)};
  return b.add(n3_terms);
}

}  // namespace

Arch NatsSssSpace::at(std::int64_t index) const {
  NASWOT_CHECK(index >= 0 && index < kSize);
  Arch arch(kLayers);
  for (int k = kLayers - 1; k >= 0; --k) {
    arch[static_cast<size_t>(k)] =
        static_cast<std::int32_t>(kMinWidth + kStep * (index % kChoices));
    index /= kChoices;
  }
  return arch;
}

std::int64_t NatsSssSpace::index_of(const Arch& arch) const {
  check_arch(arch);
  std::int64_t index = 0;
  for (std::int32_t c : arch) index = index * kChoices + (c - kMinWidth) / kStep;
  return index;
}

Arch NatsSssSpace::parse(std::string_view text) const {
  const std::string input(text);
  auto fail = [&](const std::string& problem) -> InputError {
    return InputError(input,
                      problem + " (expected C1:C2:C3:C4:C5, each from {8, 16, 24, ..., 64})");
  };
  Arch arch;
  std::size_t pos = 0;
  for (int k = 0; k < kLayers; ++k) {
    const std::size_t end = k + 1 < kLayers ? text.find(':', pos) : text.size();
    if (end == std::string_view::npos) {
      throw fail(fmt::format("has {} width{}, not 5", k + 1, k == 0 ? "" : "s"));
    }
    const std::string_view field = text.substr(pos, end - pos);
    const bool digits = !field.empty() && field.size() <= 2 &&
                        field.find_first_not_of("0123456789") == std::string_view::npos &&
                        field[0] != '0';
    const std::int32_t c = digits ? std::stoi(std::string(field)) : 0;
    if (!valid_width(c)) {
      if (k + 1 == kLayers && field.find(':') != std::string_view::npos) {
        throw fail("has more than 5 widths");
      }
      throw fail(fmt::format("width {} '{}' is not one of 8, 16, ..., 64", k + 1, field));
    }
    arch.push_back(c);
    pos = end + 1;
  }
  return arch;
}

std::string NatsSssSpace::format(const Arch& arch) const {
  check_arch(arch);
  return fmt::format("{}:{}:{}:{}:{}", arch[0], arch[1], arch[2], arch[3], arch[4]);
}

Arch NatsSssSpace::sample(Rng& rng) const { return at(rng.below(kSize)); }

Arch NatsSssSpace::mutate(const Arch& arch, Rng& rng) const {
  check_arch(arch);
  Arch out = arch;
  const auto k = static_cast<std::size_t>(rng.below(kLayers));
  // One of the 7 other widths: skip over the current one.
  std::int32_t choice = static_cast<std::int32_t>(rng.below(kChoices - 1));
  if (choice >= (arch[k] - kMinWidth) / kStep) ++choice;
  out[k] = kMinWidth + kStep * choice;
  return out;
}

engine::Graph NatsSssSpace::build(const Arch& arch, const NetShape& shape) const {
  check_arch(arch);
  engine::GraphBuilder b;
  engine::NodeId x = b.input({shape.batch, 3, shape.image_size, shape.image_size});
  x = conv_bn(b, x, arch[0], engine::square(3, 1, 1));
  x = nats_cell(b, x, arch[0], shape.counting);
  x = nb201_resnet_block(b, x, arch[1], shape.counting);
  x = nats_cell(b, x, arch[2], shape.counting);
  x = nb201_resnet_block(b, x, arch[3], shape.counting);
  x = nats_cell(b, x, arch[4], shape.counting);
  x = b.relu(b.batch_norm(x), 1);  // lastact: BN + in-place ReLU, one site
  return std::move(b).finish(classifier(b, x, shape.classes));
}

}  // namespace naswot::spaces
