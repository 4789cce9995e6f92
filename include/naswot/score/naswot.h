// The NASWOT score (Mellor et al. 2021): K_ij = N_A - Hamming(c_i, c_j) over the counted ReLU
// sign codes, score = log|det K|. K is computed exactly in 64-bit integers with XOR + popcount
// on the packed codes (AVX-512 VPOPCNTDQ when the CPU has it), then log|det K| by LU with
// partial pivoting in double (numpy slogdet; the sign is discarded).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "naswot/engine/sign_codes.h"

namespace naswot::score {

// Fills k (n_images x n_images, row-major) with K_ij = sum over blocks of
// weight * (n_units - popcount(row_i xor row_j)). K_ii = N_A. Entries are exact integers.
// REQUIRES: k.size() == n_images^2. Thread-safe (pure function; may use OpenMP threads).
void hamming_kernel(const engine::SignCodes& codes, std::span<double> k);
[[nodiscard]] std::vector<double> hamming_kernel(const engine::SignCodes& codes);

// Returns log|det A| for the n x n row-major matrix a, by LU with partial pivoting in double;
// -inf when a pivot is exactly zero (singular). Never NaN for finite input. Never throws.
[[nodiscard]] double log_abs_det(std::span<const double> a, std::int64_t n);

// log|det K| of the codes: the NASWOT score. -inf when K is singular.
[[nodiscard]] double naswot_score(const engine::SignCodes& codes);

}  // namespace naswot::score
