// NDS AnyNet encoding, sampling, mutation and network (reference-semantics.md §3.4.2; pycls's
// anynet.py as the reference vendors it). Network: stem (res_stem_cifar: conv 3x3 s1 -> BN ->
// ReLU; res_stem_in: conv 7x7 s2 p3 -> BN -> ReLU -> max pool 3 s2 p1, so 32 px -> 8 px;
// simple_stem_in: conv 3x3 s2 -> BN -> ReLU), always 12 wide; then the stages' blocks:
// - vanilla_block: conv 3x3 (stride) -> BN -> ReLU -> conv 3x3 -> BN -> ReLU;
// - res_basic_block: ReLU(shortcut + f), f = conv 3x3 (stride) -> BN -> ReLU -> conv 3x3 -> BN;
// - res_bottleneck_block: ReLU(shortcut + f), f = conv 1x1 -> BN -> ReLU -> conv 3x3 (stride,
//   w_b // gw groups) -> BN -> ReLU -> conv 1x1 -> BN, w_b = round(w * bm) (Python round);
// the shortcut is conv 1x1 (stride) -> BN when the width or the stride changes, else the
// identity; then global average pool -> linear (bias). Nodes are added in pycls's construction
// order (the projection before f), which fixes each conv's weight stream. Every nn.ReLU is one
// hook site and all are live, so the site counting mode does not matter here. The config
// rewriting of the reference (bot_muls -> bms, num_gs -> gws, stem_w = 12, nc = 1, se_r = None,
// double_plain_block -> vanilla_block) is applied by parse() (anynet_parse.cpp); the stem rule
// that depends on the NDS file name is nds_reference_stem(), applied by from_nds().
#include "naswot/spaces/anynet.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <cmath>
#include <functional>
#include <numeric>
#include <utility>

#include "anynet_parse.h"
#include "naswot/util/error.h"
#include "spaces/nds_net.h"

