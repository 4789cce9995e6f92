// Writers of tiny data files for tests: CIFAR-format binaries, PNG images and image folders.
// Each returns what it wrote, decoded as the readers should decode it, so a test can compare
// the reader's output with the returned value. Contents are pseudo-random from `seed`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "naswot/data/dataset.h"

namespace naswot::testing {

// Writes n_records CIFAR-10 records (label byte + 3072 planar pixel bytes) to `path`.
data::Images write_cifar10_file(const std::filesystem::path& path, std::int64_t n_records,
                                std::uint64_t seed);

// Writes n_records CIFAR-100 records (coarse label, fine label, 3072 bytes); the returned
// labels are the fine ones.
data::Images write_cifar100_file(const std::filesystem::path& path, std::int64_t n_records,
                                 std::uint64_t seed);

// Writes `bytes` verbatim, e.g. a truncated or corrupt file.
void write_bytes(const std::filesystem::path& path, std::string_view bytes);

// Writes a w x h PNG with random pixels and 3 (RGB) or 1 (grey) channels; returns them as an
// RGB reader sees them, planar (3 planes of h*w bytes, grey copied to all three).
std::vector<std::uint8_t> write_png(const std::filesystem::path& path, int w, int h,
                                    std::uint64_t seed, int channels = 3);

// Writes a w x h RGB JPEG of a smooth gradient (JPEG is lossy, so nothing is returned).
void write_jpeg(const std::filesystem::path& path, int w, int h);

// Writes root/class_KKKK/img_JJJJ.png (zero-padded K < n_classes, J < per_class) as side x side
// PNGs; returns the images in reader order (classes, then files, sorted), labelled by class.
data::Images write_image_folder(const std::filesystem::path& root, int n_classes, int per_class,
                                int side, std::uint64_t seed);

}  // namespace naswot::testing
