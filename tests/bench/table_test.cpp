#include "naswot/bench/table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <string_view>

#include "naswot/util/error.h"
#include "support/data_writers.h"
#include "support/temp_dir.h"

namespace naswot::bench {
namespace {

namespace fs = std::filesystem;

// A scratch directory (support/temp_dir.h) with the two things these tests do in it.
class CsvDir {
 public:
  [[nodiscard]] const fs::path& path() const { return dir_.path(); }

  fs::path write(std::string_view name, std::string_view contents) const {
    const fs::path file = dir_ / std::string(name);
    testing::write_bytes(file, contents);
    return file;
  }

  // The InputError message from reading `contents` as `name`; fails the test if none is thrown.
  std::string read_error(std::string_view name, std::string_view contents,
                         const KeyColumns& keys = {{"arch"}}) const {
    const fs::path file = write(name, contents);
    try {
      (void)Table::read_csv(file, keys);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no InputError for " << name;
    return "";
  }

 private:
  testing::TempDir dir_;
};

// Whether `text` contains `part`, printing both when not (gmock's HasSubstr without gmock).
::testing::AssertionResult contains(std::string_view text, std::string_view part) {
  if (text.find(part) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

TEST(Table, ReadsColumnsRowsAndCells) {
  const CsvDir tmp;
  const Table t = Table::read_csv(tmp.write("acc.csv", "index,arch,test\n0,a,90.5\n1,b,91\n"));
  EXPECT_EQ(t.columns(), (std::vector<std::string>{"index", "arch", "test"}));
  EXPECT_EQ(t.n_rows(), 2);
  EXPECT_EQ(t.text(1, "arch"), "b");
  EXPECT_EQ(t.value(0, "test"), 90.5);
  EXPECT_TRUE(t.has_column("test"));
  EXPECT_FALSE(t.has_column("tes"));
  EXPECT_EQ(t.source(), (tmp.path() / "acc.csv").string());
  EXPECT_EQ(t.metric_columns(), (std::vector<std::string>{"test"}));
}

TEST(Table, LooksUpByArchAndIndex) {
  const CsvDir tmp;
  const Table t =
      Table::read_csv(tmp.write("acc.csv", "index,arch,test\n7,|x~0|+|y~1|,1\n3,b,2\n"));
  EXPECT_EQ(t.row_of_arch("|x~0|+|y~1|"), 0);
  EXPECT_EQ(t.row_of_arch("b"), 1);
  EXPECT_EQ(t.row_of_arch("c"), std::nullopt);
  EXPECT_EQ(t.row_of_index(7), 0);
  EXPECT_EQ(t.row_of_index(3), 1);
  EXPECT_EQ(t.row_of_index(0), std::nullopt);
}

TEST(Table, UsesChannelsAsArchKey) {
  const CsvDir tmp;
  const Table t = Table::read_csv(tmp.write("sss.csv", "index,channels,c10\n0,8:8:8:8:8,76.9\n"),
                                  {{"arch"}, {"channels"}});
  EXPECT_EQ(t.row_of_arch("8:8:8:8:8"), 0);
  EXPECT_EQ(t.metric_columns(), (std::vector<std::string>{"c10"}));
}

TEST(Table, UsesAdjacencyAndOpsAsArchKey) {
  const CsvDir tmp;
  const Table t = Table::read_csv(
      tmp.write("nb101.csv",
                "adjacency,ops,acc\n0110,\"input,conv,output\",92.5\n0010,\"a,b\",90\n"),
      {{"arch"}, {"adjacency", "ops"}});
  EXPECT_EQ(t.row_of_arch("0110|input,conv,output"), 0);
  EXPECT_EQ(t.row_of_arch("0010|a,b"), 1);
  EXPECT_EQ(t.row_of_index(0), std::nullopt);
  EXPECT_EQ(t.metric_columns(), (std::vector<std::string>{"acc"}));
  // The key is the caller's: without the adjacency + ops candidate the table has none.
  const CsvDir tmp2;
  EXPECT_TRUE(contains(tmp2.read_error("k.csv", "adjacency,ops\n01,a\n"),
                       "no key column (needs arch, or index)"));
}

TEST(Table, ReadsIndexOnlyTable) {
  const CsvDir tmp;
  const Table t = Table::read_csv(tmp.write("idx.csv", "index,acc\n5,1\n"));
  EXPECT_EQ(t.row_of_index(5), 0);
  EXPECT_EQ(t.row_of_arch("5"), std::nullopt);
}

TEST(Table, ReadsQuotedCells) {
  const CsvDir tmp;
  const Table t = Table::read_csv(
      tmp.write("q.csv", "\"arch\",note\n\"a,b\",\"say \"\"hi\"\"\"\n\" c \",\"two\nlines\"\n"));
  EXPECT_EQ(t.n_rows(), 2);
  EXPECT_EQ(t.text(0, "arch"), "a,b");
  EXPECT_EQ(t.text(0, "note"), "say \"hi\"");
  EXPECT_EQ(t.text(1, "arch"), " c ");  // spaces inside quotes are kept
  EXPECT_EQ(t.text(1, "note"), "two\nlines");
  EXPECT_EQ(t.row_of_arch("a,b"), 0);
}

TEST(Table, ReadsEmptyQuotedAndTrailingEmptyCells) {
  const CsvDir tmp;
  const Table t = Table::read_csv(tmp.write("e.csv", "arch,x,y\na,\"\",\nb, 2 ,\"\"\n"));
  EXPECT_EQ(t.text(0, "x"), "");
  EXPECT_EQ(t.text(0, "y"), "");
  EXPECT_EQ(t.text(1, "x"), "2");  // unquoted cells are trimmed
  EXPECT_EQ(t.value(1, "y"), std::nullopt);
}

TEST(Table, ReadsCrlfLineEndings) {
  const CsvDir tmp;
  const Table t =
      Table::read_csv(tmp.write("crlf.csv", "index,arch,acc\r\n0,a,1.5\r\n1,\"b\",2\r\n"));
  EXPECT_EQ(t.columns().back(), "acc");
  EXPECT_EQ(t.n_rows(), 2);
  EXPECT_EQ(t.text(0, "acc"), "1.5");
  EXPECT_EQ(t.row_of_arch("b"), 1);
  EXPECT_EQ(t.value(1, "acc"), 2.0);
}

TEST(Table, ReadsWithoutTrailingNewlineAndSkipsBlankLines) {
  const CsvDir tmp;
  const Table a = Table::read_csv(tmp.write("a.csv", "arch,acc\nx,1\ny,2"));
  EXPECT_EQ(a.n_rows(), 2);
  EXPECT_EQ(a.text(1, "acc"), "2");
  const Table b = Table::read_csv(tmp.write("b.csv",
                                            "\xEF\xBB\xBF"
                                            "arch,acc\n\nx,1\r\n\r\ny,2\n\n"));
  EXPECT_EQ(b.columns().front(), "arch");  // the UTF-8 BOM is dropped
  EXPECT_EQ(b.n_rows(), 2);
}

TEST(Table, ParsesValues) {
  const CsvDir tmp;
  const Table t = Table::read_csv(
      tmp.write("v.csv", "arch,v\na,1.25\nb,\nc,nan\nd,-inf\ne,1e3\nf,+2\ng,-0.5\nh,NaN\ni,inf\n"));
  EXPECT_EQ(t.value(0, "v"), 1.25);
  EXPECT_EQ(t.value(1, "v"), std::nullopt);
  EXPECT_EQ(t.value(2, "v"), std::nullopt);
  EXPECT_EQ(t.value(3, "v"), -INFINITY);
  EXPECT_EQ(t.value(4, "v"), 1000.0);
  EXPECT_EQ(t.value(5, "v"), 2.0);
  EXPECT_EQ(t.value(6, "v"), -0.5);
  EXPECT_EQ(t.value(7, "v"), std::nullopt);
  EXPECT_EQ(t.value(8, "v"), INFINITY);
}

TEST(Table, ValueRejectsGarbageNamingFileRowAndColumn) {
  const CsvDir tmp;
  const Table t = Table::read_csv(tmp.write("g.csv", "arch,v\na,1\nb,1.5x\nc,abc\nd,+-1\ne,1 2\n"));
  for (std::int64_t row = 1; row < t.n_rows(); ++row) {
    try {
      (void)t.value(row, "v");
      ADD_FAILURE() << "row " << row << " parsed";
    } catch (const InputError& e) {
      EXPECT_TRUE(contains(e.what(), "g.csv:" + std::to_string(row + 2) + ": row " +
                                         std::to_string(row) + ", column 'v': '"));
      EXPECT_TRUE(contains(e.what(), "is not a number"));
    }
  }
}

TEST(Table, RequireColumnListsColumns) {
  const CsvDir tmp;
  const Table t = Table::read_csv(tmp.write("r.csv", "index,arch,acc\n0,a,1\n"));
  EXPECT_NO_THROW(t.require_column("acc"));
  try {
    t.require_column("top1");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "r.csv: no column 'top1' (columns: index, arch, acc)"));
  }
}

TEST(Table, RejectsMissingFile) {
  const CsvDir tmp;
  try {
    (void)Table::read_csv(tmp.path() / "missing.csv");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "missing.csv: no such file"));
  }
}

TEST(Table, RejectsDirectory) {
  const CsvDir tmp;
  fs::create_directories(tmp.path() / "sub.csv");
  EXPECT_THROW((void)Table::read_csv(tmp.path() / "sub.csv"), InputError);
}

TEST(Table, RejectsEmptyFile) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("empty.csv", ""), "empty.csv: empty file"));
  EXPECT_TRUE(contains(tmp.read_error("blank.csv", "\n\r\n"), "blank.csv: empty file"));
}