namespace naswot::spaces {

namespace {

using engine::NodeId;
using engine::WeightInit;
using Fraction = std::pair<std::int32_t, std::int32_t>;  // numerator, denominator

constexpr std::size_t kHeaderGenes = 3, kGenesPerStage = 6;

// The grids of sample() and mutate() (docs/semantics.md "NDS AnyNet"): NDS's ResNet/Vanilla
// and ResNeXt-A choices, with bottleneck ratios 1, 2, 4 as multipliers.
constexpr std::array<std::int32_t, 9> kResNetDepths = {1, 2, 3, 4, 6, 8, 12, 16, 24};
constexpr std::array<std::int32_t, 12> kResNetWidths = {16, 24, 32,  40,  48,  64,
                                                        80, 96, 128, 160, 192, 256};
constexpr std::array<std::int32_t, 5> kResNextDepths = {1, 2, 4, 8, 16};
constexpr std::array<std::int32_t, 5> kResNextWidths = {16, 32, 64, 128, 256};
constexpr std::array<Fraction, 3> kResNextBms = {{{1, 4}, {1, 2}, {1, 1}}};
constexpr std::array<std::int32_t, 3> kResNextGroupWidths = {1, 2, 4};

// Python's round() of a double: to nearest, ties to even.
std::int64_t python_round(double x) {
  const double lower = std::floor(x);
  const double diff = x - lower;
  const bool up = diff > 0.5 || (diff == 0.5 && std::fmod(lower, 2.0) != 0.0);
  return static_cast<std::int64_t>(up ? lower + 1.0 : lower);
}

AnynetConfig checked(const Arch& arch) {
  AnynetConfig config = anynet_config(arch);
  NASWOT_CHECK(anynet_invalid_reason(config).empty());
  return config;
}

NodeId conv_bn(engine::GraphBuilder& b, NodeId x, std::int64_t c_out, engine::Window w) {
  return b.batch_norm(b.conv(x, c_out, w, WeightInit::kKaimingNormalFanOut));
}

NodeId relu(engine::GraphBuilder& b, NodeId x) { return b.relu(x, 1); }  // one nn.ReLU site

NodeId stem(engine::GraphBuilder& b, NodeId x, AnynetStem type) {
  const std::int64_t w = AnynetSpace::kStemWidth;
  switch (type) {
    case AnynetStem::kResStemCifar:
      return relu(b, conv_bn(b, x, w, engine::square(3, 1, 1)));
    case AnynetStem::kResStemIn:
      return b.max_pool(relu(b, conv_bn(b, x, w, engine::square(7, 2, 3))),
                        engine::square(3, 2, 1));
    case AnynetStem::kSimpleStemIn:
      return relu(b, conv_bn(b, x, w, engine::square(3, 2, 1)));
  }
  NASWOT_CHECK(false && "unknown stem");
  return x;
}

NodeId block(engine::GraphBuilder& b, NodeId x, AnynetBlock type, const AnynetStage& st,
             std::int64_t stride) {
  const std::int64_t w = st.width;
  if (type == AnynetBlock::kVanilla) {
    const NodeId a = relu(b, conv_bn(b, x, w, engine::square(3, stride, 1)));
    return relu(b, conv_bn(b, a, w, engine::square(3, 1, 1)));
  }
  // The projection is constructed before f (its weights come first).
  const bool project = b.shape(x).c != w || stride != 1;
  const NodeId shortcut = project ? conv_bn(b, x, w, engine::square(1, stride, 0)) : x;
  NodeId f = x;
  if (type == AnynetBlock::kResBasic) {
    const NodeId a = relu(b, conv_bn(b, x, w, engine::square(3, stride, 1)));
    f = conv_bn(b, a, w, engine::square(3, 1, 1));
  } else {
    const std::int64_t w_b = anynet_bottleneck_width(w, st.bm_num, st.bm_den);
    engine::Window grouped = engine::square(3, stride, 1);
    grouped.groups = w_b / st.group_width;
    const NodeId a = relu(b, conv_bn(b, x, w_b, engine::square(1, 1, 0)));
    const NodeId c = relu(b, conv_bn(b, a, w_b, grouped));
    f = conv_bn(b, c, w, engine::square(1, 1, 0));
  }
  const NodeId terms[] = {shortcut, f};
  return relu(b, b.add(terms));
}

// The grid values next to v: the largest below and the smallest above, when they exist.
template <typename T, std::size_t N, typename Less>
std::vector<T> neighbours(const std::array<T, N>& grid, const T& v, Less less) {
  std::vector<T> out;
  std::optional<T> below, above;
  for (const T& g : grid) {
    if (less(g, v) && (!below || less(*below, g))) below = g;
    if (less(v, g) && (!above || less(g, *above))) above = g;
  }
  if (below) out.push_back(*below);
  if (above) out.push_back(*above);
  return out;
}

template <typename T, std::size_t N>
const T& pick(const std::array<T, N>& grid, Rng& rng) {
  return grid[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(N)))];
}

}  // namespace

AnynetConfig anynet_config(const Arch& arch) {
  NASWOT_CHECK(arch.size() >= kHeaderGenes);
  NASWOT_CHECK(arch[0] >= 0 && arch[0] < static_cast<std::int32_t>(kAnynetBlockNames.size()));
  NASWOT_CHECK(arch[1] >= 0 && arch[1] < static_cast<std::int32_t>(kAnynetStemNames.size()));
  NASWOT_CHECK(arch[2] >= 0 && arch.size() == kHeaderGenes + kGenesPerStage * arch[2]);
  AnynetConfig config{static_cast<AnynetBlock>(arch[0]), static_cast<AnynetStem>(arch[1]), {}};
  for (std::size_t g = kHeaderGenes; g < arch.size(); g += kGenesPerStage) {
    config.stages.push_back(
        {arch[g], arch[g + 1], arch[g + 2], arch[g + 3], arch[g + 4], arch[g + 5]});
  }
  return config;
}

Arch anynet_genes(const AnynetConfig& config) {
  Arch arch = {static_cast<std::int32_t>(config.block), static_cast<std::int32_t>(config.stem),
               static_cast<std::int32_t>(config.stages.size())};
  for (const AnynetStage& st : config.stages) {
    arch.insert(arch.end(), {st.depth, st.width, st.stride, st.bm_num, st.bm_den, st.group_width});
  }
  return arch;
}

std::int64_t anynet_bottleneck_width(std::int64_t width, std::int32_t bm_num, std::int32_t bm_den) {
  NASWOT_CHECK(bm_den > 0);
  const double bm = static_cast<double>(bm_num) / static_cast<double>(bm_den);
  return python_round(static_cast<double>(width) * bm);
}

