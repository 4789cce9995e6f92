// Search spaces. A space is an immutable object that encodes, enumerates, samples and mutates
// architectures and builds each one's network as an engine::Graph, exactly as the reference
// builds it (reference-semantics.md §3). It knows nothing of oneDNN, scores or the CLI.
// Adding a space = spaces/<name>.{h,cpp} + one line in registry.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "naswot/engine/graph.h"
#include "naswot/util/rng.h"

namespace naswot::spaces {

using Arch = std::vector<std::int32_t>;  // space-defined genes; equal genes = same network

// Which ReLUs count, and how often (reference-semantics.md §1.2).
enum class SiteCounting : std::int8_t {
  kReference,  // every module whose class name contains "ReLU": ReLUConvBN counts twice
  kUnique,     // each nn.ReLU once (the paper's definition; NASLib's implementation)
};

struct NetShape {
  std::int64_t batch = 128;
  std::int64_t image_size = 32;  // square images, 3 channels
  std::int64_t classes = 1;      // the reference's 1-output head
  SiteCounting counting = SiteCounting::kReference;
};

class SearchSpace {  // immutable: all methods const and thread-safe
 public:
  virtual ~SearchSpace() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Number of architectures; nullopt when the space is not enumerable.
  [[nodiscard]] virtual std::optional<std::int64_t> size() const = 0;
  // The index-th architecture in the space's own enumeration order. REQUIRES: index < *size().
  [[nodiscard]] virtual Arch at(std::int64_t index) const = 0;
  // Inverse of at(). REQUIRES: the space is enumerable and arch valid.
  [[nodiscard]] virtual std::int64_t index_of(const Arch& arch) const = 0;
  // Parses the space's text encoding. Throws InputError naming the text and the bad token.
  [[nodiscard]] virtual Arch parse(std::string_view text) const = 0;
  // The canonical text encoding: parse(format(a)) == a.
  [[nodiscard]] virtual std::string format(const Arch& arch) const = 0;
  [[nodiscard]] virtual Arch sample(Rng& rng) const = 0;
  // A random one-edit neighbour (the space's own mutation), different from arch.
  [[nodiscard]] virtual Arch mutate(const Arch& arch, Rng& rng) const = 0;
  [[nodiscard]] virtual engine::Graph build(const Arch& arch, const NetShape& shape) const = 0;
};

// Construction settings that only some spaces have; unset = the space's default.
struct SpaceOptions {
  std::optional<std::int64_t> stem_channels;  // nb101: width of the stem and stack 0
};

// Throws InputError naming the unknown space and listing the known ones, or naming an option
// the space has no notion of (or rejects).
[[nodiscard]] std::unique_ptr<const SearchSpace> make_space(std::string_view name,
                                                            const SpaceOptions& options = {});
[[nodiscard]] std::span<const std::string_view> space_names();

}  // namespace naswot::spaces
