// Bit-packed ReLU sign codes of one batch, as the executor records them and the NASWOT
// kernel reads them. Units that several counted ReLU sites share (the same tensor seen by m
// sites) are stored once, in the block of weight m.
#pragma once

#include <cstdint>
#include <vector>

namespace naswot::engine {

// One weight class of units: an n_images x words_per_row matrix of 64-bit words. Bit b of
// word k of row i is unit 64*k+b of image i: 1 when that unit's ReLU input was > 0.
struct BitMatrix {
  std::int64_t weight = 1;           // how many counted sites see each of these units
  std::int64_t n_units = 0;          // units per image actually used (bits per row)
  std::int64_t words_per_row = 0;    // >= ceil(n_units / 64); unused high bits are zero
  std::vector<std::uint64_t> words;  // n_images * words_per_row, row-major
};

struct SignCodes {
  std::int64_t n_images = 0;
  std::vector<BitMatrix> blocks;

  // N_A: the number of counted units per image, duplicates included (sum of weight*n_units).
  [[nodiscard]] std::int64_t n_units() const {
    std::int64_t total = 0;
    for (const BitMatrix& b : blocks) total += b.weight * b.n_units;
    return total;
  }
};

}  // namespace naswot::engine
