// Normalisation presets and the normalising gather. The reference pipeline is float32
// throughout (reference-semantics.md §2.1): to_tensor gives v = u8/255, then Normalize computes
// (v - mean_c)/std_c, with mean and std written as fractions of 255 in the sources, evaluated in
// double and cast to float. A u8 pixel has only 256 values, so each channel's results are
// tabulated once with exactly those float operations and the gather is a table lookup.
#include <array>
#include <cstddef>
#include <string>

#include "naswot/data/dataset.h"
#include "naswot/util/error.h"

namespace naswot::data {

namespace {

Normalization make(std::array<double, 3> mean, std::array<double, 3> std) {
  Normalization norm;
  for (std::size_t ch = 0; ch < 3; ++ch) {
    norm.mean[ch] = static_cast<float>(mean[ch]);
    norm.std[ch] = static_cast<float>(std[ch]);
  }
  return norm;
}

}  // namespace

Normalization normalization_preset(std::string_view name) {
  if (name == "cifar10") {
    return make({125.3 / 255, 123.0 / 255, 113.9 / 255}, {63.0 / 255, 62.1 / 255, 66.7 / 255});
  }
  if (name == "cifar100") {
    return make({129.3 / 255, 124.1 / 255, 112.4 / 255}, {68.2 / 255, 65.4 / 255, 70.4 / 255});
  }
  if (name == "imagenet16-120") {
    return make({122.68 / 255, 116.66 / 255, 104.01 / 255},
                {63.22 / 255, 61.26 / 255, 65.09 / 255});
  }
  if (name == "imagenet") return make({0.485, 0.456, 0.406}, {0.229, 0.224, 0.225});
  throw InputError(name,
                   "unknown normalisation preset (expected cifar10, cifar100, imagenet16-120 "
                   "or imagenet)");
}

Tensor Dataset::gather(std::span<const std::int64_t> indices) const {
  NASWOT_CHECK(!is_gaussian());
  NASWOT_CHECK(images_.c == 3);
  std::array<std::array<float, 256>, 3> table{};
  for (std::size_t ch = 0; ch < 3; ++ch) {
    for (int u = 0; u < 256; ++u) {
      // Kept as two float roundings, not one fused expression, to match torch bit for bit.
      const float v = static_cast<float>(u) / 255.0f;
      table[ch][static_cast<std::size_t>(u)] = (v - norm_.mean[ch]) / norm_.std[ch];
    }
  }
  const auto n = static_cast<std::int64_t>(indices.size());
  Tensor out(n, images_.c, images_.h, images_.w);
  const std::size_t plane = static_cast<std::size_t>(images_.h * images_.w);
  const std::size_t image = 3 * plane;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t index = indices[static_cast<std::size_t>(i)];
    NASWOT_CHECK(index >= 0 && index < images_.n);
    const std::uint8_t* src = images_.pixels.data() + static_cast<std::size_t>(index) * image;
    float* dst = out.data.data() + static_cast<std::size_t>(i) * image;
    for (std::size_t ch = 0; ch < 3; ++ch) {
      const std::array<float, 256>& lut = table[ch];
      for (std::size_t p = 0; p < plane; ++p) dst[ch * plane + p] = lut[src[ch * plane + p]];
    }
  }
  return out;
}

}  // namespace naswot::data
