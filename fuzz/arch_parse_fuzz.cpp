// Fuzzes the architecture parsers of every registered space. A string either fails with
// InputError or parses to an architecture that formats back to text parsing to the same genes.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "naswot/spaces/space.h"
#include "naswot/util/error.h"

namespace {

const std::vector<std::unique_ptr<const naswot::spaces::SearchSpace>>& spaces() {
  static const auto all = [] {
    std::vector<std::unique_ptr<const naswot::spaces::SearchSpace>> v;
    for (std::string_view name : naswot::spaces::space_names()) {
      v.push_back(naswot::spaces::make_space(name));
    }
    return v;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& space : spaces()) {
    naswot::spaces::Arch arch;
    try {
      arch = space->parse(text);
    } catch (const naswot::InputError&) {
      continue;
    }
    const std::string formatted = space->format(arch);
    if (space->parse(formatted) != arch) __builtin_trap();  // format/parse must round-trip
    if (const naswot::spaces::Enumeration* list = space->enumeration()) {
      const std::int64_t index = list->index_of(arch);
      if (index < 0 || index >= list->size() || list->at(index) != arch) __builtin_trap();
    }
  }
  return 0;
}
