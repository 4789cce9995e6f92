#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "naswot/data/dataset.h"
#include "naswot/util/error.h"
#include "support/data_writers.h"
#include "support/input_error.h"
#include "support/temp_dir.h"

namespace naswot::data {
namespace {

using testing::TempDir;

using testing::input_error;

TEST(Cifar10Reader, ReadsLabelsAndPlanarPixels) {
  TempDir dir;
  // Hand-made records so the expected layout does not depend on the writer under test.
  std::string bytes;
  for (int i = 0; i < 3; ++i) {
    bytes.push_back(static_cast<char>(7 - i));
    for (int p = 0; p < 3072; ++p) bytes.push_back(static_cast<char>((p / 1024) * 50 + i + p % 7));
  }
  testing::write_bytes(dir / "three.bin", bytes);
  const Images images = read_cifar10(dir / "three.bin");
  EXPECT_EQ(images.n, 3);
  EXPECT_EQ(images.c, 3);
  EXPECT_EQ(images.h, 32);
  EXPECT_EQ(images.w, 32);
  EXPECT_EQ(images.labels, (std::vector<std::int32_t>{7, 6, 5}));
  ASSERT_EQ(images.pixels.size(), 3u * 3072u);
  for (int i = 0; i < 3; ++i) {
    for (int ch = 0; ch < 3; ++ch) {
      for (int y : {0, 5, 31}) {
        for (int x : {0, 17, 31}) {
          const int p = (ch * 32 + y) * 32 + x;
          EXPECT_EQ(images.pixels[static_cast<std::size_t>(i * 3072 + p)], ch * 50 + i + p % 7);
        }
      }
    }
  }
}

TEST(Cifar10Reader, MatchesWriter) {
  TempDir dir;
  const Images written = testing::write_cifar10_file(dir / "a.bin", 5, 42);
  const Images read = read_cifar10(dir / "a.bin");
  EXPECT_EQ(read.n, 5);
  EXPECT_EQ(read.labels, written.labels);
  EXPECT_EQ(read.pixels, written.pixels);
}

TEST(Cifar10Reader, ReadsFolderBatchesInOrder) {
  TempDir dir;
  const Images b1 = testing::write_cifar10_file(dir / "data_batch_1.bin", 2, 1);
  const Images b2 = testing::write_cifar10_file(dir / "data_batch_2.bin", 3, 2);
  testing::write_cifar10_file(dir / "test_batch.bin", 4, 3);  // never part of the train set
  const Images read = read_cifar10(dir.path());
  ASSERT_EQ(read.n, 5);
  std::vector<std::int32_t> labels = b1.labels;
  labels.insert(labels.end(), b2.labels.begin(), b2.labels.end());
  std::vector<std::uint8_t> pixels = b1.pixels;
  pixels.insert(pixels.end(), b2.pixels.begin(), b2.pixels.end());
  EXPECT_EQ(read.labels, labels);
  EXPECT_EQ(read.pixels, pixels);
}

TEST(Cifar10Reader, RejectsTruncatedFile) {
  TempDir dir;
  testing::write_cifar10_file(dir / "data_batch_1.bin", 2, 1);
  std::filesystem::resize_file(dir / "data_batch_1.bin", 2 * 3073 - 100);
  const std::string message = input_error([&] { (void)read_cifar10(dir.path()); });
  EXPECT_NE(message.find("data_batch_1.bin"), std::string::npos) << message;
  EXPECT_NE(message.find("6046 bytes is not a multiple of 3073"), std::string::npos) << message;
}

TEST(Cifar10Reader, RejectsEmptyFile) {
  TempDir dir;
  testing::write_bytes(dir / "empty.bin", "");
  const std::string message = input_error([&] { (void)read_cifar10(dir / "empty.bin"); });
  EXPECT_NE(message.find("empty.bin: file is empty"), std::string::npos) << message;
}

TEST(Cifar10Reader, RejectsMissingPath) {
  TempDir dir;
  const std::string message = input_error([&] { (void)read_cifar10(dir / "nope.bin"); });
  EXPECT_NE(message.find("nope.bin: no such file"), std::string::npos) << message;
}

TEST(Cifar10Reader, RejectsFolderWithoutBatches) {
  TempDir dir;
  testing::write_cifar10_file(dir / "test_batch.bin", 1, 1);
  const std::string message = input_error([&] { (void)read_cifar10(dir.path()); });
  EXPECT_NE(message.find(dir.path().string() + ": "), std::string::npos) << message;
  EXPECT_NE(message.find("data_batch_1.bin"), std::string::npos) << message;
}

TEST(Cifar10Reader, RejectsOutOfRangeLabel) {
  TempDir dir;
  testing::write_bytes(dir / "bad.bin", std::string(1, '\x0a') + std::string(3072, '\0'));
  const std::string message = input_error([&] { (void)read_cifar10(dir / "bad.bin"); });
  EXPECT_NE(message.find("bad.bin: record 0 has label 10, expected 0..9"), std::string::npos)
      << message;
}

TEST(Cifar100Reader, KeepsFineLabels) {
  TempDir dir;
  const Images written = testing::write_cifar100_file(dir / "train.bin", 4, 9);
  for (const Images& read : {read_cifar100(dir / "train.bin"), read_cifar100(dir.path())}) {
    EXPECT_EQ(read.n, 4);
    EXPECT_EQ(read.labels, written.labels);
    EXPECT_EQ(read.pixels, written.pixels);
  }
}

TEST(Cifar100Reader, RejectsCifar10File) {
  TempDir dir;
  testing::write_cifar10_file(dir / "train.bin", 2, 1);
  const std::string message = input_error([&] { (void)read_cifar100(dir / "train.bin"); });
  EXPECT_NE(message.find("train.bin: 6146 bytes is not a multiple of 3074"), std::string::npos)
      << message;
}

TEST(Cifar100Reader, RejectsFolderWithoutTrainBin) {
  TempDir dir;
  const std::string message = input_error([&] { (void)read_cifar100(dir.path()); });
  EXPECT_NE(message.find("train.bin"), std::string::npos) << message;
}

}  // namespace
}  // namespace naswot::data
