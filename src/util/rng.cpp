#include "naswot/util/rng.h"

#include <algorithm>
#include <cmath>

#include "naswot/util/error.h"

namespace naswot {

Mt19937::Mt19937(std::uint32_t seed) {
  state_[0] = seed;
  for (int i = 1; i < kN; ++i) {
    const std::uint32_t prev = state_[static_cast<size_t>(i - 1)];
    state_[static_cast<size_t>(i)] =
        1812433253u * (prev ^ (prev >> 30)) + static_cast<std::uint32_t>(i);
  }
}

void Mt19937::twist() {
  auto mix = [](std::uint32_t upper, std::uint32_t lower, std::uint32_t far) {
    const std::uint32_t y = (upper & 0x80000000u) | (lower & 0x7fffffffu);
    return far ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
  };
  std::uint32_t* mt = state_.data();
  // Three runs whose reads are either not yet rewritten (i + 1, i + kM) or rewritten long
  // before (i + kM - kN), so each loop vectorises.
  for (int i = 0; i < kN - kM; ++i) mt[i] = mix(mt[i], mt[i + 1], mt[i + kM]);
  for (int i = kN - kM; i < kN - 1; ++i) mt[i] = mix(mt[i], mt[i + 1], mt[i + kM - kN]);
  mt[kN - 1] = mix(mt[kN - 1], mt[0], mt[kM - 1]);
  index_ = 0;
}

void Mt19937::generate(std::uint32_t* out, std::int64_t n) {
  while (n > 0) {
    if (index_ == kN) twist();
    const std::int64_t len = std::min<std::int64_t>(n, kN - index_);
    const std::uint32_t* from = state_.data() + index_;
    for (std::int64_t k = 0; k < len; ++k) out[k] = temper(from[k]);
    index_ += static_cast<int>(len);
    out += len;
    n -= len;
  }
}

void Mt19937::discard(std::uint64_t n) {
  while (n > 0) {
    if (index_ == kN) twist();
    const std::uint64_t step = std::min<std::uint64_t>(n, static_cast<std::uint64_t>(kN - index_));
    index_ += static_cast<int>(step);
    n -= step;
  }
}

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
  constexpr std::int64_t kBlock = 512;
  const double lo = a, span = static_cast<double>(b) - a;
  std::uint32_t bits[kBlock];
  for (std::int64_t begin = 0; begin < n; begin += kBlock) {
    const std::int64_t len = std::min(kBlock, n - begin);
    mt_.generate(bits, len);
    for (std::int64_t k = 0; k < len; ++k) out[begin + k] = uniform_from(bits[k], lo, span);
  }
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
