// Memory estimates for scoring (memory.h). Scorer::score holds, at its peak, the executor's
// arena, the packed sign codes, and either K next to its int64 distance matrix (hamming.cpp) or
// K next to the LU copy (logdet.cpp): 16 n^2 bytes either way. The arena is the only part whose
// size depends on oneDNN (blocked layouts, scratchpads, liveness reuse), so the estimate
// measures it with two small prepares; everything else is arithmetic on the graph.
#include "naswot/search/memory.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <string>

#include "naswot/engine/executor.h"
#include "naswot/engine/passes.h"
#include "naswot/util/error.h"
#include "naswot/util/rng.h"

namespace naswot::search {

namespace {

constexpr double kMaxBytes = 9.0e18;  // below INT64_MAX: results are clamped here

std::int64_t clamp_bytes(double bytes) {
  return bytes >= kMaxBytes ? static_cast<std::int64_t>(kMaxBytes)
                            : static_cast<std::int64_t>(std::ceil(std::max(bytes, 0.0)));
}

engine::Graph scoring_graph(const spaces::SearchSpace& space, const spaces::Arch& arch,
                            const spaces::NetShape& shape, std::int64_t batch) {
  spaces::NetShape s = shape;
  s.batch = batch;
  return engine::reduce_for_scoring(space.build(arch, s));
}

// The parts that do not depend on oneDNN, for `batch` images of graph g (built at any batch).
void fill_exact_parts(const engine::Graph& g, const spaces::NetShape& shape, double batch,
                      MemoryEstimate& e) {
  e.codes_bytes = clamp_bytes(batch * static_cast<double>(g.n_counted_units()) / 8.0);
  e.kernel_bytes = clamp_bytes(16.0 * batch * batch);
  e.batch_bytes = clamp_bytes(batch * 3.0 * static_cast<double>(shape.image_size) *
                              static_cast<double>(shape.image_size) * 4.0);
}

double gib(std::int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0); }

}  // namespace

MemoryEstimate bound_scoring_memory(const spaces::SearchSpace& space, const spaces::Arch& arch,
                                    const spaces::NetShape& shape) {
  const engine::Graph g = scoring_graph(space, arch, shape, 1);
  double activations = 0.0;  // bytes per image
  for (const engine::Node& n : g.nodes) {
    const double c_padded = static_cast<double>((n.shape.c + 15) / 16 * 16);
    activations += c_padded * static_cast<double>(n.shape.h * n.shape.w) * 4.0;
  }
  const double batch = static_cast<double>(shape.batch);
  MemoryEstimate e;
  e.arena_bytes = clamp_bytes(2.0 * batch * activations + 2.0 * 4.0 * g.n_params());
  fill_exact_parts(g, shape, batch, e);
  return e;
}

MemoryEstimate estimate_scoring_memory(const spaces::SearchSpace& space, const spaces::Arch& arch,
                                       const spaces::NetShape& shape,
                                       const ScorerOptions& options) {
  engine::Executor executor(options.executor);
  const engine::Graph g2 = scoring_graph(space, arch, shape, 2);
  const engine::Graph g4 = scoring_graph(space, arch, shape, 4);
  // Plans are sized on their own; the shared arena only grows, so read each plan's size.
  const auto a2 = static_cast<double>(executor.prepare(g2).arena_bytes());
  const auto a4 = static_cast<double>(executor.prepare(g4).arena_bytes());
  const double per_image = std::max(0.0, (a4 - a2) / 2.0);
  const double fixed = std::max(0.0, a2 - 2.0 * per_image);
  const double batch = static_cast<double>(shape.batch);
  MemoryEstimate e;
  e.arena_bytes = clamp_bytes(fixed + per_image * batch);
  fill_exact_parts(g2, shape, batch, e);
  return e;
}

spaces::Arch largest_arch(const spaces::SearchSpace& space) {
  // Known maxima: the densest cell / the widest channels. Spaces are closed to this layer, so
  // they are named here rather than asked.
  try {
    if (space.name() == "nb201") {
      return space.parse(
          "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
          "nor_conv_3x3~2|");
    }
    if (space.name() == "natsss") return space.parse("64:64:64:64:64");
  } catch (const InputError&) {
    // An encoding changed: fall back to sampling below.
  }
  spaces::NetShape shape;
  shape.batch = 1;
  Rng rng(20240607);
  spaces::Arch best;
  std::int64_t best_bytes = -1;
  for (int k = 0; k < 16; ++k) {
    spaces::Arch arch = space.sample(rng);
    const std::int64_t bytes = bound_scoring_memory(space, arch, shape).arena_bytes;
    if (bytes > best_bytes) {
      best_bytes = bytes;
      best = std::move(arch);
    }
  }
  return best;
}

std::int64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  std::int64_t bytes = pages > 0 && page > 0 ? static_cast<std::int64_t>(pages) * page
                                             : std::numeric_limits<std::int64_t>::max();
  // A container's memory limit binds first (cgroup v2; "max" means none).
  std::ifstream limit("/sys/fs/cgroup/memory.max");
  std::string text;
  if (limit >> text && text != "max") {
    try {
      bytes = std::min<std::int64_t>(bytes, std::stoll(text));
    } catch (const std::exception&) {
      // Unreadable limit: keep the physical size.
    }
  }
  return bytes;
}

void check_batch_memory(const spaces::SearchSpace& space, std::int64_t batch,
                        std::int64_t image_size, const ScorerOptions& options,
                        std::string_view input) {
  NASWOT_CHECK(batch >= 2 && image_size >= 1);
  const std::int64_t have = physical_memory_bytes();
  const spaces::Arch arch = largest_arch(space);
  spaces::NetShape shape;
  shape.batch = batch;
  shape.image_size = image_size;
  shape.counting = options.counting;
  if (bound_scoring_memory(space, arch, shape).total() <= have / 2) return;
  const std::int64_t need = estimate_scoring_memory(space, arch, shape, options).total();
  if (need <= have) return;
  throw InputError(
      input, fmt::format("needs about {:.1f} GiB of memory; this machine has {:.1f} GiB", gib(need),
                         gib(have)));
}

}  // namespace naswot::search
