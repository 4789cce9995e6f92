// `--stem-channels` end to end: it widens an NB101 network (more counted units), a width the
// network cannot split, a non-number, or a space without a stem width exits 2 (with a one-line
// message, except for CLI11's own parse errors).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/cli_fixture.h"

namespace naswot {
namespace {

class StemChannelsCli : public testing::CliTest {};

// input -> conv3x3 -> output: stem ReLU (C x 32 x 32), then per stack k (width C * 2^k at
// 32 / 2^k px) three cells, each the input projection's ReLU and the conv's ReLU.
constexpr const char* kChain = "'010001000|input,conv3x3-bn-relu,output'";

std::int64_t chain_units(std::int64_t c) {
  std::int64_t units = c * 32 * 32;
  for (std::int64_t k = 0; k < 3; ++k) {
    const std::int64_t width = c << k, side = 32 >> k;
    units += 3 * 2 * width * side * side;
  }
  return units;
}

TEST_F(StemChannelsCli, WidensNb101) {
  const Result small =
      run(std::string("score --space nb101 --batch-size 4 --json --arch ") + kChain);
  ASSERT_EQ(small.code, 0) << small.err;
  const Result big = run(std::string("score --space nb101 --stem-channels 128 --batch-size 4 "
                                     "--json --arch ") +
                         kChain);
  ASSERT_EQ(big.code, 0) << big.err;
  EXPECT_EQ(nlohmann::json::parse(small.out)["n_units"], chain_units(16));
  EXPECT_EQ(nlohmann::json::parse(big.out)["n_units"], chain_units(128));
}

TEST_F(StemChannelsCli, BadValuesExitTwoWithOneLine) {
  for (const std::string& args :
       {std::string("--space nb101 --stem-channels 3"), std::string("--stem-channels 128"),
        std::string("--space anynet --stem-channels 64")}) {
    SCOPED_TRACE(args);
    const Result r = run("score --batch-size 4 " + args + " --arch " + kChain);
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(r.err.rfind("naswot: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(run("score --space nb101 --stem-channels x --arch " + std::string(kChain)).code, 2);
  EXPECT_NE(run("score --batch-size 4 --stem-channels 128 --arch x")
                .err.find("--stem-channels 128: the nb201 space has no option 'stem'"),
            std::string::npos);
}

}  // namespace
}  // namespace naswot
