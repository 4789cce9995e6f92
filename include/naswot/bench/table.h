// Benchmark tables: CSV files with an `arch` and/or `index` column and numeric metric columns
// (e.g. ../shared/data/nb201/accuracy.csv). Immutable after reading; thread-safe to share.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace naswot::bench {

class Table {
 public:
  // Reads a CSV table with a header row. Throws InputError naming the file (and line) when it
  // is missing, empty, has ragged rows, lacks both `arch` and `index` columns, or repeats an
  // arch or index.
  static Table read_csv(const std::filesystem::path& path);

  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] const std::vector<std::string>& columns() const { return columns_; }
  [[nodiscard]] bool has_column(std::string_view name) const;
  [[nodiscard]] std::int64_t n_rows() const { return static_cast<std::int64_t>(cells_.size()); }

  // Row whose `arch` column equals arch / whose `index` column equals index; nullopt if absent.
  [[nodiscard]] std::optional<std::int64_t> row_of_arch(std::string_view arch) const;
  [[nodiscard]] std::optional<std::int64_t> row_of_index(std::int64_t index) const;

  // Raw text of a cell. REQUIRES: row < n_rows(), has_column(column).
  [[nodiscard]] const std::string& text(std::int64_t row, std::string_view column) const;
  // Numeric value of a cell; nullopt when empty. Throws InputError naming the file, row and
  // column when the cell is not a number. REQUIRES as text().
  [[nodiscard]] std::optional<double> value(std::int64_t row, std::string_view column) const;

  // Throws InputError naming the table if `column` is missing, listing the columns it has.
  void require_column(std::string_view column) const;
  // Columns other than `index` and `arch` (the candidate metrics).
  [[nodiscard]] std::vector<std::string> metric_columns() const;

 private:
  std::string source_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> cells_;
  std::unordered_map<std::string, std::int64_t> row_by_arch_;
  std::unordered_map<std::int64_t, std::int64_t> row_by_index_;
  [[nodiscard]] std::int64_t column_index(std::string_view column) const;
};

}  // namespace naswot::bench
