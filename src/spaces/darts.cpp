// DARTS-family genes, validity, canonical text, sampling, mutation and the network
// (reference-semantics.md §3.4.1; pycls' nas.py / operations.py as NDS and NASWOT use them).
// NetworkCIFAR: stem conv 3x3 -> 3C + BN, then L cells with s0 = s1 = stem; NetworkImageNet:
// stem0 (conv s2 -> C/2, BN, ReLU, conv s2 -> C, BN) and stem1 (ReLU, conv s2, BN), first
// cell with reduction_prev. Cells ⌊L/3⌋ and ⌊2L/3⌋ double C and reduce. A cell preprocesses
// s0 (FactorizedReduce after a reduction, else ReLUConvBN 1x1) and s1 (ReLUConvBN 1x1), adds
// op(state) pairs into nodes and concatenates the concat states; an op is strided when the
// cell reduces and it reads state 0 or 1. Head: global pool, linear. No auxiliary head.
// ReLU sites: every nn.ReLU once; the preprocess ReLUConvBN wrapper once more under
// kReference. Liveness (dead preprocess) is the scoring passes' job. Conv and linear weights
// are declared in PyTorch's construction order, which here is also the forward order.
#include "naswot/spaces/darts.h"

#include <fmt/format.h>

#include <algorithm>

#include "naswot/spaces/blocks.h"
#include "naswot/util/error.h"
#include "spaces/darts_parse.h"
#include "spaces/nds_net.h"

namespace naswot::spaces {

using engine::NodeId;
using engine::Window;

namespace {

constexpr std::int32_t kNumOps = static_cast<std::int32_t>(DartsSpace::kOps.size());

std::int32_t op_id(std::string_view name) {
  const auto it = std::find(DartsSpace::kOps.begin(), DartsSpace::kOps.end(), name);
  NASWOT_CHECK(it != DartsSpace::kOps.end());
  return static_cast<std::int32_t>(it - DartsSpace::kOps.begin());
}

std::string cell_problem(const DartsCell& cell, std::string_view name) {
  if (cell.ops.empty()) return fmt::format("{} has no (op, input) pairs", name);
  if (cell.ops.size() % 2 != 0) {
    return fmt::format("{} has {} (op, input) pairs, an odd number (each node takes two)", name,
                       cell.ops.size());
  }
  if (cell.n_nodes() > DartsSpace::kMaxNodes)
    return fmt::format("{} has {} nodes, more than {}", name, cell.n_nodes(),
                       DartsSpace::kMaxNodes);
  for (std::size_t k = 0; k < cell.ops.size(); ++k) {
    const auto [op, input] = cell.ops[k];
    if (op < 0 || op >= kNumOps) return fmt::format("{} pair {} has no op (id {})", name, k, op);
    const std::int32_t node = static_cast<std::int32_t>(k / 2) + 2;
    if (input < 0 || input >= node) {
      return fmt::format(
          "{} pair {} ('{}', {}): input {} is out of range (node {} reads states 0..{})", name, k,
          DartsSpace::kOps[static_cast<size_t>(op)], input, input, node, node - 1);
    }
  }
  if (cell.concat.empty()) return fmt::format("{}_concat is empty", name);
  for (std::int32_t s : cell.concat) {
    if (s < 0 || s >= cell.n_nodes() + 2) {
      return fmt::format("{}_concat state {} is out of range (states 0..{})", name, s,
                         cell.n_nodes() + 1);
    }
  }
  return "";
}

void push_cell(Arch& arch, const DartsCell& cell) {
  arch.push_back(static_cast<std::int32_t>(2 * cell.ops.size()));
  for (const auto& [op, input] : cell.ops) {
    arch.push_back(op);
    arch.push_back(input);
  }
  arch.push_back(static_cast<std::int32_t>(cell.concat.size()));
  arch.insert(arch.end(), cell.concat.begin(), cell.concat.end());
}

// Reads one cell's genes at `pos`, advancing it. REQUIRES: well-formed lengths.
DartsCell read_cell(const Arch& arch, std::size_t& pos) {
  DartsCell cell;
  NASWOT_CHECK(pos < arch.size());
  const auto n_pairs = static_cast<std::size_t>(arch[pos++]) / 2;
  NASWOT_CHECK(pos + 2 * n_pairs < arch.size());
  for (std::size_t k = 0; k < n_pairs; ++k, pos += 2)
    cell.ops.emplace_back(arch[pos], arch[pos + 1]);
  const auto n_concat = static_cast<std::size_t>(arch[pos++]);
  NASWOT_CHECK(pos + n_concat <= arch.size());
  cell.concat.assign(arch.begin() + static_cast<std::ptrdiff_t>(pos),
                     arch.begin() + static_cast<std::ptrdiff_t>(pos + n_concat));
  pos += n_concat;
  return cell;
}

std::string format_cell(const DartsCell& cell, std::string_view name) {
  std::string s = fmt::format("{}=[", name);
  for (std::size_t k = 0; k < cell.ops.size(); ++k) {
    s += fmt::format("{}('{}', {})", k ? ", " : "",
                     DartsSpace::kOps[static_cast<size_t>(cell.ops[k].first)], cell.ops[k].second);
  }
  s += fmt::format("], {}_concat=[{}]", name, fmt::join(cell.concat, ", "));
  return s;
}

// --- the network -------------------------------------------------------------------------

// Appends the nodes of one genotype's network; `text` names the arch in errors.
class NetBuilder {
 public:
  NetBuilder(const DartsGenotype& g, const NetShape& shape, std::string text)
      : g_(g), shape_(shape), text_(std::move(text)) {}