std::string anynet_invalid_reason(const AnynetConfig& config) {
  const std::size_t n = config.stages.size();
  if (n == 0 || n > static_cast<std::size_t>(AnynetSpace::kMaxStages)) {
    return fmt::format("{} stages, expected 1 to {}", n, AnynetSpace::kMaxStages);
  }
  const bool bottleneck = config.block == AnynetBlock::kResBottleneck;
  const std::string_view block_name = kAnynetBlockNames[static_cast<std::size_t>(config.block)];
  for (std::size_t k = 0; k < n; ++k) {
    const AnynetStage& st = config.stages[k];
    const std::size_t i = k + 1;
    if (st.depth < 1 || st.depth > AnynetSpace::kMaxDepth) {
      return fmt::format("stage {} depth {} is not in 1..{}", i, st.depth, AnynetSpace::kMaxDepth);
    }
    if (st.width < 1 || st.width > AnynetSpace::kMaxWidth) {
      return fmt::format("stage {} width {} is not in 1..{}", i, st.width, AnynetSpace::kMaxWidth);
    }
    if (st.stride != 1 && st.stride != 2) {
      return fmt::format("stage {} stride {} is not 1 or 2", i, st.stride);
    }
    if (!bottleneck) {
      if (st.bm_num != 0 || st.bm_den != 0 || st.group_width != 0) {
        return fmt::format("{} takes no bms or gws", block_name);
      }
      continue;
    }
    if (st.bm_num < 1 || st.bm_den < 1 || st.bm_den > AnynetSpace::kMaxBmDen ||
        st.bm_num > 64 * static_cast<std::int64_t>(st.bm_den) ||
        std::gcd(st.bm_num, st.bm_den) != 1) {
      return fmt::format(
          "stage {} bottleneck multiplier {}/{} is not a reduced fraction in "
          "(0, 64]",
          i, st.bm_num, st.bm_den);
    }
    const std::int64_t w_b = anynet_bottleneck_width(st.width, st.bm_num, st.bm_den);
    const std::string bm = anynet_format_fraction(st.bm_num, st.bm_den);
    if (w_b < 1) {
      return fmt::format("stage {} bottleneck width round({} * {}) is 0", i, st.width, bm);
    }
    if (st.group_width < 1 || st.group_width > AnynetSpace::kMaxWidth) {
      return fmt::format("stage {} group width {} is not in 1..{}", i, st.group_width,
                         AnynetSpace::kMaxWidth);
    }
    const std::int64_t groups = w_b / st.group_width;
    if (groups < 1) {
      return fmt::format("stage {} group width {} exceeds the bottleneck width {} (0 groups)", i,
                         st.group_width, w_b);
    }
    if (w_b % groups != 0) {
      return fmt::format(
          "stage {} bottleneck width {} (= round({} * {})) is not divisible by its {} // {} = "
          "{} groups",
          i, w_b, st.width, bm, w_b, st.group_width, groups);
    }
  }
  return "";
}

std::string_view nds_reference_stem(std::string_view nds_name) {
  return nds_name.find("ResN") != std::string_view::npos ? "res_stem_in" : "simple_stem_in";
}

std::optional<Arch> AnynetSpace::from_nds(std::string_view net_json,
                                          std::string_view file_stem) const {
  nlohmann::json net = parse_nds_net(net_json);
  if (net.contains("genotype")) return std::nullopt;
  net["stem_type"] = nds_reference_stem(file_stem);
  return parse(net.dump());
}

Arch AnynetSpace::parse(std::string_view text) const { return anynet_genes(parse_anynet(text)); }

std::string AnynetSpace::format(const Arch& arch) const {
  const AnynetConfig config = checked(arch);
  std::vector<std::int32_t> ds, ws, ss, gws;
  std::vector<std::string> bms;
  for (const AnynetStage& st : config.stages) {
    ds.push_back(st.depth);
    ws.push_back(st.width);
    ss.push_back(st.stride);
    bms.push_back(st.bm_den > 0 ? anynet_format_fraction(st.bm_num, st.bm_den) : "");
    gws.push_back(st.group_width);
  }
  std::string text = fmt::format("{}|stem={}|ds={}|ws={}|ss={}",
                                 kAnynetBlockNames[static_cast<std::size_t>(config.block)],
                                 kAnynetStemNames[static_cast<std::size_t>(config.stem)],
                                 fmt::join(ds, ","), fmt::join(ws, ","), fmt::join(ss, ","));
  if (config.block == AnynetBlock::kResBottleneck) {
    text += fmt::format("|bms={}|gws={}", fmt::join(bms, ","), fmt::join(gws, ","));
  }
  return text;
}

