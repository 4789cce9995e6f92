// NB201 encoding and network. The string is `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`: node k
// (1..3) lists its k incoming edges in input order. Parsing is strict: every group must list
// exactly inputs 0..k-1 in order with a known op, with nothing before, between or after.
// The network is TinyNetwork with the `cifar10-valid` config: stem conv 3x3 + BN, 3 stages
// of N InferCells separated by ResNet basic blocks (channels doubling), BN + ReLU, global
// pool, linear. Node k of a cell sums op(node j) over its edges; `none` multiplies by 0.
#include "naswot/spaces/nb201.h"

#include <fmt/format.h>

#include <algorithm>

#include "naswot/spaces/blocks.h"
#include "naswot/util/error.h"

namespace naswot::spaces {

namespace {

constexpr int kFromNode[Nb201Space::kEdges] = {0, 0, 1, 0, 1, 2};  // input node of each edge
constexpr int kToNode[Nb201Space::kEdges] = {1, 2, 2, 3, 3, 3};

void check_arch(const Arch& arch) {
  NASWOT_CHECK(arch.size() == Nb201Space::kEdges);
  for (std::int32_t g : arch) NASWOT_CHECK(g >= 0 && g < 5);
}

}  // namespace

std::unique_ptr<const SearchSpace> Nb201Space::create(SpaceOptions& options) {
  const std::int64_t c = options.take_int("C", 1, 4096).value_or(16);
  return std::make_unique<Nb201Space>(c, options.take_int("N", 1, 100).value_or(5));
}

Arch Nb201Space::at(std::int64_t index) const {
  NASWOT_CHECK(index >= 0 && index < 15625);
  Arch arch(kEdges);
  for (int e = kEdges - 1; e >= 0; --e) {
    arch[static_cast<size_t>(e)] = static_cast<std::int32_t>(index % 5);
    index /= 5;
  }
  return arch;
}

std::int64_t Nb201Space::index_of(const Arch& arch) const {
  check_arch(arch);
  std::int64_t index = 0;
  for (std::int32_t g : arch) index = index * 5 + g;
  return index;
}

Arch Nb201Space::parse(std::string_view text) const {
  const std::string input(text);
  auto fail = [&](const std::string& problem) -> InputError {
    return InputError(input, problem + " (expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|)");
  };
  Arch arch;
  std::size_t pos = 0;
  for (int node = 1; node <= 3; ++node) {
    if (node > 1) {
      if (pos >= text.size() || text[pos] != '+')
        throw fail(fmt::format("missing '+' before node {}", node));
      ++pos;
    }
    for (int in = 0; in < node; ++in) {
      if (pos >= text.size() || text[pos] != '|')
        throw fail(fmt::format("missing '|' at position {}", pos));
      ++pos;
      const std::size_t end = text.find('|', pos);
      if (end == std::string_view::npos) throw fail("unterminated edge at end of string");
      const std::string_view token = text.substr(pos, end - pos);
      const std::size_t tilde = token.rfind('~');
      if (tilde == std::string_view::npos)
        throw fail(fmt::format("edge '{}' has no '~input'", token));
      const std::string_view op = token.substr(0, tilde), from = token.substr(tilde + 1);
      const auto it = std::find(kOps.begin(), kOps.end(), op);
      if (it == kOps.end()) throw fail(fmt::format("unknown op '{}'", op));
      if (from != std::to_string(in)) {
        throw fail(fmt::format("edge '{}' of node {} must read input {}", token, node, in));
      }
      arch.push_back(static_cast<std::int32_t>(it - kOps.begin()));
      pos = end;
    }
    if (pos >= text.size() || text[pos] != '|') throw fail("missing closing '|'");
    ++pos;
  }
  if (pos != text.size()) throw fail(fmt::format("trailing text '{}'", text.substr(pos)));
  return arch;
}

std::string Nb201Space::format(const Arch& arch) const {
  check_arch(arch);
  std::string s;
  for (int e = 0; e < kEdges; ++e) {
    if (e > 0 && kFromNode[e] == 0) s += "+";
    s += fmt::format("|{}~{}", kOps[static_cast<size_t>(arch[static_cast<size_t>(e)])],
                     kFromNode[e]);
    if (kToNode[e] != (e + 1 < kEdges ? kToNode[e + 1] : -1)) s += "|";
  }
  return s;
}

Arch Nb201Space::sample(Rng& rng) const { return at(rng.below(15625)); }

Arch Nb201Space::mutate(const Arch& arch, Rng& rng) const {
  // As the reference's mutate_arch: a node uniformly from {1,2,3}, then one of its edges,
  // then a different op uniformly.
  check_arch(arch);
  const int node = 1 + static_cast<int>(rng.below(3));
  const int first_edge = node * (node - 1) / 2;
  const int edge = first_edge + static_cast<int>(rng.below(node));
  Arch out = arch;
  std::int32_t op = out[static_cast<size_t>(edge)];
  while (op == arch[static_cast<size_t>(edge)]) op = static_cast<std::int32_t>(rng.below(5));
  out[static_cast<size_t>(edge)] = op;
  return out;
}

engine::Graph Nb201Space::build(const Arch& arch, const NetShape& shape) const {
  check_arch(arch);
  using engine::NodeId;
  engine::GraphBuilder b;
  NodeId x = b.input({shape.batch, 3, shape.image_size, shape.image_size});
  x = conv_bn(b, x, channels_, engine::square(3, 1, 1));
  std::int64_t c = channels_;
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      c *= 2;
      x = nb201_resnet_block(b, x, c, shape.counting);
    }
    for (std::int64_t cell = 0; cell < cells_; ++cell) {
      NodeId nodes[4] = {x, -1, -1, -1};
      for (int to = 1; to <= 3; ++to) {
        std::vector<NodeId> terms;
        for (int e = 0; e < kEdges; ++e) {
          if (kToNode[e] != to) continue;
          const NodeId in = nodes[kFromNode[e]];
          switch (arch[static_cast<size_t>(e)]) {
            case 0:
              terms.push_back(b.zero(in));
              break;
            case 1:
              terms.push_back(in);
              break;
            case 2:
              terms.push_back(relu_conv_bn(b, in, c, engine::square(1, 1, 0), shape.counting));
              break;
            case 3:
              terms.push_back(relu_conv_bn(b, in, c, engine::square(3, 1, 1), shape.counting));
              break;
            default:
              terms.push_back(b.avg_pool(in, engine::square(3, 1, 1)));
              break;
          }
        }
        nodes[to] = b.add(terms);
      }
      x = nodes[3];
    }
  }
  x = b.relu(b.batch_norm(x), 1);  // lastact: BN + in-place ReLU, one site
  return std::move(b).finish(classifier(b, x, shape.classes));
}

}  // namespace naswot::spaces
