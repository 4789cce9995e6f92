// The explicit table of search spaces: one line per space (name, how to make it from its
// options, and what `naswot spaces` says about it), plus the lookups that ask every space in
// turn (NDS nets, table keys) so that no code outside spaces/ has to name one.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>

#include "naswot/spaces/anynet.h"
#include "naswot/spaces/darts.h"
#include "naswot/spaces/nats_sss.h"
#include "naswot/spaces/nb101.h"
#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"

namespace naswot::spaces {

namespace {

using Factory = std::unique_ptr<const SearchSpace> (*)(SpaceOptions& options);

struct Entry {
  SpaceInfo info;
  Factory make;
};

template <class Space>
std::unique_ptr<const SearchSpace> make_plain(SpaceOptions&) {
  return std::make_unique<Space>();
}

const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries = {
      {{"nb201", "|op~0|+|op~0|op~1|+|op~0|op~1|op~2| (NAS-Bench-201 cell string)",
        "C=16: channels of the first stage, N=5: cells per stage"},
       &Nb201Space::create},
      {{"natsss", "C1:C2:C3:C4:C5, widths from 8..64 in steps of 8 (NATS-Bench SSS)", ""},
       &make_plain<NatsSssSpace>},
      {{"nb101", "ADJ|OPS: V*V adjacency 0/1 characters, then V comma-separated ops",
        "stem=16: width of the stem and first stack (128 = the official network), stacks=3, "
        "cells=3: cells per stack"},
       &Nb101Space::create},
      {{"anynet", "block|stem=..|ds=..|ws=..|ss=..[|bms=..|gws=..], or an NDS net object", ""},
       &make_plain<AnynetSpace>},
      {{"darts",
        "Genotype(normal=[..], normal_concat=[..], reduce=[..], reduce_concat=[..]) "
        "C=32 L=8 [net=imagenet], or an NDS net object",
        "C=32: width of the first cells, L=8: cells"},
       &DartsSpace::create},
  };
  return entries;
}

}  // namespace

std::optional<Arch> SearchSpace::from_nds(std::string_view, std::string_view) const {
  return std::nullopt;
}

SpaceOptions SpaceOptions::parse(std::string_view text, std::string_view source) {
  SpaceOptions options;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find(',', pos), text.size());
    const std::string_view pair = text.substr(pos, end - pos);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == pair.size()) {
      throw InputError(source, fmt::format("option '{}' is not key=value", pair));
    }
    options.set(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)),
                std::string(source));
    pos = end + 1;
  }
  return options;
}

void SpaceOptions::set(std::string key, std::string value, std::string source) {
  for (const Entry& e : entries_) {
    if (e.key == key) throw InputError(source, fmt::format("option '{}' is set twice", key));
  }
  entries_.push_back({std::move(key), std::move(value), std::move(source)});
}

std::optional<std::int64_t> SpaceOptions::take_int(std::string_view key, std::int64_t lo,
                                                   std::int64_t hi) {
  const auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  if (it == entries_.end()) return std::nullopt;
  std::int64_t v = 0;
  const char* last = it->value.data() + it->value.size();
  const auto [ptr, ec] = std::from_chars(it->value.data(), last, v);
  if (ec != std::errc{} || ptr != last || v < lo || v > hi) {
    throw InputError(it->source, fmt::format("option {}={} is not an integer in {}..{}", key,
                                             it->value, lo, hi));
  }
  entries_.erase(it);
  return v;
}

std::span<const std::string_view> space_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const SpaceInfo& info : space_infos()) v.push_back(info.name);
    return v;
  }();
  return names;
}

std::span<const SpaceInfo> space_infos() {
  static const std::vector<SpaceInfo> infos = [] {
    std::vector<SpaceInfo> v;
    for (const Entry& e : registry()) v.push_back(e.info);
    return v;
  }();
  return infos;
}

std::unique_ptr<const SearchSpace> make_space(std::string_view spec, SpaceOptions options) {
  const std::size_t colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  for (const Entry& e : registry()) {
    if (e.info.name != name) continue;
    if (colon != std::string_view::npos) {
      const SpaceOptions given = SpaceOptions::parse(spec.substr(colon + 1), spec);
      for (const SpaceOptions::Entry& o : given.entries()) options.set(o.key, o.value, o.source);
    }
    auto space = e.make(options);
    if (!options.empty()) {
      const SpaceOptions::Entry& o = options.entries().front();
      throw InputError(
          o.source,
          fmt::format("the {} space has no option '{}' ({})", name, o.key,
                      e.info.options.empty() ? std::string_view("it takes none") : e.info.options));
    }
    return space;
  }
  throw InputError(spec,
                   fmt::format("unknown search space (known: {})", fmt::join(space_names(), ", ")));
}

std::optional<NdsMatch> space_for_nds(std::string_view net_json, std::string_view file_stem) {
  for (const Entry& e : registry()) {
    SpaceOptions none;
    auto space = e.make(none);
    if (auto arch = space->from_nds(net_json, file_stem))
      return NdsMatch{std::move(space), std::move(*arch)};
  }
  return std::nullopt;
}

TableKeys all_table_keys() {
  TableKeys keys;
  for (const Entry& e : registry()) {
    SpaceOptions none;
    for (auto& key : e.make(none)->table_keys()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
    }
  }
  return keys;
}

}  // namespace naswot::spaces
