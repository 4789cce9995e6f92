// Benchmark tables: CSV files with key columns (an architecture key and/or `index`) and numeric
// metric columns (e.g. ../shared/data/nb201/accuracy.csv). Which columns form the architecture
// key is the caller's to say (a search space's table_keys()): this layer knows no space.
// Immutable after reading; thread-safe to share.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace naswot::bench {

// Candidate architecture keys, in order of preference: each a list of columns whose cells,
// joined by '|', are a row's key. A table uses the first candidate whose columns it has.
using KeyColumns = std::vector<std::vector<std::string>>;

// "arch, or adjacency + ops": the candidates for a message.
[[nodiscard]] std::string describe_keys(const KeyColumns& keys);

class Table {
 public:
  // Reads a CSV table with a header row (RFC 4180: cells may be double-quoted, with "" for a
  // quote; LF or CRLF line endings; blank lines are skipped; spaces around unquoted cells are
  // trimmed, quoted text is kept as is). Throws InputError naming the file (and line) when it is
  // missing, empty, has no data rows, has a ragged row or an unterminated quote, repeats a column
  // name, has no key column (`index` or one of `keys`), or has a repeated, empty or
  // non-integer key.
  static Table read_csv(const std::filesystem::path& path, const KeyColumns& keys = {{"arch"}});
  // A table made in memory (e.g. from an NDS JSON file, bench/nds.h): the same key rules, except
  // that a repeated arch key is allowed and row_of_arch returns its first row (NDS `_lr-wd` files
  // train one network several times). `source` names the table in errors; rows count from 1.
  static Table from_rows(std::string source, std::vector<std::string> columns,
                         std::vector<std::vector<std::string>> rows,
                         const KeyColumns& keys = {{"arch"}});

  // The path the table was read from, as given; it names the table in error messages.
  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] const std::vector<std::string>& columns() const { return columns_; }
  [[nodiscard]] bool has_column(std::string_view name) const;
  [[nodiscard]] std::int64_t n_rows() const { return static_cast<std::int64_t>(cells_.size()); }

  // Row whose architecture key equals `arch`; nullopt if absent or the table has no arch key.
  // The key is the first candidate of the `keys` given at reading whose columns all exist, its
  // cells joined by '|' (e.g. NAS-Bench-101's `adjacency|ops`).
  [[nodiscard]] std::optional<std::int64_t> row_of_arch(std::string_view arch) const;
  [[nodiscard]] bool has_arch_key() const { return !key_cols_.empty(); }
  // The architecture key of a row. REQUIRES: has_arch_key(), 0 <= row < n_rows().
  [[nodiscard]] std::string arch_key(std::int64_t row) const;
  // Row whose `index` column equals index; nullopt if absent or the table has no `index`.
  [[nodiscard]] std::optional<std::int64_t> row_of_index(std::int64_t index) const;

  // Raw text of a cell. REQUIRES: 0 <= row < n_rows(), has_column(column).
  [[nodiscard]] const std::string& text(std::int64_t row, std::string_view column) const;
  // Numeric value of a cell; nullopt when empty or NaN ("nan"). "inf" and "-inf" parse as
  // infinities. Throws InputError naming the file, line, row and column when the cell is not a
  // number. REQUIRES as text().
  [[nodiscard]] std::optional<double> value(std::int64_t row, std::string_view column) const;

  // Throws InputError naming the table if `column` is missing, listing the columns it has.
  void require_column(std::string_view column) const;
  // Columns other than `index` and the arch key columns (the candidate metrics), in file order.
  [[nodiscard]] std::vector<std::string> metric_columns() const;

 private:
  std::string source_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> cells_;  // [row][column], data rows only
  std::vector<std::int64_t> line_of_row_;        // 1-based file line where each row starts
  std::unordered_map<std::string, std::int64_t> row_by_arch_;
  std::unordered_map<std::int64_t, std::int64_t> row_by_index_;
  std::int64_t index_col_ = -1;
  std::vector<std::int64_t> key_cols_;  // the arch key's columns (row_of_arch)
  std::vector<std::string> key_names_;  // and their names
  std::string key_name_;                // their names joined by '|', for errors
  void set_columns(std::vector<std::string> columns, std::size_t expected_rows,
                   const KeyColumns& keys);
  void add_row(std::vector<std::string> record, std::int64_t line, bool first_arch_wins);
  [[nodiscard]] std::string join_key(const std::vector<std::string>& record) const;
  // Position of `column` in columns_, or -1 when absent.
  [[nodiscard]] std::int64_t column_index(std::string_view column) const;
};

}  // namespace naswot::bench
