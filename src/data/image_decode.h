// Decoding one PNG or JPEG file to 8-bit RGB, the way PIL's Image.open(f).convert("RGB") does,
// for the image-folder reader. Internal to the data layer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace naswot::data {

inline constexpr int kMaxImageSide = 8192;  // pixels; larger headers are refused undecoded

struct RgbImage {
  int w = 0, h = 0;
  std::vector<std::uint8_t> rgb;  // interleaved, row-major: rgb[(y*w + x)*3 + ch]
};

// Decodes a PNG or JPEG held in `bytes` (the format is told by its signature, not the file
// name). Throws InputError(name, "cannot decode the image: <why>") for anything else, a
// corrupt or truncated image, or one wider or taller than kMaxImageSide.
// Thread-safe (no shared state).
[[nodiscard]] RgbImage decode_image(std::span<const std::uint8_t> bytes, const std::string& name);

}  // namespace naswot::data
