// Memory that scoring needs, estimated before anything large is allocated, so that a batch size
// the machine cannot hold fails with a clear message instead of std::bad_alloc or the OOM
// killer halfway through a search.
#pragma once

#include <cstdint>
#include <string_view>

#include "naswot/search/scorer.h"
#include "naswot/spaces/space.h"

namespace naswot::search {

// Peak bytes of one Scorer::score() call, by part.
struct MemoryEstimate {
  std::int64_t arena_bytes = 0;   // executor arena: activations, weights, scratch
  std::int64_t codes_bytes = 0;   // packed sign codes (N_A bits per image, duplicates included)
  std::int64_t kernel_bytes = 0;  // K and its integer distances, or K and the LU copy: 16 n^2
  std::int64_t batch_bytes = 0;   // the normalised float input batch
  [[nodiscard]] std::int64_t total() const {
    return arena_bytes + codes_bytes + kernel_bytes + batch_bytes;
  }
};

// Upper bound from the graph's shapes alone, without oneDNN: every node its own buffer (channels
// padded to 16), weights twice (user and reordered), scratch as large as the activations. Cheap
// (builds the graph once); never below the measured estimate for the spaces' layouts.
[[nodiscard]] MemoryEstimate bound_scoring_memory(const spaces::SearchSpace& space,
                                                  const spaces::Arch& arch,
                                                  const spaces::NetShape& shape);

// Measured estimate: the network is prepared at 2 and 4 images on a scratch Executor (with the
// options' threads and precision) and its arena extrapolated linearly to shape.batch
// (activations grow with the batch, weights and per-thread scratch do not); the other parts are
// exact. Allocates a few MiB and costs about two small prepares (~30 ms for NB201 in Release).
[[nodiscard]] MemoryEstimate estimate_scoring_memory(const spaces::SearchSpace& space,
                                                     const spaces::Arch& arch,
                                                     const spaces::NetShape& shape,
                                                     const ScorerOptions& options);

// The network of `space` with the largest memory footprint, for checks made before an
// architecture is known: NB201's all-3x3-conv cell, NATS-SSS's widest channels, otherwise the
// largest by bound_scoring_memory of 16 samples drawn with a fixed seed.
[[nodiscard]] spaces::Arch largest_arch(const spaces::SearchSpace& space);

// Physical memory of this machine in bytes (sysconf), or the cgroup v2 limit when lower.
[[nodiscard]] std::int64_t physical_memory_bytes();

// Throws InputError(input, "needs about X GiB of memory; this machine has Y GiB") when scoring
// largest_arch(space) on `batch` images of image_size x image_size would need more than
// physical_memory_bytes(). Uses the bound when it fits with room to spare, else measures.
// REQUIRES: batch >= 2, image_size >= 1.
void check_batch_memory(const spaces::SearchSpace& space, std::int64_t batch,
                        std::int64_t image_size, const ScorerOptions& options,
                        std::string_view input);

}  // namespace naswot::search
