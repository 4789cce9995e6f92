// PNG and JPEG decoding (libpng, libjpeg-turbo): lossless PNG variants give back the written
// pixels as RGB, JPEG decodes, and damaged, truncated, oversized or foreign files are refused
// with an InputError naming the file.
#include "data/image_decode.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "naswot/util/error.h"
#include "support/data_writers.h"
#include "support/temp_dir.h"

namespace naswot::data {
namespace {

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string decode_error(const std::vector<std::uint8_t>& bytes) {
  try {
    (void)decode_image(bytes, "img");
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

// A PNG signature and an IHDR chunk (with a correct CRC) for a w x h 8-bit RGB image.
std::vector<std::uint8_t> png_header(std::uint32_t w, std::uint32_t h) {
  std::vector<std::uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<std::uint8_t> chunk = {'I', 'H', 'D', 'R'};
  put32(chunk, w);
  put32(chunk, h);
  for (std::uint8_t b : {8, 2, 0, 0, 0}) chunk.push_back(b);
  put32(out, 13);
  out.insert(out.end(), chunk.begin(), chunk.end());
  put32(out, static_cast<std::uint32_t>(crc32(0, chunk.data(), static_cast<uInt>(chunk.size()))));
  return out;
}

TEST(DecodeImage, PngRgbGreyAndAlphaGiveTheWrittenPixels) {
  testing::TempDir dir;
  for (int channels : {3, 1}) {
    const auto planar = testing::write_png(dir / "a.png", 5, 3, 9, channels);
    const RgbImage im = decode_image(read_bytes(dir / "a.png"), "a.png");
    ASSERT_EQ(im.w, 5);
    ASSERT_EQ(im.h, 3);
    for (int p = 0; p < 15; ++p) {
      for (int ch = 0; ch < 3; ++ch) {
        EXPECT_EQ(im.rgb[static_cast<std::size_t>(3 * p + ch)],
                  planar[static_cast<std::size_t>(ch * 15 + p)])
            << "channels " << channels << " pixel " << p;
      }
    }
  }
}

TEST(DecodeImage, JpegDecodesToRgb) {
  testing::TempDir dir;
  testing::write_jpeg(dir / "g.jpg", 16, 8);
  const RgbImage im = decode_image(read_bytes(dir / "g.jpg"), "g.jpg");
  EXPECT_EQ(im.w, 16);
  EXPECT_EQ(im.h, 8);
  EXPECT_EQ(im.rgb.size(), 16u * 8 * 3);
}

TEST(DecodeImage, RefusesTruncatedFiles) {
  testing::TempDir dir;
  testing::write_png(dir / "a.png", 16, 16, 3);
  testing::write_jpeg(dir / "g.jpg", 32, 32);
  for (const char* name : {"a.png", "g.jpg"}) {
    std::vector<std::uint8_t> bytes = read_bytes(dir / name);
    bytes.resize(bytes.size() * 2 / 3);
    EXPECT_NE(decode_error(bytes).find("img: cannot decode the image: "), std::string::npos)
        << name;
  }
}

TEST(DecodeImage, RefusesForeignAndEmptyData) {
  EXPECT_NE(decode_error({'B', 'M', 0, 0, 0, 0}).find("not a PNG or JPEG file"), std::string::npos);
  EXPECT_NE(decode_error({}).find("not a PNG or JPEG file"), std::string::npos);
  std::vector<std::uint8_t> garbage = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 'x', 'y'};
  EXPECT_NE(decode_error(garbage).find("cannot decode the image"), std::string::npos);
}

TEST(DecodeImage, RefusesAHeaderBeyondTheSizeLimitBeforeDecoding) {
  const std::string msg = decode_error(png_header(kMaxImageSide + 1, 4));
  EXPECT_NE(msg.find("exceeds user limit"), std::string::npos) << msg;
  EXPECT_NE(msg.find("8192 pixels a side"), std::string::npos) << msg;
  // Within the limit the same header only fails for want of image data.
  EXPECT_EQ(decode_error(png_header(64, 4)).find("exceeds"), std::string::npos);
}

}  // namespace
}  // namespace naswot::data
