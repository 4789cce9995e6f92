// A plain float32 tensor in NCHW order: the batch handed to the engine and the form in which
// tests read activations back. Owns its data.
#pragma once

#include <cstdint>
#include <vector>

namespace naswot {

struct Tensor {
  std::int64_t n = 0, c = 0, h = 0, w = 0;  // shape, NCHW
  std::vector<float> data;                  // n*c*h*w values, row-major NCHW

  Tensor() = default;
  Tensor(std::int64_t n_, std::int64_t c_, std::int64_t h_, std::int64_t w_)
      : n(n_), c(c_), h(h_), w(w_), data(static_cast<std::size_t>(n_ * c_ * h_ * w_)) {}
  [[nodiscard]] std::int64_t size() const { return n * c * h * w; }
  float& at(std::int64_t in, std::int64_t ic, std::int64_t ih, std::int64_t iw) {
    return data[static_cast<std::size_t>(((in * c + ic) * h + ih) * w + iw)];
  }
  [[nodiscard]] float at(std::int64_t in, std::int64_t ic, std::int64_t ih, std::int64_t iw) const {
    return data[static_cast<std::size_t>(((in * c + ic) * h + ih) * w + iw)];
  }
};

}  // namespace naswot
