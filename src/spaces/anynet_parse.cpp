// Parsing of NDS AnyNet configs (anynet.h): the canonical text and the NDS `net` JSON object,
// with the reference's config rewriting (reference-semantics.md §3.4.2): bot_muls -> bms,
// num_gs -> gws, double_plain_block -> vanilla_block, stem_w and nc overridden (so ignored),
// se_r dropped (so only null/0 accepted here), any other key an error. Bottleneck multipliers
// become the reduced fraction whose double is the reference's float.
#include "anynet_parse.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "naswot/util/error.h"

namespace naswot::spaces {

namespace {

using Fraction = std::pair<std::int32_t, std::int32_t>;  // numerator, denominator

constexpr std::int64_t kDecimalScale = 1'000'000;  // bms in text: at most 6 decimals

// The fraction with the smallest denominator whose double is exactly x, if any with a
// denominator up to kMaxBmDen.
std::optional<Fraction> exact_fraction(double x) {
  if (!(x > 0.0) || x > 64.0) return std::nullopt;
  for (std::int64_t den = 1; den <= AnynetSpace::kMaxBmDen; ++den) {
    const double num = std::nearbyint(x * static_cast<double>(den));
    if (num >= 1.0 && num / static_cast<double>(den) == x) {
      return Fraction{static_cast<std::int32_t>(num), static_cast<std::int32_t>(den)};
    }
  }
  return std::nullopt;
}

// A positive decimal integer without sign or leading zeros, at most 9 digits.
std::optional<std::int64_t> parse_count(std::string_view s) {
  if (s.empty() || s.size() > 9 || s[0] == '0' ||
      s.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::stoll(std::string(s));
}

// "0.25" (at most 2 integer and 6 fractional digits), "1", or "1/3"; reduced.
std::optional<Fraction> parse_fraction(std::string_view s) {
  std::int64_t num = 0, den = 1;
  if (const std::size_t slash = s.find('/'); slash != std::string_view::npos) {
    const auto n = parse_count(s.substr(0, slash)), d = parse_count(s.substr(slash + 1));
    if (!n || !d) return std::nullopt;
    num = *n;
    den = *d;
  } else {
    const std::size_t dot = s.find('.');
    const std::string_view whole = s.substr(0, dot);
    const std::string_view frac = dot == std::string_view::npos ? "" : s.substr(dot + 1);
    auto digits = [](std::string_view d) {
      return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
    };
    if (!digits(whole) || whole.size() > 2 || (whole.size() > 1 && whole[0] == '0')) {
      return std::nullopt;
    }
    if (dot != std::string_view::npos && (!digits(frac) || frac.size() > 6)) return std::nullopt;
    num = std::stoll(std::string(whole));
    for (char c : frac) {
      num = num * 10 + (c - '0');
      den *= 10;
    }
  }
  if (num == 0) return std::nullopt;
  const std::int64_t g = std::gcd(num, den);
  num /= g;
  den /= g;
  if (den > AnynetSpace::kMaxBmDen || num > 64 * den) return std::nullopt;
  return Fraction{static_cast<std::int32_t>(num), static_cast<std::int32_t>(den)};
}

// The text as an error message shows it: one line, at most 300 characters.
std::string shown(std::string_view text) {
  std::string s(text.substr(0, 300));
  std::replace_if(
      s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  if (text.size() > 300) s.replace(297, 3, "...");
  return s;
}

// The lists of a config as read from text or JSON, before they are checked and combined.
struct RawConfig {
  std::optional<AnynetBlock> block;
  std::optional<AnynetStem> stem;
  std::optional<std::vector<std::int64_t>> ds, ws, ss, gws;
  std::optional<std::vector<Fraction>> bms;
  std::string ds_key = "ds", ws_key = "ws", ss_key = "ss", bms_key = "bms", gws_key = "gws";
};

std::optional<AnynetBlock> block_of(std::string_view name) {
  if (name == "double_plain_block") return AnynetBlock::kVanilla;  // the reference's rename
  const auto it = std::find(kAnynetBlockNames.begin(), kAnynetBlockNames.end(), name);
  if (it == kAnynetBlockNames.end()) return std::nullopt;
  return static_cast<AnynetBlock>(it - kAnynetBlockNames.begin());
}

std::optional<AnynetStem> stem_of(std::string_view name) {
  const auto it = std::find(kAnynetStemNames.begin(), kAnynetStemNames.end(), name);
  if (it == kAnynetStemNames.end()) return std::nullopt;
  return static_cast<AnynetStem>(it - kAnynetStemNames.begin());
}

using Fail = std::function<InputError(const std::string&)>;

// Checks the lists' presence and lengths and combines them into a valid config.
AnynetConfig assemble(const RawConfig& raw, const Fail& fail) {
  if (!raw.block) throw fail("no block type");
  if (!raw.stem) throw fail("no stem type");
  if (!raw.ds) throw fail(fmt::format("no {}", raw.ds_key));
  if (!raw.ws) throw fail(fmt::format("no {}", raw.ws_key));
  if (!raw.ss) throw fail(fmt::format("no {}", raw.ss_key));
  const std::size_t n = raw.ds->size();
  auto same_length = [&](std::size_t size, const std::string& key) {
    if (size != n) {
      throw fail(fmt::format("{} has {} values but {} has {}", key, size, raw.ds_key, n));
    }
  };
  same_length(raw.ws->size(), raw.ws_key);
  same_length(raw.ss->size(), raw.ss_key);
  if (raw.bms) same_length(raw.bms->size(), raw.bms_key);
  if (raw.gws) same_length(raw.gws->size(), raw.gws_key);
  if (n == 0 || n > static_cast<std::size_t>(AnynetSpace::kMaxStages)) {
    throw fail(fmt::format("{} stages, expected 1 to {}", n, AnynetSpace::kMaxStages));
  }
  AnynetConfig config{*raw.block, *raw.stem, {}};
  const bool bottleneck = config.block == AnynetBlock::kResBottleneck;
  const std::string_view block_name = kAnynetBlockNames[static_cast<std::size_t>(config.block)];
  if (!bottleneck && (raw.bms || raw.gws)) {
    throw fail(fmt::format("{} takes no {} (the reference's block asserts they are empty)",
                           block_name, raw.bms ? raw.bms_key : raw.gws_key));
  }
  if (bottleneck && (!raw.bms || !raw.gws)) {
    throw fail(fmt::format("{} needs {} for every stage", block_name,
                           raw.bms ? raw.gws_key : raw.bms_key));
  }
  // Clamped so that out-of-range values survive into the gene and the range check names them.
  auto gene = [](std::int64_t v) {
    return static_cast<std::int32_t>(std::clamp<std::int64_t>(v, -1, 1'000'000'000));
  };
  for (std::size_t k = 0; k < n; ++k) {
    AnynetStage st{gene((*raw.ds)[k]), gene((*raw.ws)[k]), gene((*raw.ss)[k]), 0, 0, 0};
    if (bottleneck) {
      st.bm_num = (*raw.bms)[k].first;
      st.bm_den = (*raw.bms)[k].second;
      st.group_width = gene((*raw.gws)[k]);
    }
    config.stages.push_back(st);
  }
  if (const std::string why = anynet_invalid_reason(config); !why.empty()) throw fail(why);
  return config;
}

// One "key=v1,v2,..." list of the text form.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t pos = 0;;) {
    const std::size_t end = s.find(sep, pos);
    parts.push_back(s.substr(pos, end == std::string_view::npos ? end : end - pos));
    if (end == std::string_view::npos) return parts;
    pos = end + 1;
  }
}

AnynetConfig parse_text(std::string_view text) {
  const Fail fail = [&](const std::string& problem) {
    return InputError(shown(text),
                      problem +
                          " (expected BLOCK|stem=STEM|ds=D,..|ws=W,..|ss=S,..[|bms=B,..|"
                          "gws=G,..], e.g. res_basic_block|stem=res_stem_in|ds=1,2,2|"
                          "ws=16,32,64|ss=1,2,2)");
  };
  const std::vector<std::string_view> fields = split(text, '|');
  RawConfig raw;
  raw.block = block_of(fields[0]);
  if (!raw.block) {
    throw fail(fmt::format("unknown block type '{}' (known: {}, double_plain_block)", fields[0],
                           fmt::join(kAnynetBlockNames, ", ")));
  }
  for (std::size_t f = 1; f < fields.size(); ++f) {
    const std::string_view field = fields[f];
    const std::size_t eq = field.find('=');
    const std::string_view key = field.substr(0, eq);
    if (eq == std::string_view::npos) throw fail(fmt::format("field '{}' has no '='", field));
    const std::string_view value = field.substr(eq + 1);
    auto once = [&](bool seen) {
      if (seen) throw fail(fmt::format("field '{}' is given twice", key));
    };
    auto counts = [&]() {
      std::vector<std::int64_t> v;
      for (std::string_view item : split(value, ',')) {
        const auto c = parse_count(item);
        if (!c) throw fail(fmt::format("{} value '{}' is not a positive integer", key, item));
        v.push_back(*c);
      }
      return v;
    };
    if (key == "stem") {
      once(raw.stem.has_value());
      raw.stem = stem_of(value);
      if (!raw.stem) {
        throw fail(
            fmt::format("unknown stem '{}' (known: {})", value, fmt::join(kAnynetStemNames, ", ")));
      }
    } else if (key == "ds") {
      once(raw.ds.has_value());
      raw.ds = counts();
    } else if (key == "ws") {
      once(raw.ws.has_value());
      raw.ws = counts();
    } else if (key == "ss") {
      once(raw.ss.has_value());
      raw.ss = counts();
    } else if (key == "gws") {
      once(raw.gws.has_value());
      raw.gws = counts();
    } else if (key == "bms") {
      once(raw.bms.has_value());
      raw.bms.emplace();
      for (std::string_view item : split(value, ',')) {
        const auto bm = parse_fraction(item);
        if (!bm) {
          throw fail(fmt::format(
              "bms value '{}' is not a multiplier in (0, 64] such as 0.25 or 1/3", item));
        }
        raw.bms->push_back(*bm);
      }
    } else {
      throw fail(fmt::format("unknown field '{}' (known: stem, ds, ws, ss, bms, gws)", key));
    }
  }
  return assemble(raw, fail);
}

AnynetConfig parse_json(std::string_view text) {
  const Fail fail = [&](const std::string& problem) { return InputError(shown(text), problem); };
  nlohmann::json net;
  try {
    net = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // syntax, or a number out of range (1e999)
    throw fail(fmt::format("not valid JSON ({})", e.what()));
  }
  if (!net.is_object()) throw fail("not a JSON object (an NDS `net` config)");
  auto integer = [&](const nlohmann::json& v, const std::string& key) -> std::int64_t {
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 1e9) {
        return static_cast<std::int64_t>(d);
      }
    }
    throw fail(fmt::format("{} value {} is not an integer", key, v.dump()));
  };
  auto array = [&](const nlohmann::json& v, const std::string& key) -> const nlohmann::json& {
    if (!v.is_array()) throw fail(fmt::format("{} is {}, not a list", key, v.dump()));
    return v;
  };
  auto integers = [&](const nlohmann::json& v, const std::string& key) {
    std::vector<std::int64_t> out;
    for (const nlohmann::json& item : array(v, key)) out.push_back(integer(item, key));
    return out;
  };
  auto none = [](const nlohmann::json& v) { return v.is_null() || (v.is_array() && v.empty()); };
  RawConfig raw;
  for (const auto& [key, value] : net.items()) {
    if (key == "block_type" || key == "stem_type") {
      if (!value.is_string()) throw fail(fmt::format("{} is {}, not a name", key, value.dump()));
      const std::string name = value.get<std::string>();
      if (key == "block_type") {
        raw.block = block_of(name);
        if (!raw.block) {
          throw fail(fmt::format("unknown block_type '{}' (known: {}, double_plain_block)", name,
                                 fmt::join(kAnynetBlockNames, ", ")));
        }
      } else {
        raw.stem = stem_of(name);
        if (!raw.stem) {
          throw fail(fmt::format("unknown stem_type '{}' (known: {})", name,
                                 fmt::join(kAnynetStemNames, ", ")));
        }
      }
    } else if (key == "ds" || key == "ws" || key == "ss") {
      (key == "ds" ? raw.ds : key == "ws" ? raw.ws : raw.ss) = integers(value, key);
    } else if (key == "bms" || key == "bot_muls") {
      if (net.contains("bms") && net.contains("bot_muls")) {
        throw fail(
            "has both bms and bot_muls (the reference passes bot_muls on as an unknown "
            "key then)");
      }
      raw.bms_key = key;
      if (none(value)) continue;
      raw.bms.emplace();
      for (const nlohmann::json& item : array(value, key)) {
        const auto bm = item.is_number() ? exact_fraction(item.get<double>()) : std::nullopt;
        if (!bm) {
          throw fail(
              fmt::format("{} value {} is not a multiplier in (0, 64] with a denominator "
                          "up to {}",
                          key, item.dump(), AnynetSpace::kMaxBmDen));
        }
        raw.bms->push_back(*bm);
      }
    } else if (key == "gws" || key == "num_gs") {
      if (net.contains("gws") && net.contains("num_gs")) {
        throw fail(
            "has both gws and num_gs (the reference passes num_gs on as an unknown key "
            "then)");
      }
      raw.gws_key = key;
      if (!none(value)) raw.gws = integers(value, key);
    } else if (key == "stem_w" || key == "nc") {
      // Overridden by the reference (stem_w = 12, nc = 1); the head's size is NetShape::classes.
      if (!value.is_null() && !value.is_number()) {
        throw fail(fmt::format("{} is {}, not a number", key, value.dump()));
      }
    } else if (key == "se_r") {
      const bool off = value.is_null() || (value.is_number() && value.get<double>() == 0.0) ||
                       (value.is_boolean() && !value.get<bool>());
      if (!off) {
        throw fail(
            fmt::format("se_r {} asks for squeeze-excitation, which anynet does not "
                        "build (the reference silently drops it)",
                        value.dump()));
      }
    } else {
      throw fail(
          fmt::format("unknown key '{}' (the reference's AnyNet(**net) raises on it; "
                      "known: block_type, stem_type, ds, ws, ss, bms, bot_muls, gws, "
                      "num_gs, stem_w, se_r, nc)",
                      key));
    }
  }
  if (!raw.stem && raw.block) {
    throw fail(
        "no stem_type (the reference sets it from the NDS file name: res_stem_in for ResNet and "
        "ResNeXt files, simple_stem_in otherwise)");
  }
  if (!raw.block) throw fail("no block_type");
  return assemble(raw, fail);
}
}  // namespace

// "0.25", "1", or "1/3" when the denominator does not divide 10^6.
std::string anynet_format_fraction(std::int32_t num, std::int32_t den) {
  if (kDecimalScale % den != 0) return fmt::format("{}/{}", num, den);
  std::string text = fmt::format("{}", num / den);
  const std::int64_t frac = static_cast<std::int64_t>(num % den) * (kDecimalScale / den);
  if (frac == 0) return text;
  std::string digits = fmt::format("{:06d}", frac);
  digits.erase(digits.find_last_not_of('0') + 1);
  return text + "." + digits;
}

AnynetConfig parse_anynet(std::string_view text) {
  const bool json = !text.empty() && text.front() == '{';
  if (!json) return parse_text(text);
  try {
    return parse_json(text);
  } catch (const nlohmann::json::exception& e) {  // a value of an unexpected type or range
    throw InputError(shown(text), fmt::format("bad JSON value ({})", e.what()));
  }
}

}  // namespace naswot::spaces