Arch AnynetSpace::sample(Rng& rng) const {
  for (;;) {
    AnynetConfig config;
    config.block = static_cast<AnynetBlock>(rng.below(3));
    config.stem =
        config.block == AnynetBlock::kVanilla ? AnynetStem::kSimpleStemIn : AnynetStem::kResStemIn;
    for (std::int32_t k = 0; k < 3; ++k) {
      AnynetStage st;
      st.stride = k == 0 ? 1 : 2;
      if (config.block != AnynetBlock::kResBottleneck) {
        st.depth = pick(kResNetDepths, rng);
        st.width = pick(kResNetWidths, rng);
      } else {
        st.depth = pick(kResNextDepths, rng);
        st.width = pick(kResNextWidths, rng);
        std::tie(st.bm_num, st.bm_den) = pick(kResNextBms, rng);
        st.group_width = pick(kResNextGroupWidths, rng);
      }
      config.stages.push_back(st);
    }
    if (anynet_invalid_reason(config).empty()) return anynet_genes(config);
  }
}

Arch AnynetSpace::mutate(const Arch& arch, Rng& rng) const {
  const AnynetConfig config = checked(arch);
  const bool bottleneck = config.block == AnynetBlock::kResBottleneck;
  std::vector<AnynetConfig> edits;  // valid single edits
  auto consider = [&](std::size_t k, const std::function<void(AnynetStage&)>& edit) {
    AnynetConfig next = config;
    edit(next.stages[k]);
    if (next != config && anynet_invalid_reason(next).empty()) edits.push_back(std::move(next));
  };
  const auto int_less = [](std::int32_t a, std::int32_t b) { return a < b; };
  const auto frac_less = [](const Fraction& a, const Fraction& b) {
    return static_cast<std::int64_t>(a.first) * b.second <
           static_cast<std::int64_t>(b.first) * a.second;
  };
  for (std::size_t k = 0; k < config.stages.size(); ++k) {
    const AnynetStage& st = config.stages[k];
    const auto depths = bottleneck ? neighbours(kResNextDepths, st.depth, int_less)
                                   : neighbours(kResNetDepths, st.depth, int_less);
    const auto widths = bottleneck ? neighbours(kResNextWidths, st.width, int_less)
                                   : neighbours(kResNetWidths, st.width, int_less);
    for (std::int32_t d : depths) consider(k, [d](AnynetStage& s) { s.depth = d; });
    for (std::int32_t w : widths) consider(k, [w](AnynetStage& s) { s.width = w; });
    if (!bottleneck) continue;
    for (const Fraction& bm : neighbours(kResNextBms, Fraction{st.bm_num, st.bm_den}, frac_less)) {
      consider(k, [bm](AnynetStage& s) { std::tie(s.bm_num, s.bm_den) = bm; });
    }
    for (std::int32_t gw : neighbours(kResNextGroupWidths, st.group_width, int_less)) {
      consider(k, [gw](AnynetStage& s) { s.group_width = gw; });
    }
  }
  NASWOT_CHECK(!edits.empty());  // a depth always has a neighbour, and any depth is valid
  return anynet_genes(
      edits[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(edits.size())))]);
}

engine::Graph AnynetSpace::build(const Arch& arch, const NetShape& shape) const {
  const AnynetConfig config = checked(arch);
  engine::GraphBuilder b;
  NodeId x = b.input({shape.batch, 3, shape.image_size, shape.image_size});
  x = stem(b, x, config.stem);
  for (const AnynetStage& st : config.stages) {
    for (std::int32_t i = 0; i < st.depth; ++i)
      x = block(b, x, config.block, st, i == 0 ? st.stride : 1);
  }
  const NodeId logits =
      b.linear(b.global_avg_pool(x), shape.classes, /*bias=*/true, WeightInit::kNormal001);
  return std::move(b).finish(logits);
}

}  // namespace naswot::spaces
