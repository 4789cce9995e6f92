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

// Capability: the space is a finite list in a fixed order. SearchSpace::enumeration() returns
// it for the spaces that have one; code that needs an index asks, and a space that is not a
// list simply returns null (there is no at() to call by mistake).
class Enumeration {  // immutable: all methods const and thread-safe
 public:
  virtual ~Enumeration() = default;
  [[nodiscard]] virtual std::int64_t size() const = 0;
  // The index-th architecture in the space's own order. REQUIRES: 0 <= index < size().
  [[nodiscard]] virtual Arch at(std::int64_t index) const = 0;
  // Inverse of at(). REQUIRES: a valid arch of the space.
  [[nodiscard]] virtual std::int64_t index_of(const Arch& arch) const = 0;
};

// How benchmark tables name this space's architectures: each entry a list of columns whose
// cells, joined by '|', are the row's architecture text (parse() reads it, format() writes it
// back). A table uses the first entry whose columns it has (bench::Table's key).
using TableKeys = std::vector<std::vector<std::string>>;

// Every optional capability has a default, so a new space implements only the pure virtuals.
class SearchSpace {  // immutable: all methods const and thread-safe
 public:
  virtual ~SearchSpace() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Parses the space's text encoding. Throws InputError naming the text and the bad token.
  [[nodiscard]] virtual Arch parse(std::string_view text) const = 0;
  // The canonical text encoding: parse(format(a)) == a.
  [[nodiscard]] virtual std::string format(const Arch& arch) const = 0;
  [[nodiscard]] virtual Arch sample(Rng& rng) const = 0;
  // A random one-edit neighbour (the space's own mutation), different from arch.
  [[nodiscard]] virtual Arch mutate(const Arch& arch, Rng& rng) const = 0;
  [[nodiscard]] virtual engine::Graph build(const Arch& arch, const NetShape& shape) const = 0;

  // The space as a list, or null when it is not enumerable (the default). The pointer lives as
  // long as the space.
  [[nodiscard]] virtual const Enumeration* enumeration() const { return nullptr; }
  // Benchmark-table key columns; default: one `arch` column holding format()'s text.
  [[nodiscard]] virtual TableKeys table_keys() const { return {{"arch"}}; }
  // The architecture of an NDS file's `net` object (bench/nds.h), or nullopt when the space does
  // not read nets of that kind (the default). `file_stem` is the file's name without extension:
  // the reference derives parts of the network from it (reference-semantics.md §3.4), and those
  // rules belong to the space. Throws InputError when the space reads the kind but not this net.
  [[nodiscard]] virtual std::optional<Arch> from_nds(std::string_view net_json,
                                                     std::string_view file_stem) const;
};

// A space's construction options as text, "key=value" pairs separated by ',' (the part after
// the ':' of "nb101:stem=128"). Each space's factory takes the keys it knows; make_space
// rejects whatever is left, so a misspelt or foreign option never passes silently.
class SpaceOptions {
 public:
  SpaceOptions() = default;
  // Throws InputError(source, ...) on a pair without '=' or with an empty key or value, or a
  // repeated key.
  static SpaceOptions parse(std::string_view text, std::string_view source);
  // Adds key=value, named `source` in errors about it (e.g. a CLI flag that sets an option).
  // Throws InputError(source, ...) when the key is already set.
  void set(std::string key, std::string value, std::string source);
  // The integer value of `key`, removed from the options; nullopt when absent. Throws
  // InputError naming the option's source unless it is an integer in [lo, hi].
  [[nodiscard]] std::optional<std::int64_t> take_int(std::string_view key, std::int64_t lo,
                                                     std::int64_t hi);
  [[nodiscard]] bool empty() const { return entries_.empty(); }

  struct Entry {
    std::string key, value, source;
  };
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

// `spec` is a space name, optionally followed by ':' and options ("nb101:stem=128"); `options`
// adds more (both may not set the same key). Throws InputError naming the unknown space and
// listing the known ones, or naming an option the space has no notion of (or rejects).
[[nodiscard]] std::unique_ptr<const SearchSpace> make_space(std::string_view spec,
                                                            SpaceOptions options = {});
[[nodiscard]] std::span<const std::string_view> space_names();

// What `naswot spaces` lists about a registered space.
struct SpaceInfo {
  std::string_view name;
  std::string_view encoding;  // one line: how an architecture is written
  std::string_view options;   // "key=default: meaning, ..."; empty when none
};
[[nodiscard]] std::span<const SpaceInfo> space_infos();

// The first registered space whose from_nds() reads `net_json`, with its architecture; nullopt
// when none does. Throws as the reading space's from_nds().
struct NdsMatch {
  std::unique_ptr<const SearchSpace> space;
  Arch arch;
};
[[nodiscard]] std::optional<NdsMatch> space_for_nds(std::string_view net_json,
                                                    std::string_view file_stem);
// Every registered space's table keys, in registry order without repeats: for reading a table
// when no space is named (correlate, simulate).
[[nodiscard]] TableKeys all_table_keys();

}  // namespace naswot::spaces