TEST(Table, RejectsHeaderWithoutRows) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("h.csv", "index,arch\n"), "h.csv: no data rows"));
}

TEST(Table, RejectsRaggedRow) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("rag.csv", "index,arch,acc\n0,a,1\n1,b\n"),
                       "rag.csv:3: expected 3 cells, found 2"));
  EXPECT_TRUE(contains(tmp.read_error("long.csv", "index,arch\r\n0,a\r\n1,b,2\r\n"),
                       "long.csv:3: expected 2 cells, found 3"));
}

TEST(Table, CountsLinesInsideQuotedCells) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("ml.csv", "arch,note\na,\"x\ny\"\nb\n"),
                       "ml.csv:4: expected 2 cells, found 1"));
}

TEST(Table, RejectsDuplicateColumnNames) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("dc.csv", "index,acc,acc\n0,1,2\n"),
                       "dc.csv:1: duplicate column name 'acc'"));
}

TEST(Table, RejectsDuplicateArch) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("da.csv", "index,arch\n0,a\n1,b\n2,a\n"),
                       "da.csv:4: duplicate arch 'a' (first on line 2)"));
  EXPECT_TRUE(contains(tmp.read_error("dch.csv", "channels,acc\n8:8,1\n8:8,2\n", {{"channels"}}),
                       "dch.csv:3: duplicate channels '8:8'"));
  EXPECT_TRUE(contains(
      tmp.read_error("dao.csv", "adjacency,ops\n01,\"a,b\"\n01,\"a,b\"\n", {{"adjacency", "ops"}}),
      "dao.csv:3: duplicate adjacency|ops '01|a,b'"));
}

