// Image data for scoring: CIFAR-10/100 binary files, PNG/JPEG image folders and Gaussian noise,
// with the reference's per-dataset normalisation (reference-semantics.md §2.1). A Dataset is
// immutable after loading and safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "naswot/util/rng.h"
#include "naswot/util/tensor.h"

namespace naswot::data {

// Decoded 8-bit images, planar: pixels[((i*c + ch)*h + y)*w + x].
struct Images {
  std::int64_t n = 0, c = 3, h = 0, w = 0;
  std::vector<std::uint8_t> pixels;
  std::vector<std::int32_t> labels;  // one per image
};

// Per-channel normalisation v = (u8/255 - mean) / std, float32 as the reference.
struct Normalization {
  std::array<float, 3> mean{0.f, 0.f, 0.f};
  std::array<float, 3> std{1.f, 1.f, 1.f};
};

// Presets: "cifar10", "cifar100", "imagenet16-120", "imagenet". Throws InputError otherwise.
[[nodiscard]] Normalization normalization_preset(std::string_view name);

// CIFAR-10 binary records (1 label byte + 3072 pixel bytes). `path` is one .bin file, or a
// folder in the official layout whose data_batch_1..5.bin (all or some) are read in order.
// Throws InputError naming the file for a missing, empty or truncated file.
[[nodiscard]] Images read_cifar10(const std::filesystem::path& path);
// CIFAR-100 binary records (coarse label, fine label, 3072 bytes); fine labels are kept.
// `path` is a .bin file or a folder holding train.bin.
[[nodiscard]] Images read_cifar100(const std::filesystem::path& path);
// PNG/JPEG images in one sub-folder per class; classes and files in sorted order. All images
// must have the same size and be RGB-decodable; throws InputError naming the bad file.
[[nodiscard]] Images read_image_folder(const std::filesystem::path& path);

// Where scoring images come from: "gaussian", "cifar10:PATH", "cifar100:PATH", "folder:PATH".
struct DataSpec {
  std::string kind = "gaussian";  // gaussian | cifar10 | cifar100 | folder
  std::string path;               // empty for gaussian
};
// Throws InputError naming the spec when the kind is unknown or the path missing.
[[nodiscard]] DataSpec parse_data_spec(std::string_view spec);

enum class BatchMode { kRandom, kFirst };

// A dataset ready to hand out normalised batches. Gaussian data has no images: each batch is
// freshly drawn N(0,1) noise of shape (batch, 3, image_size, image_size).
class Dataset {
 public:
  // Loads the data named by spec, with the normalisation of its reference dataset (cifar10,
  // cifar100; folder: imagenet). Throws InputError on bad input, including folder images that
  // are not square (networks are built for one image size).
  static Dataset load(const DataSpec& spec, std::int64_t gaussian_image_size = 32);

  [[nodiscard]] bool is_gaussian() const { return spec_.kind == "gaussian"; }
  [[nodiscard]] std::int64_t size() const { return images_.n; }  // 0 for gaussian
  [[nodiscard]] std::int64_t image_size() const { return image_size_; }
  [[nodiscard]] const DataSpec& spec() const { return spec_; }
  [[nodiscard]] const Images& images() const { return images_; }
  [[nodiscard]] const Normalization& normalization() const { return norm_; }

  // Indices of a batch: kFirst = 0..b-1; kRandom = b distinct indices, the first b of a
  // uniform permutation drawn from `seed` (reference loader algorithm, §1.10).
  // Throws InputError if b < 2 or b > size() (for image data). Gaussian data has no images,
  // so it returns no indices.
  [[nodiscard]] std::vector<std::int64_t> choose(std::int64_t b, BatchMode mode,
                                                 std::uint64_t seed) const;
  // A normalised NCHW float batch: the chosen images, or Gaussian noise drawn from seed (mode
  // ignored). Throws InputError as choose() does.
  [[nodiscard]] Tensor batch(std::int64_t b, BatchMode mode, std::uint64_t seed) const;
  // The normalised images at the given indices. REQUIRES: image data, indices in [0, size()).
  [[nodiscard]] Tensor gather(std::span<const std::int64_t> indices) const;

 private:
  DataSpec spec_;
  Images images_;
  Normalization norm_;
  std::int64_t image_size_ = 32;
};

}  // namespace naswot::data
