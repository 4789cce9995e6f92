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

namespace fs = std::filesystem;
using testing::TempDir;

using testing::input_error;

TEST(ImageFolderReader, ReadsSortedClassesAndFiles) {
  TempDir dir;
  const Images written = testing::write_image_folder(dir.path(), 2, 3, 4, 11);
  testing::write_bytes(dir / "class_0000" / "notes.txt", "not an image");
  testing::write_bytes(dir / "README", "top-level files are not classes");
  const Images read = read_image_folder(dir.path());
  EXPECT_EQ(read.n, 6);
  EXPECT_EQ(read.c, 3);
  EXPECT_EQ(read.h, 4);
  EXPECT_EQ(read.w, 4);
  EXPECT_EQ(read.labels, (std::vector<std::int32_t>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(read.pixels, written.pixels);
}

TEST(ImageFolderReader, OrdersLikeTorchvisionImageFolder) {
  TempDir dir;
  fs::create_directories(dir / "b" / "sub");
  fs::create_directories(dir / "a");
  // Class folders sort by name; in a class, its own files come before a sub-folder's, and
  // extensions match whatever their case.
  const auto b_sub = testing::write_png(dir / "b" / "sub" / "a.png", 2, 3, 1);
  const auto b_z = testing::write_png(dir / "b" / "z.PNG", 2, 3, 2);
  const auto a_y = testing::write_png(dir / "a" / "y.png", 2, 3, 3);
  const auto a_x = testing::write_png(dir / "a" / "x.png", 2, 3, 4, 1);  // grey
  const Images read = read_image_folder(dir.path());
  ASSERT_EQ(read.n, 4);
  EXPECT_EQ(read.w, 2);
  EXPECT_EQ(read.h, 3);
  EXPECT_EQ(read.labels, (std::vector<std::int32_t>{0, 0, 1, 1}));
  std::vector<std::uint8_t> expected;
  for (const auto* px : {&a_x, &a_y, &b_z, &b_sub})
    expected.insert(expected.end(), px->begin(), px->end());
  EXPECT_EQ(read.pixels, expected);
}

TEST(ImageFolderReader, DecodesJpeg) {
  TempDir dir;
  fs::create_directories(dir / "c");
  testing::write_jpeg(dir / "c" / "g.jpg", 16, 8);
  testing::write_jpeg(dir / "c" / "h.JPEG", 16, 8);
  const Images read = read_image_folder(dir.path());
  ASSERT_EQ(read.n, 2);
  EXPECT_EQ(read.w, 16);
  EXPECT_EQ(read.h, 8);
  // Lossy, but the gradient survives: red grows along x, green along y, blue stays near 128.
  const auto at = [&](int ch, int y, int x) { return int{read.pixels[(ch * 8 + y) * 16 + x]}; };
  EXPECT_NEAR(at(0, 4, 0), 0, 12);
  EXPECT_NEAR(at(0, 4, 15), 255, 12);
  EXPECT_NEAR(at(1, 7, 8), 255, 12);
  EXPECT_NEAR(at(2, 3, 3), 128, 12);
}

TEST(ImageFolderReader, RejectsMismatchedSizes) {
  TempDir dir;
  fs::create_directories(dir / "k");
  testing::write_png(dir / "k" / "a.png", 4, 4, 1);
  testing::write_png(dir / "k" / "b.png", 5, 4, 2);
  const std::string message = input_error([&] { (void)read_image_folder(dir.path()); });
  EXPECT_NE(message.find("b.png: image is 5x4"), std::string::npos) << message;
  EXPECT_NE(message.find("a.png is 4x4"), std::string::npos) << message;
}

TEST(ImageFolderReader, RejectsCorruptImage) {
  TempDir dir;
  fs::create_directories(dir / "k");
  testing::write_png(dir / "k" / "a.png", 4, 4, 1);
  testing::write_bytes(dir / "k" / "broken.png", "\x89PNG\r\n\x1a\n garbage");
  const std::string message = input_error([&] { (void)read_image_folder(dir.path()); });
  EXPECT_NE(message.find("broken.png: cannot decode the image"), std::string::npos) << message;
}

TEST(ImageFolderReader, RejectsFolderWithoutImages) {
  TempDir dir;
  fs::create_directories(dir / "empty_class");
  testing::write_png(dir / "loose.png", 4, 4, 1);  // not in a class folder
  const std::string message = input_error([&] { (void)read_image_folder(dir.path()); });
  EXPECT_NE(message.find(dir.path().string() + ": no .png"), std::string::npos) << message;
}

TEST(ImageFolderReader, RejectsMissingFolder) {
  TempDir dir;
  const std::string message = input_error([&] { (void)read_image_folder(dir / "nope"); });
  EXPECT_NE(message.find("nope: no such folder"), std::string::npos) << message;
}

}  // namespace
}  // namespace naswot::data
