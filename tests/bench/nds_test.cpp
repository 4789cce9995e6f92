// NDS JSON benchmark files: entry order (root list, or top then mid), accuracy = 100 − last
// test error, optional columns, repeated networks, and the errors that name file and entry.
#include "naswot/bench/nds.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/input_error.h"
#include "support/temp_dir.h"

namespace naswot::bench {
namespace {

using nlohmann::json;
using testing::input_error;

// The "arch" of a net is its "name"; a net named "bad" is rejected like a malformed genotype.
std::string key_of(std::string_view net_json) {
  const std::string name = json::parse(net_json).at("name");
  if (name == "bad") throw InputError("bad", "unknown op 'x'");
  return name;
}

json entry(const std::string& name, std::vector<double> test_errors) {
  return {{"net", {{"name", name}, {"width", 16}}},
          {"test_ep_top1", test_errors},
          {"params", 12345},
          {"flops", 6.5e7},
          {"min_test_top1", 7.5}};
}

std::string write(const testing::TempDir& dir, const json& root) {
  const std::string path = (dir / "Space.json").string();
  std::ofstream(path) << root.dump();
  return path;
}

TEST(Nds, ListRootKeepsOrderAndConvertsErrorsToAccuracy) {
  testing::TempDir dir;
  const std::string path = write(dir, json::array({entry("a", {50.0, 10.25}), entry("b", {40.0})}));
  const Table t = read_nds_json(path, key_of);
  ASSERT_EQ(t.n_rows(), 2);
  EXPECT_EQ(t.text(0, "index"), "0");
  EXPECT_EQ(t.text(1, "arch"), "b");
  EXPECT_DOUBLE_EQ(*t.value(0, "test_acc"), 89.75);  // 100 − the last epoch's error
  EXPECT_DOUBLE_EQ(*t.value(1, "test_acc"), 60.0);
  EXPECT_DOUBLE_EQ(*t.value(0, "min_test_acc"), 92.5);
  EXPECT_DOUBLE_EQ(*t.value(0, "params"), 12345.0);
  EXPECT_DOUBLE_EQ(*t.value(0, "flops"), 6.5e7);
  EXPECT_EQ(t.row_of_arch("b"), 1);
  EXPECT_EQ(t.row_of_index(1), 1);
}

TEST(Nds, TopThenMidAndRepeatedNetsMapToTheFirstRow) {
  testing::TempDir dir;
  json root = {{"mid", json::array({entry("m", {30.0}), entry("t", {20.0})})},
               {"top", json::array({entry("t", {5.0})})}};
  root["mid"][1].erase("params");  // absent optional columns are empty cells
  const Table t = read_nds_json(write(dir, root), key_of);
  ASSERT_EQ(t.n_rows(), 3);
  EXPECT_EQ(t.text(0, "arch"), "t");
  EXPECT_EQ(t.text(1, "arch"), "m");
  EXPECT_EQ(t.row_of_arch("t"), 0);
  EXPECT_FALSE(t.value(2, "params").has_value());
}

TEST(Nds, BadFilesNameTheFileAndEntry) {
  testing::TempDir dir;
  const std::string missing = (dir / "none.json").string();
  EXPECT_EQ(input_error([&] { (void)read_nds_json(missing, key_of); }), missing + ": no such file");
  const std::string not_json = (dir / "x.json").string();
  std::ofstream(not_json) << "[{\"net\": ";
  EXPECT_NE(input_error([&] { (void)read_nds_json(not_json, key_of); }).find("not valid JSON"),
            std::string::npos);
  const std::string huge = (dir / "huge.json").string();
  std::ofstream(huge) << R"([{"net": {}, "test_ep_top1": [1e999]}])";
  EXPECT_NE(input_error([&] { (void)read_nds_json(huge, key_of); }).find("not valid JSON"),
            std::string::npos);
  const std::string empty = write(dir, json::array());
  EXPECT_EQ(input_error([&] { (void)read_nds_json(empty, key_of); }), empty + ": no entries");

  json no_errors = json::array({entry("a", {1.0}), entry("b", {})});
  const std::string p1 = write(dir, no_errors);
  EXPECT_EQ(input_error([&] { (void)read_nds_json(p1, key_of); }),
            p1 + ":entry 1: has no numeric \"test_ep_top1\" list");
  const std::string p2 = write(dir, json::array({json{{"test_ep_top1", {1.0}}}}));
  EXPECT_EQ(input_error([&] { (void)read_nds_json(p2, key_of); }),
            p2 + ":entry 0: has no \"net\" object");
  const std::string p3 = write(dir, json::array({entry("a", {1.0}), entry("bad", {1.0})}));
  EXPECT_EQ(input_error([&] { (void)read_nds_json(p3, key_of); }),
            p3 + ":entry 1: bad: unknown op 'x'");
}

}  // namespace
}  // namespace naswot::bench
