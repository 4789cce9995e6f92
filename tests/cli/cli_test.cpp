// End-to-end tests of the `naswot` binary: outputs, exit codes and files left behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "naswot/spaces/nb201.h"
#include "support/data_writers.h"
#include "support/temp_dir.h"

namespace naswot {
namespace {

constexpr const char* kAllConv =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
constexpr const char* kAllNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Result {
  int code = -1;
  std::string out, err;
};

class Cli : public ::testing::Test {
 protected:
  Result run(const std::string& args) {
    const std::string cmd = std::string(NASWOT_BIN) + " " + args + " >" + (dir_ / "out").string() +
                            " 2>" + (dir_ / "err").string();
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir_ / "out");
    r.err = slurp(dir_ / "err");
    return r;
  }
  std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string q(const std::string& s) { return "'" + s + "'"; }
  // A table holding every NB201 arch, with accuracy = enumeration index % 100.
  std::string write_table() {
    spaces::Nb201Space space;
    std::ofstream out(path("table.csv"));
    out << "index,arch,acc\n";
    for (std::int64_t i = 0; i < 15625; ++i) out << i << "," << space.format(space.at(i)) << "," << i % 100 << "\n";
    return path("table.csv");
  }
  testing::TempDir dir_;
};

TEST_F(Cli, ScoreAllConvOnCifarReportsUnitsAndFiniteScore) {
  testing::write_cifar10_file(path("c.bin"), 12, 3);
  const Result r = run("score --arch " + q(kAllConv) + " --data cifar10:" + path("c.bin") +
                       " --batch-size 8 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n_units"], 1798144);
  EXPECT_TRUE(j["score"].is_number());
  EXPECT_TRUE(std::isfinite(j["score"].get<double>()));
  EXPECT_EQ(j["arch"], kAllConv);
  EXPECT_GT(j["seconds"].get<double>(), 0.0);
}

