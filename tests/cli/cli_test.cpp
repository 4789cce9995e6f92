// End-to-end tests of the `naswot` binary: outputs, exit codes and files left behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/cli_fixture.h"
#include "naswot/spaces/nb201.h"
#include "support/data_writers.h"
#include "support/temp_dir.h"

namespace naswot {
namespace {

constexpr const char* kAllConv =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~"
    "2|";
constexpr const char* kAllNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";

class Cli : public testing::CliTest {
 protected:
  // A table holding every NB201 arch, with accuracy = enumeration index % 100.
  std::string write_table() {
    spaces::Nb201Space space;
    std::ofstream out(path("table.csv"));
    out << "index,arch,acc\n";
    for (std::int64_t i = 0; i < 15625; ++i)
      out << i << "," << space.format(space.at(i)) << "," << i % 100 << "\n";
    return path("table.csv");
  }
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
  const Result r =
      run("score --arch " + q(kAllConv) + " --data cifar10:" + path("c.bin") + " --batch-size 8");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--batch-size 8"), std::string::npos) << r.err;
}

TEST_F(Cli, SearchReportsChosenArchScoreAndAccuracyPerRun) {
  const std::string table = write_table();
  const Result r =
      run("search --samples 3 --runs 2 --batch-size 4 --bench " + table + " --metric acc --json");
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
  const Result human =
      run("search --samples 3 --runs 2 --batch-size 4 --bench " + table + " --metric acc");
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

// ---- Issue 7: every bad input exits 2 with one line naming it, and leaves no output file ----

namespace naswot {
namespace {

class CliBadInput : public Cli {
 protected:
  // Runs `naswot ARGS` (a scan gets `--out never.csv`) and checks exit 2, one stderr line
  // "naswot: ..." containing `needle`, nothing on stdout and no scan file created.
  void expect_bad(const std::string& args, const std::string& needle) {
    const bool scan = args.rfind("scan ", 0) == 0;
    const std::string out = path("never.csv");
    const Result r = run(args + (scan ? " --out " + out : ""));
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("naswot: ", 0), 0u) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << args << "\n" << r.out;
    EXPECT_FALSE(std::filesystem::exists(out)) << args;
  }
  // A three-row NB201 table (indices 0..2 -> enumeration 0..2) with `extra` appended verbatim.
  std::string small_table(const std::string& name, const std::string& extra = "") {
    spaces::Nb201Space space;
    std::ofstream f(path(name));
    f << "index,arch,acc\n";
    for (int i = 0; i < 3; ++i) f << i << "," << space.format(space.at(i)) << "," << 50 + i << "\n";
    f << extra;
    return path(name);
  }
};

TEST_F(CliBadInput, ArchitecturesAndIndices) {
  const std::string conv = "|nor_conv_3x3~0|";
  const struct {
    std::string args, needle;
  } cases[] = {
      // wrong op, wrong input index, missing group, trailing garbage
      {"score --arch '|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|'", "conv_9x9"},
      {"score --arch '|nor_conv_3x3~1|+|none~0|none~1|+|none~0|none~1|none~2|'", "~1"},
      {"score --arch '|nor_conv_3x3~0|+|none~0|none~1|'", "|nor_conv_3x3~0|+|none~0|none~1|"},
      {"score --arch " + q(std::string(kAllConv) + "junk"), "junk"},
      {"score --arch " + q(std::string(kAllConv) + "+|none~0|"), kAllConv},
      {"score --space natsss --arch 8:16:32:64:65", "65"},
      {"score --index 99999999", "--index 99999999"},
      {"scan --range -1:3", "--range -1:3"},
      {"scan --range 0:15626", "--range 0:15626"},
      {"scan --range 0:3x", "--range 0:3x"},
      {"scan --all --range 0:3", "--all"},
  };
  for (const auto& c : cases) expect_bad(c.args, c.needle);
  // An indices file with a negative index, one past the end, junk, a repeat, or nothing.
  const struct {
    std::string text, needle;
  } files[] = {
      {"0\n-5\n", "-5"},          {"15625\n", "15625"}, {"1\n2x\n", "idx.txt:2"},
      {"1\n2\n1\n", "idx.txt:3"}, {"\n\n", "idx.txt"},
  };
  for (const auto& f : files) {
    std::ofstream(path("idx.txt")) << f.text;
    expect_bad("scan --batch-size 4 --indices " + path("idx.txt"), f.needle);
  }
}

TEST_F(CliBadInput, DatasetFiles) {
  const std::string score = "score --arch " + q(kAllConv) + " --batch-size 4 --data ";
  testing::write_bytes(path("empty.bin"), "");
  testing::write_cifar10_file(path("trunc.bin"), 3, 1);
  std::filesystem::resize_file(path("trunc.bin"), 2 * 3073 + 1000);  // cut mid-record
  testing::write_cifar100_file(path("c100.bin"), 4, 1);              // 3074-byte records
  std::filesystem::create_directories(path("no_batches"));
  testing::write_bytes(path("no_batches/readme.txt"), "hello");
  std::filesystem::create_directories(path("no_train"));
  // Image folders: an undecodable image, two sizes, a non-square size, no images at all.
  std::filesystem::create_directories(path("corrupt/a"));
  testing::write_png(path("corrupt/a/0.png"), 8, 8, 1);
  testing::write_bytes(path("corrupt/a/1.png"), "\x89PNG\r\n\x1a\nnot really a png");
  std::filesystem::create_directories(path("sizes/a"));
  testing::write_png(path("sizes/a/0.png"), 8, 8, 1);
  testing::write_png(path("sizes/a/1.png"), 16, 16, 2);
  std::filesystem::create_directories(path("oblong/a"));
  for (int i = 0; i < 4; ++i)
    testing::write_png(path("oblong/a/" + std::to_string(i) + ".png"), 8, 4, i);
  std::filesystem::create_directories(path("noimages/a"));
  testing::write_bytes(path("noimages/a/notes.txt"), "x");
  const struct {
    std::string data, needle;
  } cases[] = {
      {"cifar10:" + path("empty.bin"), "empty.bin: file is empty"},
      {"cifar10:" + path("trunc.bin"), "trunc.bin: 7146 bytes is not a multiple of 3073"},
      {"cifar10:" + path("c100.bin"), "c100.bin: 12296 bytes is not a multiple of 3073"},
      {"cifar10:" + path("no_batches"), "no_batches: folder holds none of data_batch_1.bin"},
      {"cifar100:" + path("no_train"), "no_train: folder holds no train.bin"},
      {"cifar10:" + path("missing.bin"), "missing.bin: no such file"},
      {"folder:" + path("corrupt"), "1.png: cannot decode the image"},
      {"folder:" + path("sizes"), "1.png: image is 16x16"},
      {"folder:" + path("oblong"), "scoring needs square images"},
      {"folder:" + path("noimages"), "noimages: no .png, .jpg or .jpeg images"},
      {"folder:" + path("missing_dir"), "missing_dir: no such folder"},
  };
  for (const auto& c : cases) {
    expect_bad(score + c.data, c.needle);
    expect_bad("scan --range 0:2 --batch-size 4 --data " + c.data, c.needle);
  }
}

TEST_F(CliBadInput, BenchmarkTables) {
  const std::string good = small_table("good.csv");
  testing::write_bytes(path("empty.csv"), "");
  testing::write_bytes(path("header.csv"), "index,arch,acc\n");
  small_table("dup.csv", "3," + spaces::Nb201Space().format(spaces::Nb201Space().at(1)) + ",9\n");
  small_table("ragged.csv", "3,x\n");
  {
    std::ofstream f(path("nonnum.csv"));
    f << "index,arch,acc\n0," << spaces::Nb201Space().format(spaces::Nb201Space().at(0))
      << ",abc\n1," << spaces::Nb201Space().format(spaces::Nb201Space().at(1)) << ",7\n";
  }
  const struct {
    std::string args, needle;
  } cases[] = {
      {"search --samples 2 --batch-size 4 --metric acc --bench " + path("empty.csv"),
       "empty.csv: empty file"},
      {"search --samples 2 --batch-size 4 --metric acc --bench " + path("header.csv"),
       "header.csv: no data rows"},
      {"search --samples 2 --batch-size 4 --metric acc --bench " + path("dup.csv"),
       "dup.csv:5: duplicate arch"},
      {"search --samples 2 --batch-size 4 --metric acc --bench " + path("ragged.csv"),
       "ragged.csv:5: expected 3 cells, found 2"},
      {"search --samples 2 --batch-size 4 --metric top1 --bench " + good, "top1"},
      {"scan --all --batch-size 4 --bench " + path("dup.csv"), "dup.csv:5"},
      {"scan --all --batch-size 4 --bench " + path("missing.csv"), "missing.csv: no such file"},
  };
  for (const auto& c : cases) expect_bad(c.args, c.needle);

  // correlate: a non-numeric cell, a missing metric, a scores file that is not a scan of
  // this table's architectures, or has no score column.
  ASSERT_EQ(run("scan --range 0:2 --batch-size 4 --out " + path("s.csv")).code, 0);
  ASSERT_EQ(run("scan --range 500:502 --batch-size 4 --out " + path("other.csv")).code, 0);
  testing::write_bytes(path("noscore.csv"), "index,arch,value\n0,x,1\n");
  const struct {
    std::string args, needle;
  } correlate[] = {
      {"correlate --scores " + path("s.csv") + " --bench " + path("nonnum.csv") + " --metric acc",
       "nonnum.csv:2: row 0, column 'acc': 'abc' is not a number"},
      {"correlate --scores " + path("s.csv") + " --bench " + good + " --metric top1",
       "no column 'top1'"},
      {"correlate --scores " + path("other.csv") + " --bench " + good + " --metric acc",
       "other.csv: no architecture matches a row of"},
      {"correlate --scores " + path("noscore.csv") + " --bench " + good,
       "noscore.csv: no column 'score'"},
      {"correlate --scores " + path("missing.csv") + " --bench " + good,
       "missing.csv: no such file"},
  };
  for (const auto& c : correlate) expect_bad(c.args, c.needle);
}

TEST_F(CliBadInput, ImpossibleOptions) {
  testing::write_cifar10_file(path("c.bin"), 6, 1);
  const std::string arch = " --arch " + q(kAllConv);
  const struct {
    std::string args, needle;
  } cases[] = {
      {"score" + arch + " --batch-size 0", "--batch-size 0: K needs at least 2 images"},
      {"score" + arch + " --batch-size -3", "--batch-size -3"},
      {"score" + arch + " --batch-size 8 --data cifar10:" + path("c.bin"),
       "--batch-size 8: larger than the 6 images"},
      {"scan --range 0:2 --batch-size 8 --data cifar10:" + path("c.bin"), "--batch-size 8"},
      {"score" + arch + " --precision xyz", "--precision xyz: must be 'f32' or 'bf16'"},
      {"scan --range 0:2 --batch-size 4 --precision xyz", "--precision xyz"},
      {"score" + arch + " --space nb999", "--space nb999: unknown search space"},
      {"search --samples -2 --batch-size 4", "--samples"},
      {"search --samples 0 --batch-size 4", "--samples"},
      {"search --samples 2 --batch-size 4 --threads -1", "--threads -1"},
      {"scan --range 0:2 --batch-size 4 --jobs -1", "--jobs -1"},
      // A batch this machine cannot hold: refused up front, saying how much it would need.
      {"score" + arch + " --batch-size 2000000", "--batch-size 2000000: needs about "},
      {"scan --range 0:2 --batch-size 2000000", "GiB of memory; this machine has "},
  };
  for (const auto& c : cases) expect_bad(c.args, c.needle);
}

TEST_F(CliBadInput, ScanWithBadOptionsLeavesAnExistingFileAlone) {
  const std::string out = path("scan.csv");
  ASSERT_EQ(run("scan --range 0:3 --batch-size 4 --out " + out).code, 0);
  const std::string before = slurp(out);
  for (const std::string bad :
       {"--range 0:3 --batch-size 1", "--range 0:3 --batch-size 4 --precision xyz",
        "--range 3:0 --batch-size 4", "--range 0:3 --batch-size 4 --data cifar10:/nonexistent",
        "--range 0:3 --batch-size 2000000", "--range 0:3 --batch-size 4 --space nb999",
        "--range 0:3 --batch-size 4 --relu-sites all"}) {
    const Result r = run("scan " + bad + " --out " + out);
    EXPECT_EQ(r.code, 2) << bad << "\n" << r.err;
    EXPECT_EQ(slurp(out), before) << bad;
  }
  EXPECT_FALSE(std::filesystem::exists(out + ".damaged"));
}

TEST_F(CliBadInput, ScanRefusesAFileScannedOverAnotherIndexing) {
  const std::string out = path("scan.csv");
  ASSERT_EQ(run("scan --range 0:3 --batch-size 4 --out " + out).code, 0);
  const std::string before = slurp(out);
  // Same indices, other architectures: index i of this table is enumeration index 10 + i.
  spaces::Nb201Space space;
  {
    std::ofstream f(path("shifted.csv"));
    f << "index,arch,acc\n";
    for (int i = 0; i < 3; ++i) f << i << "," << space.format(space.at(10 + i)) << ",1\n";
  }
  const Result r =
      run("scan --range 0:3 --batch-size 4 --bench " + path("shifted.csv") + " --out " + out);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(out + ": row 0 holds "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--bench"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(out), before);
}

TEST_F(CliBadInput, ScanRefusesAFileAnotherScanIsWriting) {
  const std::string out = path("scan.csv");
  ASSERT_EQ(run("scan --range 0:2 --batch-size 4 --out " + out).code, 0);
  const std::string before = slurp(out);
  const int fd = ::open(out.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // what a running scan holds
  const Result r = run("scan --range 0:4 --batch-size 4 --out " + out);
  ::close(fd);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(out + ": another naswot scan is writing this file"), std::string::npos)
      << r.err;
  EXPECT_EQ(slurp(out), before);
}

TEST_F(Cli, ScanMovesDamagedRowsAsideAndScoresThemAgain) {
  const std::string out = path("scan.csv");
  ASSERT_EQ(run("scan --range 0:5 --batch-size 4 --out " + path("once.csv")).code, 0);
  ASSERT_EQ(run("scan --range 0:4 --batch-size 4 --out " + out).code, 0);
  // What a power loss can leave: a block of NULs where row 2 was, later rows intact.
  std::string text = slurp(out);
  std::size_t row2 = 0;
  for (int k = 0; k < 3; ++k) row2 = text.find('\n', row2) + 1;
  const std::size_t row2_end = text.find('\n', row2);
  text.replace(row2, row2_end - row2, std::string(row2_end - row2, '\0'));
  testing::write_bytes(out, text);
  const Result r = run("scan --range 0:5 --batch-size 4 --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find(out + ":4: contains a control character"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(out + ".damaged"), text.substr(row2));
  auto strip_seconds = [](const std::string& t) {
    std::string s;
    std::istringstream in(t);
    for (std::string line; std::getline(in, line);) s += line.substr(0, line.rfind(',')) + "\n";
    return s;
  };
  EXPECT_EQ(strip_seconds(slurp(out)), strip_seconds(slurp(path("once.csv"))));
}

}  // namespace
}  // namespace naswot
