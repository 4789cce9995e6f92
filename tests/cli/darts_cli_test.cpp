// End-to-end: `naswot score --space darts` takes the DARTS Genotype text and NDS JSON, prints
// the canonical text, and rejects a bad genotype with exit status 2 and a one-line message.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/cli_fixture.h"
#include "support/data_writers.h"

namespace naswot {
namespace {

constexpr const char* kDartsV2 =
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
    "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
    "('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), "
    "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
    "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

class DartsCli : public testing::CliTest {};

TEST_F(DartsCli, ScoresTheDartsTextAndNdsJson) {
  testing::write_cifar10_file(path("c.bin"), 12, 3);
  const std::string text = std::string(kDartsV2) + " C=4 L=3";
  const Result r = run("score --space darts --arch " + q(text) +
                       " --data cifar10:" + path("c.bin") + " --batch-size 8 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["arch"], text);
  EXPECT_GT(j["n_units"].get<std::int64_t>(), 0);
  ASSERT_TRUE(j["score"].is_number());
  EXPECT_TRUE(std::isfinite(j["score"].get<double>()));

  // The same network as an NDS net object.
  const std::string net =
      R"({"width": 4, "depth": 3, "aux": false, "genotype": {"normal": [["sep_conv_3x3", 0],)"
      R"( ["sep_conv_3x3", 1], ["sep_conv_3x3", 0], ["sep_conv_3x3", 1], ["sep_conv_3x3", 1],)"
      R"( ["skip_connect", 0], ["skip_connect", 0], ["dil_conv_3x3", 2]], "normal_concat":)"
      R"( [2, 3, 4, 5], "reduce": [["max_pool_3x3", 0], ["max_pool_3x3", 1], ["skip_connect", 2],)"
      R"( ["max_pool_3x3", 1], ["max_pool_3x3", 0], ["skip_connect", 2], ["skip_connect", 2],)"
      R"( ["max_pool_3x3", 1]], "reduce_concat": [2, 3, 4, 5]}})";
  const Result r2 = run("score --space darts --arch " + q(net) +
                        " --data cifar10:" + path("c.bin") + " --batch-size 8 --json");
  ASSERT_EQ(r2.code, 0) << r2.err;
  const auto j2 = nlohmann::json::parse(r2.out);
  EXPECT_EQ(j2["arch"], text);
  EXPECT_EQ(j2["score"], j["score"]);
  EXPECT_EQ(j2["n_units"], j["n_units"]);
}

TEST_F(DartsCli, BadGenotypeExitsTwoNamingIt) {
  const std::string text =
      "Genotype(normal=[('sep_conv_9x9', 0), ('none', 1)], normal_concat=[2], "
      "reduce=[('none', 0), ('none', 1)], reduce_concat=[2])";
  const Result r = run("score --space darts --arch " + q(text) + " --batch-size 4");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("naswot: " + text + ": unknown op 'sep_conv_9x9'", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace naswot