TEST(Table, RejectsEmptyArch) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("ea.csv", "arch,acc\n,1\n"), "ea.csv:2: empty arch"));
}

TEST(Table, RejectsDuplicateIndex) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("di.csv", "index,arch\n0,a\n1,b\n1,c\n"),
                       "di.csv:4: duplicate index 1 (first on line 3)"));
}

TEST(Table, RejectsNonIntegerIndex) {
  const CsvDir tmp;
  for (const char* bad : {"1.5", "x", "", "1e3", "2 3"}) {
    EXPECT_TRUE(contains(tmp.read_error("ni.csv", std::string("index,acc\n0,1\n") + bad + ",2\n"),
                         "ni.csv:3: index '"))
        << bad;
  }
}

TEST(Table, RejectsTableWithoutKeyColumn) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("nk.csv", "name,acc\na,1\n"), "nk.csv: no key column"));
  // `adjacency` alone is not a key; NB101 needs `ops` as well.
  EXPECT_TRUE(
      contains(tmp.read_error("adj.csv", "adjacency,acc\n01,1\n"), "adj.csv: no key column"));
}

TEST(Table, RejectsUnterminatedQuote) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("uq.csv", "arch,acc\na,1\n\"b,2\nc,3\n"),
                       "uq.csv:3: unterminated quoted cell"));
}

TEST(Table, RejectsTextAfterClosingQuote) {
  const CsvDir tmp;
  EXPECT_TRUE(contains(tmp.read_error("tq.csv", "arch,acc\n\"a\"b,1\n"),
                       "tq.csv:2: unexpected text after a closing quote"));
}

}  // namespace
}  // namespace naswot::bench
