// Seeded random numbers. Rng is MT19937 seeded with the standard init_genrand(seed), the
// generator behind both numpy's legacy RandomState and torch's CPU generator, and its draw
// rules reproduce theirs (reference-semantics.md §1.10), so index draws and initial weights can
// match the reference bit for bit. Not thread-safe: one Rng per thread.
#pragma once

#include <cstdint>
#include <random>

namespace naswot {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : mt_(static_cast<std::uint32_t>(seed)) {}

  // Next raw 32-bit output of the generator.
  std::uint32_t next_u32() { return static_cast<std::uint32_t>(mt_()); }

  // Skips n raw outputs.
  void discard(std::uint64_t n) { mt_.discard(n); }

  // Uniform integer in [0, n), as numpy's legacy randint(0, n): masked rejection sampling.
  // REQUIRES: n >= 1.
  std::int64_t below(std::int64_t n);

  // Uniform float in [a, b), as torch's CPU uniform_(a, b) for float32 tensors.
  float uniform(float a, float b);

  // out[k] = uniform(a, b) for k < n, in order (one call, so the generator's loop is inlined:
  // how conv weights are drawn).
  void fill_uniform(float* out, std::int64_t n, float a, float b);

  // Standard normal float (Box-Muller in double). Not bit-compatible with torch's normal_.
  float normal();

 private:
  std::mt19937 mt_;
};

// A seed derived from (seed, stream) so that independent streams never share state.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

}  // namespace naswot
