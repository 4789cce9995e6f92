#include "naswot/data/dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "naswot/util/error.h"
#include "support/data_writers.h"
#include "support/input_error.h"
#include "support/temp_dir.h"

namespace naswot::data {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

using testing::input_error;

Dataset cifar10_of(const TempDir& dir, std::int64_t n) {
  testing::write_cifar10_file(dir / "d.bin", n, 5);
  return Dataset::load(parse_data_spec("cifar10:" + (dir / "d.bin").string()));
}

TEST(ParseDataSpec, AcceptsEveryKind) {
  EXPECT_EQ(parse_data_spec("gaussian").kind, "gaussian");
  EXPECT_EQ(parse_data_spec("gaussian").path, "");
  const DataSpec c10 = parse_data_spec("cifar10:/data/c:10");
  EXPECT_EQ(c10.kind, "cifar10");
  EXPECT_EQ(c10.path, "/data/c:10");
  EXPECT_EQ(parse_data_spec("cifar100:x").kind, "cifar100");
  EXPECT_EQ(parse_data_spec("folder:imgs/train").path, "imgs/train");
}

TEST(ParseDataSpec, RejectsBadSpecsNamingThem) {
  for (const char* spec :
       {"mnist:/x", "cifar10", "cifar10:", "folder:", "gaussian:3", "", "C10:x"}) {
    const std::string message = input_error([&] { (void)parse_data_spec(spec); });
    EXPECT_EQ(message.rfind(std::string(spec) + ": ", 0), 0u) << spec << " -> " << message;
  }
}

TEST(DatasetLoad, PicksPresetPerKind) {
  TempDir dir;
  const Dataset c10 = cifar10_of(dir, 3);
  EXPECT_EQ(c10.size(), 3);
  EXPECT_EQ(c10.image_size(), 32);
  EXPECT_FALSE(c10.is_gaussian());
  EXPECT_EQ(c10.normalization().mean, normalization_preset("cifar10").mean);
  testing::write_cifar100_file(dir / "train.bin", 2, 1);
  const Dataset c100 = Dataset::load(parse_data_spec("cifar100:" + dir.path().string()));
  EXPECT_EQ(c100.size(), 2);
  EXPECT_EQ(c100.normalization().std, normalization_preset("cifar100").std);
  testing::write_image_folder(dir / "imgs", 2, 1, 6, 3);
  const Dataset folder = Dataset::load(parse_data_spec("folder:" + (dir / "imgs").string()));
  EXPECT_EQ(folder.size(), 2);
  EXPECT_EQ(folder.image_size(), 6);
  EXPECT_EQ(folder.normalization().mean, normalization_preset("imagenet").mean);
  const Dataset noise = Dataset::load(parse_data_spec("gaussian"), 16);
  EXPECT_TRUE(noise.is_gaussian());
  EXPECT_EQ(noise.size(), 0);
  EXPECT_EQ(noise.image_size(), 16);
}

TEST(DatasetLoad, RejectsNonSquareFolderImages) {
  TempDir dir;
  fs::create_directories(dir / "k");
  testing::write_png(dir / "k" / "a.png", 6, 4, 1);
  testing::write_png(dir / "k" / "b.png", 6, 4, 2);
  const std::string spec = "folder:" + dir.path().string();
  const std::string message = input_error([&] { (void)Dataset::load(parse_data_spec(spec)); });
  EXPECT_EQ(message.rfind(spec + ": images are 6x4", 0), 0u) << message;
}

TEST(DatasetLoad, RejectsMissingFileNamingIt) {
  TempDir dir;
  const std::string path = (dir / "missing.bin").string();
  const std::string message =
      input_error([&] { (void)Dataset::load(parse_data_spec("cifar10:" + path)); });
  EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
}

TEST(DatasetChoose, FirstModeTakesTheFirstImages) {
  TempDir dir;
  const Dataset data = cifar10_of(dir, 6);
  EXPECT_EQ(data.choose(4, BatchMode::kFirst, 99), (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(data.choose(6, BatchMode::kFirst, 1).size(), 6u);
}

TEST(DatasetChoose, RandomModeIsDistinctAndSeeded) {
  TempDir dir;
  const Dataset data = cifar10_of(dir, 40);
  const std::vector<std::int64_t> a = data.choose(20, BatchMode::kRandom, 7);
  ASSERT_EQ(a.size(), 20u);
  EXPECT_EQ(std::set<std::int64_t>(a.begin(), a.end()).size(), 20u);
  for (std::int64_t i : a) EXPECT_TRUE(i >= 0 && i < 40) << i;
  EXPECT_EQ(data.choose(20, BatchMode::kRandom, 7), a);
  EXPECT_NE(data.choose(20, BatchMode::kRandom, 8), a);
  // The whole set is a permutation.
  const std::vector<std::int64_t> all = data.choose(40, BatchMode::kRandom, 3);
  EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), 40u);
}

TEST(DatasetChoose, MatchesReferenceLoaderOnCifar10Train) {
  // reference-semantics.md §1.10: first batch of the full CIFAR-10 train set (n = 50,000),
  // seed 1. Sparse all-zero files stand in for the five training batches.
  TempDir dir;
  for (int k = 1; k <= 5; ++k) {
    const fs::path file = dir / ("data_batch_" + std::to_string(k) + ".bin");
    testing::write_bytes(file, "");
    fs::resize_file(file, 10000 * 3073);
  }
  const Dataset data = Dataset::load(parse_data_spec("cifar10:" + dir.path().string()));
  ASSERT_EQ(data.size(), 50000);
  EXPECT_EQ(data.choose(16, BatchMode::kRandom, 1),
            (std::vector<std::int64_t>{20124, 33476, 41283, 23334, 12383, 25471, 37407, 36413, 4720,
                                       7906, 41546, 30562, 28305, 35438, 30590, 15526}));
  // A smaller batch is a prefix of a larger one.
  EXPECT_EQ(data.choose(3, BatchMode::kRandom, 1),
            (std::vector<std::int64_t>{20124, 33476, 41283}));
}

TEST(DatasetChoose, RejectsBadBatchSizes) {
  TempDir dir;
  const Dataset data = cifar10_of(dir, 5);
  for (BatchMode mode : {BatchMode::kFirst, BatchMode::kRandom}) {
    EXPECT_NE(input_error([&] { (void)data.choose(1, mode, 1); }).find("K needs at least 2 images"),
              std::string::npos);
    EXPECT_NE(input_error([&] { (void)data.choose(6, mode, 1); }).find("batch size 6: larger"),
              std::string::npos);
  }
  EXPECT_NE(input_error([&] { (void)data.batch(1, BatchMode::kFirst, 1); }), "");
}

TEST(DatasetBatch, GathersTheChosenImages) {
  TempDir dir;
  const Dataset data = cifar10_of(dir, 10);
  const Tensor t = data.batch(4, BatchMode::kRandom, 2);
  const Tensor g = data.gather(data.choose(4, BatchMode::kRandom, 2));
  EXPECT_EQ(t.n, 4);
  EXPECT_EQ(t.data, g.data);
}

TEST(DatasetBatch, GaussianHasShapeAndIsSeeded) {
  const Dataset noise = Dataset::load(parse_data_spec("gaussian"), 8);
  const Tensor a = noise.batch(5, BatchMode::kRandom, 1);
  EXPECT_EQ(a.n, 5);
  EXPECT_EQ(a.c, 3);
  EXPECT_EQ(a.h, 8);
  EXPECT_EQ(a.w, 8);
  ASSERT_EQ(a.data.size(), 5u * 3 * 8 * 8);
  EXPECT_EQ(noise.batch(5, BatchMode::kFirst, 1).data, a.data);
  EXPECT_NE(noise.batch(5, BatchMode::kRandom, 2).data, a.data);
  double sum = 0, sum_sq = 0;
  for (float v : a.data) {
    sum += v;
    sum_sq += double{v} * v;
  }
  const double mean = sum / a.data.size();
  EXPECT_NEAR(mean, 0.0, 0.15);
  EXPECT_NEAR(std::sqrt(sum_sq / a.data.size() - mean * mean), 1.0, 0.15);
  EXPECT_NE(input_error([&] { (void)noise.batch(1, BatchMode::kRandom, 1); }), "");
  EXPECT_TRUE(noise.choose(4, BatchMode::kRandom, 1).empty());  // no images to index
}

}  // namespace
}  // namespace naswot::data
