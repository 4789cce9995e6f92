// The explicit table of search spaces: one line per space.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>

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
};

const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries = {
      {"nb201", [] { return std::make_unique<Nb201Space>(); }},
      {"natsss", [] { return std::make_unique<NatsSssSpace>(); }},
      {"nb101", [] { return std::make_unique<Nb101Space>(); }},
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

std::unique_ptr<const SearchSpace> make_space(std::string_view name) {
  for (const Entry& e : registry()) {
    if (e.name == name) return e.make();
  }
  throw InputError(fmt::format("--space {}", name),
                   fmt::format("unknown search space (known: {})", fmt::join(space_names(), ", ")));
}

}  // namespace naswot::spaces
