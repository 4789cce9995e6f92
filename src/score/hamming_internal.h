// The two implementations behind score::hamming_kernel, exposed so that tests can run both on the
// same codes (the public entry point picks one by CPU). Not part of the public API.
#pragma once

#include <span>

#include "naswot/engine/sign_codes.h"

namespace naswot::score::internal {

// True when the CPU and OS support AVX-512 VPOPCNTDQ (checked once, then cached).
[[nodiscard]] bool cpu_has_avx512_vpopcntdq();

// Same contract as score::hamming_kernel, with scalar 64-bit popcount. Runs on any x86-64-v3.
void hamming_kernel_portable(const engine::SignCodes& codes, std::span<double> k);

// Same contract as score::hamming_kernel, with VPOPCNTQ. REQUIRES: cpu_has_avx512_vpopcntdq().
void hamming_kernel_avx512(const engine::SignCodes& codes, std::span<double> k);

}  // namespace naswot::score::internal