TEST_F(Cli, ScoreAllNoneIsMinusInf) {
  const Result r = run("score --arch " + q(kAllNone) + " --batch-size 4 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["score"], "-inf");
  EXPECT_EQ(j["n_units"], 77824);
  const Result human = run("score --arch " + q(kAllNone) + " --batch-size 4");
  EXPECT_NE(human.out.find("score    -inf"), std::string::npos) << human.out;
}

TEST_F(Cli, MalformedArchExitsTwoNamingTheToken) {
  const Result r = run("score --arch '|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|'");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("naswot: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("conv_5x5"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(Cli, BadInputsExitTwoNamingTheInput) {
  const struct {
    std::string args, needle;
  } cases[] = {
      {"score --index 15625", "--index 15625"},
      {"score --index -1", "--index -1"},
      {"score --arch " + q(kAllConv) + " --data cifar10:/nonexistent/x.bin", "/nonexistent/x.bin"},
      {"score --arch " + q(kAllConv) + " --batch-size 1", "--batch-size 1"},
      {"score --arch " + q(kAllConv) + " --space nb999", "nb999"},
      {"score --arch " + q(kAllConv) + " --data mnist:x", "mnist:x"},
      {"score --arch " + q(kAllConv) + " --relu-sites some", "--relu-sites some"},
      {"score --arch " + q(kAllConv) + " --batch middle", "--batch middle"},
      {"search --samples 0 --batch-size 4", "--samples"},
      {"search --samples 2 --metric acc", "--metric"},
      {"score", "--arch or --index"},
      {"score --arch " + q(kAllConv) + " --bench /nonexistent/t.csv", "/nonexistent/t.csv"},
  };
  for (const auto& c : cases) {
    const Result r = run(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << c.args << "\n" << r.err;
  }
}

TEST_F(Cli, UnknownFlagExitsTwoAndHelpExitsZero) {
  EXPECT_EQ(run("search --bogus").code, 2);
  EXPECT_EQ(run("--help").code, 0);
  EXPECT_EQ(run("").code, 2);
}

TEST_F(Cli, BatchLargerThanDatasetIsRejected) {
  testing::write_cifar10_file(path("c.bin"), 5, 1);
  const Result r = run("score --arch " + q(kAllConv) + " --data cifar10:" + path("c.bin") + " --batch-size 8");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--batch-size 8"), std::string::npos) << r.err;
}

TEST_F(Cli, SearchReportsChosenArchScoreAndAccuracyPerRun) {
  const std::string table = write_table();
  const Result r = run("search --samples 3 --runs 2 --batch-size 4 --bench " + table + " --metric acc --json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  spaces::Nb201Space space;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    const auto arch = space.parse(j["arch"].get<std::string>());
    EXPECT_EQ(j["accuracy"].get<double>(), static_cast<double>(space.index_of(arch) % 100));
    EXPECT_EQ(j["index"].get<std::int64_t>(), space.index_of(arch));
    EXPECT_TRUE(j.contains("score") && j.contains("n_units") && j.contains("seconds"));
    EXPECT_EQ(j["run"], n);
    ++n;
  }
  EXPECT_EQ(n, 2);
  const Result human = run("search --samples 3 --runs 2 --batch-size 4 --bench " + table + " --metric acc");
  ASSERT_EQ(human.code, 0) << human.err;
  EXPECT_NE(human.out.find("acc of the chosen networks"), std::string::npos) << human.out;
}

TEST_F(Cli, ScanWritesRowsAndResumesWithoutDuplicates) {
  const std::string out = path("scan.csv");
  ASSERT_EQ(run("scan --range 0:3 --batch-size 4 --out " + out).code, 0);
  const std::string first = slurp(out);
  EXPECT_EQ(std::count(first.begin(), first.end(), '\n'), 4) << first;
  EXPECT_EQ(first.rfind("index,arch,score,n_units,seconds\n", 0), 0u);
  // A killed writer leaves a torn last line; resuming cuts it off and completes the range.
  { std::ofstream(out, std::ios::app) << "3,|nor_conv"; }
  const Result r = run("scan --range 0:5 --batch-size 4 --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string second = slurp(out);
  EXPECT_EQ(second.substr(0, first.size()), first);
  EXPECT_EQ(std::count(second.begin(), second.end(), '\n'), 6) << second;
  EXPECT_EQ(second.find("|nor_conv\n"), std::string::npos);
  // Rows resumed later equal rows scored in one go (same batch, same weights).
  ASSERT_EQ(run("scan --range 0:5 --batch-size 4 --out " + path("once.csv")).code, 0);
  auto strip_seconds = [](const std::string& text) {
    std::string s;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) s += line.substr(0, line.rfind(',')) + "\n";
    return s;
  };
  EXPECT_EQ(strip_seconds(second), strip_seconds(slurp(path("once.csv"))));
}

TEST_F(Cli, ScanRefusesAForeignFileAndLeavesItAlone) {
  const std::string out = path("notes.csv");
  { std::ofstream(out) << "name,value\nx,1\n"; }
  const Result r = run("scan --range 0:2 --batch-size 4 --out " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(out), std::string::npos) << r.err;
  EXPECT_EQ(slurp(out), "name,value\nx,1\n");
}

TEST_F(Cli, ScanWithBadRangeWritesNothing) {
  const std::string out = path("never.csv");
  EXPECT_EQ(run("scan --range 5:2 --out " + out).code, 2);
  EXPECT_EQ(run("scan --range 0:99999 --out " + out).code, 2);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(Cli, CorrelateScanAgainstTable) {
  const std::string table = write_table();
  const std::string out = path("scan.csv");
  ASSERT_EQ(run("scan --range 100:108 --batch-size 4 --out " + out).code, 0);
  const Result r = run("correlate --scores " + out + " --bench " + table + " --metric acc --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["metric"], "acc");
  EXPECT_EQ(j["n"], 8);
  EXPECT_GE(j["kendall_tau"].get<double>(), -1.0);
  EXPECT_LE(j["kendall_tau"].get<double>(), 1.0);
  EXPECT_EQ(run("correlate --scores " + out + " --bench " + table + " --metric nope").code, 2);
}

}  // namespace
}  // namespace naswot
