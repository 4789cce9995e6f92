// The explicit table of search spaces: one line per space.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>

#include "naswot/spaces/anynet.h"
#include "naswot/spaces/darts.h"
#include "naswot/spaces/nats_sss.h"
#include "naswot/spaces/nb101.h"
#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"

namespace naswot::spaces {

namespace {

struct Entry {
  std::string_view name;
  std::function<std::unique_ptr<const SearchSpace>()> make;
  // For spaces with a stem width to set (SpaceOptions::stem_channels); null for the others.
  std::function<std::unique_ptr<const SearchSpace>(std::int64_t)> make_with_stem_channels = nullptr;
};

const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries = {
      {"nb201", [] { return std::make_unique<Nb201Space>(); }},
      {"natsss", [] { return std::make_unique<NatsSssSpace>(); }},
      {"nb101", [] { return std::make_unique<Nb101Space>(); },
       [](std::int64_t c) { return std::make_unique<Nb101Space>(c); }},
      {"anynet", [] { return std::make_unique<AnynetSpace>(); }},
      {"darts", [] { return std::make_unique<DartsSpace>(); }},
  };
  return entries;
}

}  // namespace

std::span<const std::string_view> space_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const Entry& e : registry()) v.push_back(e.name);
    return v;
  }();
  return names;
}

std::unique_ptr<const SearchSpace> make_space(std::string_view name, const SpaceOptions& options) {
  for (const Entry& e : registry()) {
    if (e.name != name) continue;
    if (!options.stem_channels) return e.make();
    if (!e.make_with_stem_channels) {
      throw InputError(fmt::format("--stem-channels {}", *options.stem_channels),
                       fmt::format("the {} space has no stem width to set", name));
    }
    return e.make_with_stem_channels(*options.stem_channels);
  }
  throw InputError(fmt::format("--space {}", name),
                   fmt::format("unknown search space (known: {})", fmt::join(space_names(), ", ")));
}

}  // namespace naswot::spaces
