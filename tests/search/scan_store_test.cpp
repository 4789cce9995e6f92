// ScanStore: creating, resuming and repairing scan files, the row grammar and the file lock.
#include "naswot/search/scan_store.h"

#include <gtest/gtest.h>
#include <sys/file.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "naswot/util/error.h"
#include "support/temp_dir.h"

namespace naswot::search {
namespace {

constexpr const char* kArchA = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|";
constexpr const char* kArchB = "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string header() { return std::string(ScanStore::kHeader) + "\n"; }

// The message of the InputError `f` throws; fails the test if it throws nothing.
template <class F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

TEST(ScanStore, CreatesAFileWithTheHeader) {
  testing::TempDir dir;
  { ScanStore store(dir / "s.csv"); }
  EXPECT_EQ(slurp(dir / "s.csv"), header());
}

TEST(ScanStore, AppendsRowsAndResumesWithThem) {
  testing::TempDir dir;
  {
    ScanStore store(dir / "s.csv");
    store.append({3, kArchA, 12.5, 100, 0.25});
    store.append({7, kArchB, -HUGE_VAL, 50, 0.0});
  }
  EXPECT_EQ(slurp(dir / "s.csv"),
            header() + "3," + kArchA + ",12.500000,100,0.2500\n7," + kArchB + ",-inf,50,0.0000\n");
  ScanStore store(dir / "s.csv");
  EXPECT_EQ(store.done(), (std::set<std::int64_t>{3, 7}));
  EXPECT_EQ(store.arch_of(7), std::optional<std::string_view>(kArchB));
  EXPECT_EQ(store.arch_of(4), std::nullopt);
  EXPECT_EQ(store.recovery().kept_rows, 2);
  EXPECT_EQ(store.recovery().torn_bytes, 0);
  EXPECT_EQ(store.recovery().damaged_bytes, 0);
}

TEST(ScanStore, QuotesArchTextWithCommas) {
  testing::TempDir dir;
  const std::string arch = "0110000|input,conv3x3-bn-relu,\"odd\",output";
  { ScanStore(dir / "s.csv").append({0, arch, 1.0, 2, 0.5}); }
  ScanStore store(dir / "s.csv");
  EXPECT_EQ(store.arch_of(0), std::optional<std::string_view>(arch));
}

TEST(ScanStore, CutsATornLastLine) {
  testing::TempDir dir;
  const std::string good = header() + "0," + kArchA + ",1.000000,10,0.1000\n";
  write(dir / "s.csv", good + "1," + kArchB + ",2.0");
  {
    ScanStore store(dir / "s.csv");
    EXPECT_EQ(store.done(), (std::set<std::int64_t>{0}));
    EXPECT_EQ(store.recovery().torn_bytes, static_cast<std::int64_t>(2 + strlen(kArchB) + 4));
    store.append({1, kArchB, 2.0, 10, 0.1});
  }
  EXPECT_EQ(slurp(dir / "s.csv"), good + "1," + kArchB + ",2.000000,10,0.1000\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "s.csv.damaged"));
}

TEST(ScanStore, RewritesATornHeader) {
  testing::TempDir dir;
  write(dir / "s.csv", "index,arch,sc");
  { ScanStore store(dir / "s.csv"); }
  EXPECT_EQ(slurp(dir / "s.csv"), header());
  write(dir / "e.csv", "");
  { ScanStore store(dir / "e.csv"); }
  EXPECT_EQ(slurp(dir / "e.csv"), header());
}

TEST(ScanStore, MovesDamagedRowsAsideAndKeepsTheValidPrefix) {
  const std::string row0 = "0," + std::string(kArchA) + ",1.000000,10,0.1000\n";
  const std::string row2 = "2," + std::string(kArchB) + ",3.000000,10,0.1000\n";
  const struct {
    std::string bad_line, reason;
  } cases[] = {
      {std::string(8, '\0') + "\n", "control character"},             // a crash's zero fill
      {"1," + std::string(kArchB) + ",2.0,10\n", "4 fields"},         // a field short
      {"1," + std::string(kArchB) + ",abc,10,0.1\n", "score 'abc'"},  // not a number
      {"x," + std::string(kArchB) + ",2.0,10,0.1\n", "index 'x'"},
      {"-1," + std::string(kArchB) + ",2.0,10,0.1\n", "index '-1'"},
      {"1,,2.0,10,0.1\n", "arch is empty"},
      {"1," + std::string(kArchB) + ",2.0,-10,0.1\n", "n_units '-10'"},
      {"1," + std::string(kArchB) + ",2.0,10,-0.5\n", "seconds '-0.5'"},
      {"1,\"" + std::string(kArchB) + ",2.0,10,0.1\n", "quoted"},
      {row0, "index 0 appears twice"},
  };
  for (const auto& c : cases) {
    testing::TempDir dir;
    const std::string tail = c.bad_line + row2 + "3,trunc";
    write(dir / "s.csv", header() + row0 + tail);
    {
      ScanStore store(dir / "s.csv");
      EXPECT_EQ(store.done(), (std::set<std::int64_t>{0})) << c.reason;
      EXPECT_EQ(store.recovery().damaged_line, 3) << c.reason;
      EXPECT_EQ(store.recovery().damaged_bytes, static_cast<std::int64_t>(tail.size()));
      EXPECT_NE(store.recovery().damage.find(c.reason), std::string::npos)
          << store.recovery().damage;
    }
    EXPECT_EQ(slurp(dir / "s.csv"), header() + row0) << c.reason;
    EXPECT_EQ(slurp(dir / "s.csv.damaged"), tail) << c.reason;
  }
}

TEST(ScanStore, RefusesAForeignFileAndLeavesItAlone) {
  testing::TempDir dir;
  for (const std::string text : {"name,value\nx,1\n", "name,value", "index,arch\n"}) {
    write(dir / "f.csv", text);
    const std::string msg = input_error([&] { ScanStore store(dir / "f.csv"); });
    EXPECT_NE(msg.find((dir / "f.csv").string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("not a scan file"), std::string::npos) << msg;
    EXPECT_EQ(slurp(dir / "f.csv"), text);
  }
}

TEST(ScanStore, RefusesASecondWriter) {
  testing::TempDir dir;
  ScanStore first(dir / "s.csv");
  first.append({0, kArchA, 1.0, 10, 0.1});
  const std::string msg = input_error([&] { ScanStore second(dir / "s.csv"); });
  EXPECT_NE(msg.find("another naswot scan"), std::string::npos) << msg;
  EXPECT_NE(msg.find((dir / "s.csv").string()), std::string::npos) << msg;
  EXPECT_TRUE(std::filesystem::exists(dir / "s.csv"));
}

TEST(ScanStore, FailedOpenLeavesNoFile) {
  testing::TempDir dir;
  const auto path = dir / "missing_dir" / "s.csv";
  const std::string msg = input_error([&] { ScanStore store(path); });
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ParseScanRow, ReadsEveryScoreForm) {
  for (const std::string score : {"12.345678", "-3.000000", "-inf", "inf", "nan"}) {
    std::string why;
    const auto ok = parse_scan_row("5,a|b," + score + ",7,0.1000", &why);
    ASSERT_TRUE(ok) << score << ": " << why;
    EXPECT_EQ(ok->index, 5);
    EXPECT_EQ(ok->arch, "a|b");
    EXPECT_EQ(ok->n_units, 7);
    EXPECT_EQ(format_score(ok->score), score);
  }
}

TEST(ParseScanRow, RejectsTrailingAndLeadingJunk) {
  std::string why;
  EXPECT_FALSE(parse_scan_row("5,a,1.0,7,0.1,", &why));
  EXPECT_FALSE(parse_scan_row(" 5,a,1.0,7,0.1", &why));
  EXPECT_FALSE(parse_scan_row("5,a,1.0x,7,0.1", &why));
  EXPECT_FALSE(parse_scan_row("5,a,1.0,7,0.1\r", &why));
  EXPECT_FALSE(parse_scan_row("5,a,1e5,7,0.1", &why));
  EXPECT_TRUE(parse_scan_row("5,a,1.0,7,0.1", &why)) << why;
}

}  // namespace
}  // namespace naswot::search