  engine::Graph build() && {
    const std::int64_t c = g_.channels;
    NodeId x = b_.input({shape_.batch, 3, shape_.image_size, shape_.image_size});
    NodeId s0, s1;
    std::int64_t c_pp, c_p, c_cur = c;
    bool reduction_prev;
    if (g_.net == DartsNet::kCifar) {
      s0 = s1 = conv_bn(b_, x, 3 * c, engine::square(3, 1, 1));
      c_pp = c_p = 3 * c;
      reduction_prev = false;
    } else {
      // stem1's ReLU is in place, so the first cell reads s0 rectified: its preprocess starts
      // with a ReLU anyway, and the sign bits of rectified values are the same.
      x = b_.relu(conv_bn(b_, x, c / 2, engine::square(3, 2, 1)), 1);
      s0 = conv_bn(b_, x, c, engine::square(3, 2, 1));
      s1 = conv_bn(b_, b_.relu(s0, 1), c, engine::square(3, 2, 1));
      c_pp = c_p = c;
      reduction_prev = true;
    }
    for (std::int64_t i = 0; i < g_.cells; ++i) {
      const bool reduction = i == g_.cells / 3 || i == 2 * g_.cells / 3;
      if (reduction) c_cur *= 2;
      const DartsCell& cell = reduction ? g_.reduce : g_.normal;
      const NodeId out = build_cell(cell, i, s0, s1, c_cur, reduction, reduction_prev);
      s0 = s1;
      s1 = out;
      c_pp = c_p;
      c_p = static_cast<std::int64_t>(cell.concat.size()) * c_cur;
      reduction_prev = reduction;
    }
    NASWOT_CHECK(b_.shape(s1).c == c_p && b_.shape(s0).c == c_pp);
    return std::move(b_).finish(classifier(b_, s1, shape_.classes));
  }

 private:
  [[noreturn]] void fail(std::int64_t cell, const std::string& problem) const {
    throw InputError(text_,
                     fmt::format("cell {} at image size {}: {}", cell, shape_.image_size, problem));
  }

  NodeId build_cell(const DartsCell& cell, std::int64_t index, NodeId s0, NodeId s1, std::int64_t c,
                    bool reduction, bool reduction_prev) {
    const SiteCounting counting = shape_.counting;
    std::vector<NodeId> states = {reduction_prev
                                      ? factorized_reduce(b_, s0, c)
                                      : relu_conv_bn(b_, s0, c, engine::square(1, 1, 0), counting),
                                  relu_conv_bn(b_, s1, c, engine::square(1, 1, 0), counting)};
    for (std::size_t k = 0; k < cell.ops.size(); k += 2) {
      NodeId terms[2];
      for (std::size_t e = 0; e < 2; ++e) {
        const auto [op, input] = cell.ops[k + e];
        const std::int64_t stride = reduction && input < 2 ? 2 : 1;
        terms[e] = build_op(op, states[static_cast<size_t>(input)], c, stride, index);
      }
      if (b_.shape(terms[0]) != b_.shape(terms[1])) {
        fail(index, fmt::format("the ops of node {} give {} and {} pixels", k / 2 + 2,
                                size(terms[0]), size(terms[1])));
      }
      states.push_back(b_.add(terms));
    }
    std::vector<NodeId> parts;
    for (std::int32_t s : cell.concat) {
      const NodeId state = states[static_cast<size_t>(s)];
      if (!parts.empty() && !same_pixels(state, parts[0])) {
        fail(index,
             fmt::format("concat of states of {} and {} pixels", size(parts[0]), size(state)));
      }
      parts.push_back(state);
    }
    return parts.size() == 1 ? parts[0] : b_.concat(parts);
  }

