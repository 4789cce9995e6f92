// End-to-end tests of `naswot search --algo rea|area|reinforce|random` on a benchmark table
// written to a temp dir: one JSON object per run with the documented fields, AREA's scores
// from a scan CSV (whole or partial), limits honoured, and bad input exiting 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_fixture.h"
#include "naswot/search/constraints.h"
#include "naswot/spaces/nb201.h"

namespace naswot {
namespace {

class SearchCli : public testing::CliTest {
 protected:
  void SetUp() override {
    // Every NB201 arch: acc = 10 per 3x3 conv + 1 per 1x1 conv; score = the number of 3x3 convs.
    const spaces::Nb201Space space;
    std::ofstream table(dir_ / "table.csv"), scores(dir_ / "scores.csv"),
        partial(dir_ / "partial.csv");
    table << "index,arch,acc,other\n";
    scores << "index,arch,score,n_units,seconds\n";
    partial << "index,arch,score,n_units,seconds\n";
    for (std::int64_t i = 0; i < 15625; ++i) {
      const spaces::Arch a = space.at(i);
      int f = 0, n3 = 0;
      for (std::int32_t op : a) f += op == 3 ? 10 : op == 2 ? 1 : 0, n3 += op == 3;
      const std::string text = space.format(a);
      table << i << "," << text << "," << f << "," << i << "\n";
      scores << i << "," << text << "," << n3 << ",1,0.1\n";
      if (i % 50 == 0) partial << i << "," << text << "," << n3 << ",1,0.1\n";
    }
  }
  static std::vector<nlohmann::json> lines(const std::string& out) {
    std::vector<nlohmann::json> v;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) v.push_back(nlohmann::json::parse(line));
    return v;
  }
  std::string table() const { return " --bench " + path("table.csv") + " --metric acc"; }
};

TEST_F(SearchCli, EveryAlgorithmPrintsOneJsonObjectPerRun) {
  for (const std::string algo : {"rea", "random", "reinforce"}) {
    const Result r = run("search --algo " + algo + table() + " --runs 3 --budget-evals 40 --json");
    ASSERT_EQ(r.code, 0) << algo << ": " << r.err;
    const auto runs = lines(r.out);
    ASSERT_EQ(runs.size(), 3u) << algo;
    for (const auto& j : runs) {
      EXPECT_EQ(j["algo"], algo);
      EXPECT_EQ(j["n_trainings"], 40);
      EXPECT_EQ(j["n_scores"], 0);
      EXPECT_EQ(j["metrics"]["acc"], j["accuracy"]);
      EXPECT_EQ(j["metrics"]["other"], j["index"]);  // the chosen row's other columns
      EXPECT_TRUE(j["arch"].is_string() && j["seconds"].is_number() && j["params"].is_number());
    }
  }
}

TEST_F(SearchCli, AreaTakesScoresFromAScanFile) {
  const Result r = run("search --algo area" + table() + " --scores " + path("scores.csv") +
                       " --runs 2 --budget-evals 30 --population 5 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const auto& j : lines(r.out)) {
    EXPECT_EQ(j["n_trainings"], 30);
    EXPECT_GE(j["n_scores"], 5);
    EXPECT_LE(j["n_scores"], 10);  // M = 2P
  }
  EXPECT_EQ(r.err, "");
  const Result human = run("search --algo area" + table() + " --scores " + path("partial.csv") +
                           " --runs 2 --budget-evals 30 --candidates 100");
  ASSERT_EQ(human.code, 0) << human.err;
  EXPECT_NE(human.err.find("scores 313 architectures of 15625"), std::string::npos) << human.err;
  EXPECT_NE(human.out.find("area acc of the chosen networks"), std::string::npos) << human.out;
}

TEST_F(SearchCli, AreaScoresLiveWithoutAScanFile) {
  const Result r = run("search --algo area" + table() +
                       " --batch-size 4 --population 2 --budget-evals 6 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n_trainings"], 6);
  EXPECT_GE(j["n_scores"], 2);
  EXPECT_LE(j["n_scores"], 4);
}

TEST_F(SearchCli, ParameterLimitHolds) {
  const Result r = run("search --algo rea" + table() + " --runs 3 --max-params 300000 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const auto& j : lines(r.out)) EXPECT_LE(j["params"].get<std::int64_t>(), 300000);
}

TEST_F(SearchCli, BadInputExitsTwoNamingTheInput) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"search --algo nope" + table(), "--algo nope"},
      {"search --algo rea --bench " + path("table.csv"), "--metric"},
      {"search --algo rea --metric acc", "--bench"},
      {"search --algo rea" + table() + " --budget-evals 0", "--budget-evals"},
      {"search --algo rea" + table() + " --budget-seconds 10", "--cost"},
      {"search --algo rea" + table() + " --population 0", "--population"},
      {"search --algo rea" + table() + " --max-flops 1", "--max-flops 1"},
      {"search --algo rea" + table() + " --scores " + path("scores.csv"), "--scores"},
      {"search --algo area" + table() + " --scores " + path("missing.csv"), "missing.csv"},
  };
  for (const auto& [args, needle] : cases) {
    const Result r = run(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << " -> " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace naswot
