// End-to-end: NDS benchmark files (`<Name>.json`) as --bench for scan and correlate, in the
// genotype space (darts) and AnyNet, where the file name sets the reference's stem.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/cli_fixture.h"
#include "support/data_writers.h"

namespace naswot {
namespace {

using nlohmann::json;

class NdsCli : public testing::CliTest {
 protected:
  void write(const std::string& name, const json& j) const { std::ofstream(dir_ / name) << j; }
};

json cell(const std::string& op) {
  json pairs = json::array();
  for (int node = 0; node < 4; ++node) {
    pairs.push_back({op, 0});
    pairs.push_back({"skip_connect", 1});
  }
  return pairs;
}

json darts_entry(const std::string& op, double last_error) {
  return {{"net",
           {{"width", 4},
            {"depth", 3},
            {"aux", false},
            {"genotype",
             {{"normal", cell(op)},
              {"normal_concat", {2, 3, 4, 5}},
              {"reduce", cell("max_pool_3x3")},
              {"reduce_concat", {2, 3, 4, 5}}}}}},
          {"test_ep_top1", {60.0, last_error}}};
}

TEST_F(NdsCli, ScansAndCorrelatesAGenotypeFile) {
  testing::write_cifar10_file(path("c.bin"), 12, 3);
  write("DARTS.json",
        {{"top", {darts_entry("sep_conv_3x3", 10.0)}},
         {"mid", {darts_entry("avg_pool_3x3", 30.0), darts_entry("conv_3x3", 20.0)}}});
  const std::string data = " --data cifar10:" + path("c.bin") + " --batch-size 8 -q";
  Result r = run("scan --space darts --bench " + path("DARTS.json") + " --all --out " +
                 path("s.csv") + data);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string scores = slurp("s.csv");
  EXPECT_NE(scores.find("\n0,\"Genotype(normal=[('sep_conv_3x3', 0)"), std::string::npos) << scores;
  EXPECT_NE(scores.find("\n2,\"Genotype(normal=[('conv_3x3', 0)"), std::string::npos) << scores;

  r = run("correlate --scores " + path("s.csv") + " --bench " + path("DARTS.json") +
          " --metric test_acc --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["metric"], "test_acc");
  EXPECT_EQ(j["n"], 3);

  // A bad net names the file and the entry.
  write("Bad.json", json::array({darts_entry("sep_conv_3x3", 10.0), darts_entry("conv_9x9", 1)}));
  r = run("scan --space darts --bench " + path("Bad.json") + " --all --out " + path("b.csv") +
          data);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(path("Bad.json") + ":entry 1: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("conv_9x9"), std::string::npos) << r.err;
}

TEST_F(NdsCli, AnynetStemFollowsTheFileName) {
  const json net = {{"block_type", "res_basic_block"},
                    {"stem_type", "simple_stem_in"},
                    {"stem_w", 32},
                    {"ds", {1, 1}},
                    {"ws", {8, 16}},
                    {"ss", {1, 2}},
                    {"bot_muls", nullptr},
                    {"num_gs", nullptr},
                    {"se_r", nullptr},
                    {"nc", 10}};
  const json entries = json::array({{{"net", net}, {"test_ep_top1", {20.0}}}});
  write("ResNet.json", entries);
  write("Vanilla.json", entries);
  const std::string data = " --data gaussian --batch-size 8 -q";
  Result r = run("scan --space anynet --bench " + path("ResNet.json") + " --all --out " +
                 path("r.csv") + data);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(slurp("r.csv").find("stem=res_stem_in"), std::string::npos) << slurp("r.csv");
  r = run("scan --space anynet --bench " + path("Vanilla.json") + " --all --out " + path("v.csv") +
          data);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(slurp("v.csv").find("stem=simple_stem_in"), std::string::npos) << slurp("v.csv");
}

}  // namespace
}  // namespace naswot