  NodeId build_op(std::int32_t op, NodeId x, std::int64_t c, std::int64_t s, std::int64_t cell) {
    switch (op) {
      case 0:  // none
        return b_.zero(x, s);
      case 1:  // skip_connect
        return s == 1 ? x : factorized_reduce(b_, x, c);
      case 2:
      case 3:
      case 4:  // avg_pool_2x2 / 3x3 / 5x5
        return b_.avg_pool(x, pool_window(x, op, s, cell));
      case 5:
      case 6:
      case 7:
      case 8:  // max_pool_2x2 / 3x3 / 5x5 / 7x7
        return b_.max_pool(x, pool_window(x, op, s, cell));
      case 9:
      case 10: {  // conv_1x1, conv_3x3
        const std::int64_t k = op == 9 ? 1 : 3;
        return b_.batch_norm(b_.conv(b_.relu(x, 1), c, engine::square(k, s, (k - 1) / 2)));
      }
      case 11:
      case 12: {  // conv_3x1_1x3, conv_7x1_1x7: 1xk (stride (1, s)) then kx1 (stride (s, 1))
        const std::int64_t k = op == 11 ? 3 : 7;
        Window row, col;
        row.kw = col.kh = k;
        row.stride_w = col.stride_h = s;
        row.pad_l = row.pad_r = col.pad_t = col.pad_b = (k - 1) / 2;
        return b_.batch_norm(b_.conv(b_.conv(b_.relu(x, 1), c, row), c, col));
      }
      case 13:
      case 14:
      case 15:  // sep_conv_3x3 / 5x5 / 7x7
        return separable(separable(x, c, 2 * (op - 13) + 3, s, 1), c, 2 * (op - 13) + 3, 1, 1);
      case 16:
      case 17:  // dil_conv_3x3 / 5x5
        return separable(x, c, op == 16 ? 3 : 5, s, 2);
      case 18:  // dil_sep_conv_3x3
        return separable(separable(x, c, 3, s, 2), c, 3, 1, 2);
      default:
        break;
    }
    NASWOT_CHECK(false && "unknown DARTS op");
    return -1;
  }

  // ReLU -> depthwise k x k (stride s, dilation d, "same" padding) -> 1x1 -> BN: DilConv, and
  // each half of SepConv / DilSepConv.
  NodeId separable(NodeId x, std::int64_t c, std::int64_t k, std::int64_t s, std::int64_t d) {
    Window dw = engine::square(k, s, d * (k - 1) / 2);
    dw.dil_h = dw.dil_w = d;
    dw.groups = c;
    const NodeId depthwise = b_.conv(b_.relu(x, 1), c, dw);
    return b_.batch_norm(b_.conv(depthwise, c, engine::square(1, 1, 0)));
  }

  // The window of pool op 2..8, refusing inputs smaller than it (a 2x2 pool of 1 pixel).
  Window pool_window(NodeId x, std::int32_t op, std::int64_t s, std::int64_t cell) const {
    static constexpr std::int64_t kSize[] = {2, 3, 5, 2, 3, 5, 7};
    const std::int64_t k = kSize[op - 2], pad = (k - 1) / 2;
    const engine::Shape& in = b_.shape(x);
    if (in.h + 2 * pad < k || in.w + 2 * pad < k) {
      fail(cell, fmt::format("{} does not fit {} pixels", DartsSpace::kOps[static_cast<size_t>(op)],
                             size(x)));
    }
    return engine::square(k, s, pad);
  }

  [[nodiscard]] std::string size(NodeId x) const {
    return fmt::format("{}x{}", b_.shape(x).h, b_.shape(x).w);
  }
  [[nodiscard]] bool same_pixels(NodeId a, NodeId b) const {
    return b_.shape(a).h == b_.shape(b).h && b_.shape(a).w == b_.shape(b).w;
  }

