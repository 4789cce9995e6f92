#include "naswot/util/rng.h"

#include <cmath>

#include "naswot/util/error.h"

namespace naswot {

std::int64_t Rng::below(std::int64_t n) {
  NASWOT_CHECK(n >= 1);
  const std::uint64_t max = static_cast<std::uint64_t>(n - 1);
  if (max == 0) return 0;
  std::uint64_t mask = max;
  for (int s = 1; s < 64; s <<= 1) mask |= mask >> s;
  if (max <= 0xffffffffULL) {
    for (;;) {
      const std::uint64_t v = next_u32() & mask;
      if (v <= max) return static_cast<std::int64_t>(v);
    }
  }
  for (;;) {
    const std::uint64_t hi = next_u32();
    const std::uint64_t v = ((hi << 32) | next_u32()) & mask;
    if (v <= max) return static_cast<std::int64_t>(v);
  }
}

namespace {
// torch's uniform_ for float: 24 random bits scaled to [0, 1), then a + u * (b - a) in double.
float uniform_from(std::uint32_t bits, double a, double span) {
  const double u = static_cast<double>(bits & 0xFFFFFFu) * 0x1p-24;
  return static_cast<float>(a + u * span);
}
}  // namespace

float Rng::uniform(float a, float b) {
  return uniform_from(next_u32(), a, static_cast<double>(b) - a);
}

void Rng::fill_uniform(float* out, std::int64_t n, float a, float b) {
  const double span = static_cast<double>(b) - a;
  for (std::int64_t k = 0; k < n; ++k)
    out[k] = uniform_from(static_cast<std::uint32_t>(mt_()), a, span);
}

float Rng::normal() {
  double u1 = 0.0;
  do {
    u1 = static_cast<double>(next_u32()) * std::ldexp(1.0, -32);
  } while (u1 <= 0.0);
  const double u2 = static_cast<double>(next_u32()) * std::ldexp(1.0, -32);
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2));
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  // splitmix64 of the pair: cheap, and nearby inputs give unrelated outputs.
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL + stream + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (z ^ (z >> 31)) & 0xffffffffULL;
}

}  // namespace naswot
