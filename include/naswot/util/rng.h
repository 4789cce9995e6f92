// Seeded random numbers. Rng is MT19937 seeded with the standard init_genrand(seed), the
// generator behind both numpy's legacy RandomState and torch's CPU generator, and its draw
// rules reproduce theirs (reference-semantics.md §1.10), so index draws and initial weights can
// match the reference bit for bit. Not thread-safe: one Rng per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace naswot {

// MT19937 (Matsumoto & Nishimura), the same sequence as std::mt19937, with a bulk generate()
// whose twist and tempering loops vectorise: conv weights are drawn a block at a time.
class Mt19937 {
 public:
  explicit Mt19937(std::uint32_t seed);
  std::uint32_t operator()() {
    if (index_ == kN) twist();
    return temper(state_[static_cast<std::size_t>(index_++)]);
  }
  // The next n outputs into out.
  void generate(std::uint32_t* out, std::int64_t n);
  void discard(std::uint64_t n);

 private:
  static constexpr int kN = 624, kM = 397;
  static std::uint32_t temper(std::uint32_t y) {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
  }
  void twist();
  std::array<std::uint32_t, kN> state_{};
  int index_ = kN;
};

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
  Mt19937 mt_;
};

// A seed derived from (seed, stream) so that independent streams never share state.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

}  // namespace naswot
