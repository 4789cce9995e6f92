#include "support/data_writers.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>

#include "naswot/util/rng.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace naswot::testing {

namespace {

constexpr std::int64_t kCifarPixels = 3 * 32 * 32;

// CIFAR-10 and CIFAR-100 differ only in the number of label bytes in front of the pixels.
data::Images write_cifar(const std::filesystem::path& path, std::int64_t n_records,
                         std::uint64_t seed, bool cifar100) {
  Rng rng(seed);
  data::Images images;
  images.n = n_records;
  images.h = images.w = 32;
  std::string bytes;
  for (std::int64_t i = 0; i < n_records; ++i) {
    const auto fine = static_cast<std::int32_t>(rng.below(cifar100 ? 100 : 10));
    images.labels.push_back(fine);
    if (cifar100) bytes.push_back(static_cast<char>(fine / 5));  // coarse label
    bytes.push_back(static_cast<char>(fine));
    for (std::int64_t p = 0; p < kCifarPixels; ++p) {
      const auto u = static_cast<std::uint8_t>(rng.next_u32() & 0xff);
      images.pixels.push_back(u);
      bytes.push_back(static_cast<char>(u));
    }
  }
  write_bytes(path, bytes);
  return images;
}

// Zero-padded so that sorted names follow the numbers.
std::string padded(int k) {
  std::string s = std::to_string(k);
  return std::string(s.size() < 4 ? 4 - s.size() : 0, '0') + s;
}

}  // namespace

data::Images write_cifar10_file(const std::filesystem::path& path, std::int64_t n_records,
                                std::uint64_t seed) {
  return write_cifar(path, n_records, seed, false);
}

data::Images write_cifar100_file(const std::filesystem::path& path, std::int64_t n_records,
                                 std::uint64_t seed) {
  return write_cifar(path, n_records, seed, true);
}

void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::vector<std::uint8_t> write_png(const std::filesystem::path& path, int w, int h,
                                    std::uint64_t seed, int channels) {
  Rng rng(seed);
  const std::size_t plane = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  const auto n_ch = static_cast<std::size_t>(channels);
  std::vector<std::uint8_t> interleaved(n_ch * plane), planar(3 * plane);
  for (std::size_t p = 0; p < plane; ++p) {
    for (std::size_t ch = 0; ch < n_ch; ++ch) {
      interleaved[n_ch * p + ch] = static_cast<std::uint8_t>(rng.next_u32() & 0xff);
    }
    for (std::size_t ch = 0; ch < 3; ++ch) {
      planar[ch * plane + p] = interleaved[n_ch * p + (n_ch == 1 ? 0 : ch)];
    }
  }
  if (stbi_write_png(path.c_str(), w, h, channels, interleaved.data(), channels * w) == 0) {
    throw std::runtime_error("cannot write " + path.string());
  }
  return planar;
}

void write_jpeg(const std::filesystem::path& path, int w, int h) {
  std::vector<std::uint8_t> rgb(3 * static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::uint8_t* px = &rgb[3 * static_cast<std::size_t>(y * w + x)];
      px[0] = static_cast<std::uint8_t>(255 * x / std::max(w - 1, 1));
      px[1] = static_cast<std::uint8_t>(255 * y / std::max(h - 1, 1));
      px[2] = 128;
    }
  }
  if (stbi_write_jpg(path.c_str(), w, h, 3, rgb.data(), 95) == 0) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

data::Images write_image_folder(const std::filesystem::path& root, int n_classes, int per_class,
                                int side, std::uint64_t seed) {
  data::Images images;
  images.h = images.w = side;
  for (int k = 0; k < n_classes; ++k) {
    const std::filesystem::path dir = root / ("class_" + padded(k));
    std::filesystem::create_directories(dir);
    for (int j = 0; j < per_class; ++j) {
      const std::vector<std::uint8_t> pixels =
          write_png(dir / ("img_" + padded(j) + ".png"), side, side,
                    seed + static_cast<std::uint64_t>(k * per_class + j));
      images.pixels.insert(images.pixels.end(), pixels.begin(), pixels.end());
      images.labels.push_back(k);
      ++images.n;
    }
  }
  return images;
}

}  // namespace naswot::testing
