// Internal to the anynet space: the parser (anynet_parse.cpp) and the names and multiplier
// format it shares with anynet.cpp.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "naswot/spaces/anynet.h"

namespace naswot::spaces {

// Indexed by AnynetBlock / AnynetStem.
inline constexpr std::array<std::string_view, 3> kAnynetBlockNames = {
    "vanilla_block", "res_basic_block", "res_bottleneck_block"};
inline constexpr std::array<std::string_view, 3> kAnynetStemNames = {
    "res_stem_cifar", "res_stem_in", "simple_stem_in"};

// A bottleneck multiplier num/den as text: the exact decimal ("0.25", "1") when den divides
// 10^6, else "num/den" ("1/3"). REQUIRES: den >= 1.
[[nodiscard]] std::string anynet_format_fraction(std::int32_t num, std::int32_t den);

// The canonical text or (text starting with '{') an NDS `net` object as a valid config
// (AnynetSpace::parse). Throws InputError(text, problem).
[[nodiscard]] AnynetConfig parse_anynet(std::string_view text);

}  // namespace naswot::spaces
