#include <gtest/gtest.h>

#include <string>

#include "naswot/data/dataset.h"
#include "naswot/util/error.h"
#include "support/data_writers.h"
#include "support/temp_dir.h"

namespace naswot::data {
namespace {

using testing::TempDir;

TEST(NormalizationPreset, HoldsReferenceConstantsAsFloat) {
  const Normalization c10 = normalization_preset("cifar10");
  EXPECT_EQ(c10.mean[0], static_cast<float>(125.3 / 255));
  EXPECT_EQ(c10.mean[2], static_cast<float>(113.9 / 255));
  EXPECT_EQ(c10.std[1], static_cast<float>(62.1 / 255));
  const Normalization c100 = normalization_preset("cifar100");
  EXPECT_EQ(c100.mean[1], static_cast<float>(124.1 / 255));
  EXPECT_EQ(c100.std[2], static_cast<float>(70.4 / 255));
  const Normalization in16 = normalization_preset("imagenet16-120");
  EXPECT_EQ(in16.mean[0], static_cast<float>(122.68 / 255));
  EXPECT_EQ(in16.std[0], static_cast<float>(63.22 / 255));
  const Normalization in = normalization_preset("imagenet");
  EXPECT_EQ(in.mean[1], 0.456f);
  EXPECT_EQ(in.std[2], 0.225f);
  EXPECT_NEAR(c10.mean[0], 0.491372549, 1e-7);
  EXPECT_NEAR(c10.std[0], 0.247058824, 1e-7);
}

TEST(NormalizationPreset, RejectsUnknownName) {
  try {
    (void)normalization_preset("mnist");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("mnist: ", 0), 0u) << e.what();
  }
}

TEST(NormalizingGather, MatchesFloatPipelineExactly) {
  TempDir dir;
  // Image 0: every byte 255; image 1: byte p%256 at pixel position p of each plane.
  std::string bytes(1, '\x03');
  bytes += std::string(3072, '\xff');
  bytes.push_back('\x04');
  for (int p = 0; p < 3072; ++p) bytes.push_back(static_cast<char>(p % 1024 % 256));
  testing::write_bytes(dir / "two.bin", bytes);
  const Dataset data = Dataset::load(parse_data_spec("cifar10:" + (dir / "two.bin").string()));
  const std::vector<std::int64_t> indices{1, 0};
  const Tensor t = data.gather(indices);
  ASSERT_EQ(t.n, 2);
  ASSERT_EQ(t.c, 3);
  ASSERT_EQ(t.h, 32);
  ASSERT_EQ(t.w, 32);
  const float want = (1.0f - static_cast<float>(125.3 / 255)) / static_cast<float>(63.0 / 255);
  EXPECT_EQ(t.at(1, 0, 0, 0), want);
  EXPECT_NEAR(t.at(1, 0, 7, 9), (1 - 0.491372549) / 0.247058824, 1e-6);
  const Normalization norm = normalization_preset("cifar10");
  for (int ch = 0; ch < 3; ++ch) {
    for (int u : {0, 1, 77, 128, 254, 255}) {
      const float v = static_cast<float>(u) / 255.0f;
      EXPECT_EQ(t.at(0, ch, u / 32, u % 32), (v - norm.mean[ch]) / norm.std[ch]) << ch << " " << u;
    }
  }
}

}  // namespace
}  // namespace naswot::data