  const DartsGenotype& g_;
  const NetShape& shape_;
  std::string text_;
  engine::GraphBuilder b_;
};

}  // namespace

std::string darts_problem(const DartsGenotype& g) {
  if (g.channels < 1 || g.channels > DartsSpace::kMaxChannels)
    return fmt::format("width C={} is out of range (1..{})", g.channels, DartsSpace::kMaxChannels);
  if (g.cells < 1 || g.cells > DartsSpace::kMaxCells)
    return fmt::format("depth L={} is out of range (1..{})", g.cells, DartsSpace::kMaxCells);
  if (g.net == DartsNet::kImageNet && g.channels % 2 != 0)
    return fmt::format("the ImageNet network needs an even width, not C={}", g.channels);
  if (std::string p = cell_problem(g.normal, "normal"); !p.empty()) return p;
  return cell_problem(g.reduce, "reduce");
}

Arch darts_arch(const DartsGenotype& g) {
  NASWOT_CHECK(darts_problem(g).empty());
  Arch arch = {static_cast<std::int32_t>(g.channels), static_cast<std::int32_t>(g.cells),
               static_cast<std::int32_t>(g.net)};
  push_cell(arch, g.normal);
  push_cell(arch, g.reduce);
  return arch;
}

DartsGenotype darts_genotype(const Arch& arch) {
  NASWOT_CHECK(arch.size() >= 3 && (arch[2] == 0 || arch[2] == 1));
  DartsGenotype g;
  g.channels = arch[0];
  g.cells = arch[1];
  g.net = static_cast<DartsNet>(arch[2]);
  std::size_t pos = 3;
  g.normal = read_cell(arch, pos);
  g.reduce = read_cell(arch, pos);
  NASWOT_CHECK(pos == arch.size() && darts_problem(g).empty());
  return g;
}

DartsSpace::DartsSpace(std::int64_t channels, std::int64_t cells)
    : channels_(channels), cells_(cells) {
  if (channels < 1 || channels > kMaxChannels) {
    throw InputError(fmt::format("darts width {}", channels),
                     fmt::format("out of range (1..{})", kMaxChannels));
  }
  if (cells < 1 || cells > kMaxCells) {
    throw InputError(fmt::format("darts depth {}", cells),
                     fmt::format("out of range (1..{})", kMaxCells));
  }
}

std::unique_ptr<const SearchSpace> DartsSpace::create(SpaceOptions& options) {
  const std::int64_t c = options.take_int("C", 1, kMaxChannels).value_or(32);
  return std::make_unique<DartsSpace>(c, options.take_int("L", 1, kMaxCells).value_or(8));
}

std::optional<Arch> DartsSpace::from_nds(std::string_view net_json,
                                         std::string_view file_stem) const {
  nlohmann::json net = parse_nds_net(net_json);
  if (!net.contains("genotype")) return std::nullopt;
  if (file_stem.find("_in") != std::string_view::npos) net["imagenet"] = true;
  return parse(net.dump());
}

Arch DartsSpace::parse(std::string_view text) const {
  DartsGenotype defaults;
  defaults.channels = channels_;
  defaults.cells = cells_;
  const DartsGenotype g = parse_darts(text, defaults);
  if (std::string problem = darts_problem(g); !problem.empty()) throw InputError(text, problem);
  return darts_arch(g);
}

std::string DartsSpace::format(const Arch& arch) const {
  const DartsGenotype g = darts_genotype(arch);
  return fmt::format("Genotype({}, {}) C={} L={}{}", format_cell(g.normal, "normal"),
                     format_cell(g.reduce, "reduce"), g.channels, g.cells,
                     g.net == DartsNet::kImageNet ? " net=imagenet" : "");
}

Arch DartsSpace::sample(Rng& rng) const {
  DartsGenotype g;
  g.channels = channels_;
  g.cells = cells_;
  for (DartsCell* cell : {&g.normal, &g.reduce}) {
    for (std::int32_t node = 2; node < 6; ++node) {
      // Two different states among 0..node-1.
      const auto first = static_cast<std::int32_t>(rng.below(node));
      auto second = static_cast<std::int32_t>(rng.below(node - 1));
      if (second >= first) ++second;
      for (std::int32_t input : {first, second}) {
        const auto op = static_cast<std::size_t>(rng.below(kSampledOps.size()));
        cell->ops.emplace_back(op_id(kSampledOps[op]), input);
      }
    }
    cell->concat = {2, 3, 4, 5};
  }
  return darts_arch(g);
}

Arch DartsSpace::mutate(const Arch& arch, Rng& rng) const {
  DartsGenotype g = darts_genotype(arch);
  DartsCell& cell = rng.below(2) == 0 ? g.normal : g.reduce;
  const auto k = static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(cell.ops.size())));
  auto& [op, input] = cell.ops[k];
  const std::int32_t node = static_cast<std::int32_t>(k / 2) + 2;
  const std::int32_t other = cell.ops[k ^ 1].second;  // the node's other input
  std::vector<std::int32_t> inputs;
  for (std::int32_t s = 0; s < node; ++s) {
    if (s != input && (s != other || other == input)) inputs.push_back(s);
  }
  if (rng.below(2) == 0 && !inputs.empty()) {
    input = inputs[static_cast<size_t>(rng.below(static_cast<std::int64_t>(inputs.size())))];
  } else {
    std::vector<std::int32_t> ops;
    for (std::string_view name : kSampledOps) {
      if (op_id(name) != op) ops.push_back(op_id(name));
    }
    op = ops[static_cast<size_t>(rng.below(static_cast<std::int64_t>(ops.size())))];
  }
  return darts_arch(g);
}

engine::Graph DartsSpace::build(const Arch& arch, const NetShape& shape) const {
  const DartsGenotype g = darts_genotype(arch);
  return NetBuilder(g, shape, format(arch)).build();
}

}  // namespace naswot::spaces
