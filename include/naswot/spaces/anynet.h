// NDS AnyNet (reference-semantics.md §3.4.2): the ResNet, ResNeXt-A/B and Vanilla design spaces
// of "On Network Design Spaces for Visual Recognition", built by pycls's AnyNet. A network is a
// stem (width 12, as the reference forces) and stages of d_i blocks of width w_i, the first with
// stride s_i; bottleneck blocks add a bottleneck multiplier bm_i (inner width round(w_i * bm_i),
// Python rounding) and a group width gw_i (groups = inner width // gw_i, as pycls reads `gws`).
//
// Text encoding (canonical; format() writes it, parse() also takes the NDS `net` JSON object):
//   res_bottleneck_block|stem=res_stem_in|ds=1,2,4|ws=32,64,128|ss=1,2,2|bms=0.25,0.5,1|gws=1,2,4
//   res_basic_block|stem=res_stem_in|ds=2,2,2|ws=16,32,64|ss=1,2,2
// The block type first, then the fields in this order (parse() takes them in any order);
// bms and gws only for res_bottleneck_block. A bottleneck multiplier is a decimal ("0.25") or a
// fraction ("1/3"), kept exactly as a reduced fraction whose double is the reference's float.
//
// Genes: [block, stem, S, then per stage d, w, s, bm numerator, bm denominator, gw] with
// AnynetBlock / AnynetStem ids; the bm and gw genes are 0 for blocks without them.
// Not enumerable.
#pragma once

#include <string_view>

#include "naswot/spaces/space.h"

namespace naswot::spaces {

enum class AnynetBlock : std::int32_t { kVanilla = 0, kResBasic = 1, kResBottleneck = 2 };
enum class AnynetStem : std::int32_t { kResStemCifar = 0, kResStemIn = 1, kSimpleStemIn = 2 };

struct AnynetStage {
  std::int32_t depth = 1;        // blocks
  std::int32_t width = 16;       // output channels of every block
  std::int32_t stride = 1;       // of the first block
  std::int32_t bm_num = 0;       // bottleneck multiplier bm_num / bm_den (0/0: none)
  std::int32_t bm_den = 0;       //
  std::int32_t group_width = 0;  // gw (0: none)
  friend bool operator==(const AnynetStage&, const AnynetStage&) = default;
};

struct AnynetConfig {
  AnynetBlock block = AnynetBlock::kResBasic;
  AnynetStem stem = AnynetStem::kResStemIn;
  std::vector<AnynetStage> stages;
  friend bool operator==(const AnynetConfig&, const AnynetConfig&) = default;
};

// Genes <-> config. anynet_config REQUIRES well-formed genes (NASWOT_CHECK).
[[nodiscard]] AnynetConfig anynet_config(const Arch& arch);
[[nodiscard]] Arch anynet_genes(const AnynetConfig& config);

// Why pycls could not build the config (or we refuse it), or "" when it is valid.
[[nodiscard]] std::string anynet_invalid_reason(const AnynetConfig& config);

// The bottleneck width pycls computes: int(round(width * bm)) with bm the double num/den and
// Python's round (ties to even).
[[nodiscard]] std::int64_t anynet_bottleneck_width(std::int64_t width, std::int32_t bm_num,
                                                   std::int32_t bm_den);

// The stem the reference forces for an NDS file (reference-semantics.md §3.4.2): "res_stem_in"
// when the file name (e.g. "ResNeXt-A_in") contains "ResN", else "simple_stem_in". from_nds()
// sets the net's stem_type to it; parse() itself keeps the object's own stem_type.
[[nodiscard]] std::string_view nds_reference_stem(std::string_view nds_name);

class AnynetSpace final : public SearchSpace {
 public:
  static constexpr std::int64_t kStemWidth = 12;  // the reference's override of stem_w
  static constexpr std::int32_t kMaxStages = 8, kMaxDepth = 128, kMaxWidth = 4096;
  static constexpr std::int32_t kMaxBmDen = 1'000'000;

  [[nodiscard]] std::string_view name() const override { return "anynet"; }
  // NDS nets without a "genotype" (the ResNet, ResNeXt and Vanilla files), with the stem the
  // reference forces for the file (nds_reference_stem(file_stem)).
  [[nodiscard]] std::optional<Arch> from_nds(std::string_view net_json,
                                             std::string_view file_stem) const override;
  // The canonical text, or (text starting with '{') an NDS `net` object with keys block_type,
  // stem_type, ds, ws, ss, bms or bot_muls, gws or num_gs, stem_w, se_r, nc:
  // - `double_plain_block` is read as vanilla_block, as the reference does;
  // - stem_w and nc are accepted and ignored (the stem is 12 wide; classes come from NetShape);
  // - se_r must be null or 0: the reference replaces it by null, but a config that asks for
  //   squeeze-excitation is not a network we build, so it is rejected;
  // - any other key is rejected, as the reference's AnyNet(**config) raises on it;
  // - bms/gws null or [] mean none (needed for vanilla/basic blocks, which assert so).
  // Throws InputError naming the text and the bad field or value.
  [[nodiscard]] Arch parse(std::string_view text) const override;
  [[nodiscard]] std::string format(const Arch& arch) const override;
  // A documented NDS-like distribution (docs/semantics.md "NDS AnyNet"): one of the three
  // families uniformly — Vanilla (vanilla_block, simple_stem_in), ResNet (res_basic_block,
  // res_stem_in), ResNeXt (res_bottleneck_block, res_stem_in) — with 3 stages, strides 1,2,2,
  // and per stage d, w (and bm, gw) drawn uniformly from the family's grids, redrawn until
  // valid.
  [[nodiscard]] Arch sample(Rng& rng) const override;
  // One stage's depth, width, bottleneck multiplier or group width moved to the next lower or
  // higher value of its family's grid, uniformly among the valid such edits.
  [[nodiscard]] Arch mutate(const Arch& arch, Rng& rng) const override;
  // pycls AnyNet as the reference builds it: stem (12 wide), stages, global average pool,
  // linear(w_last -> classes, bias). BN eps 1e-5; convs N(0, sqrt(2 / (k*k*C_out))), the
  // linear N(0, 0.01) with bias 0; every nn.ReLU is one site.
  [[nodiscard]] engine::Graph build(const Arch& arch, const NetShape& shape) const override;
};

}  // namespace naswot::spaces
