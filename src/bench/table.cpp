// CSV reader for benchmark accuracy tables. The file is read whole and split by a small RFC 4180
// state machine: a cell that starts with `"` runs to the next lone `"` (`""` is a literal quote,
// and commas, CR and LF inside are kept), any other cell runs to the next comma or line end and
// is trimmed of spaces and tabs. Records end at LF or CRLF; blank lines and a UTF-8 BOM are
// skipped, as pandas.read_csv does. Keys are checked while reading so that lookups are O(1) and a
// corrupt table fails at load time; metric cells are parsed lazily by value(). Errors follow
// docs/style.md §2.3: InputError("<file>:<line>", "<problem>").
#include "naswot/bench/table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <system_error>
#include <utility>

#include "naswot/util/error.h"

namespace naswot::bench {

namespace {

std::string at_line(const std::string& source, std::int64_t line) {
  return source + ":" + std::to_string(line);
}

std::string read_whole_file(const std::filesystem::path& path, const std::string& source) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw InputError(source, "no such file");
  if (std::filesystem::is_directory(status)) throw InputError(source, "is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(source, "cannot open file");
  std::string data(std::filesystem::file_size(path, ec), '\0');
  if (ec) throw InputError(source, "cannot read file size: " + ec.message());
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.gcount() != static_cast<std::streamsize>(data.size())) {
    throw InputError(source, "read failed");
  }
  return data;
}

// Splits CSV text into records; see the top of the file for the dialect.
class CsvReader {
 public:
  CsvReader(std::string_view data, const std::string& source) : data_(data), source_(source) {
    if (data_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  // Reads the next non-blank record into `cells`; false at end of input.
  bool next(std::vector<std::string>& cells) {
    skip_blank_lines();
    if (pos_ >= data_.size()) return false;
    record_line_ = line_;
    cells.clear();
    for (;;) {
      cells.push_back(read_cell());
      if (pos_ < data_.size() && data_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < data_.size() && data_[pos_] == '\r') ++pos_;
      if (pos_ < data_.size() && data_[pos_] == '\n') {
        ++pos_;
        ++line_;
      }
      return true;
    }
  }

  // 1-based line on which the last record returned by next() starts.
  [[nodiscard]] std::int64_t record_line() const { return record_line_; }

 private:
  // True when a CR at `i` ends a line (CRLF, or a CR that ends the file); a lone CR is text.
  [[nodiscard]] bool is_line_end_cr(std::size_t i) const {
    return data_[i] == '\r' && (i + 1 == data_.size() || data_[i + 1] == '\n');
  }

  void skip_blank_lines() {
    while (pos_ < data_.size()) {
      if (data_[pos_] == '\n') {
        ++line_;
      } else if (!is_line_end_cr(pos_)) {
        return;
      }
      ++pos_;
    }
  }

  // Reads one cell, leaving pos_ at the comma or line end after it (or at the end of input).
  std::string read_cell() {
    if (pos_ < data_.size() && data_[pos_] == '"') return read_quoted_cell();
    std::size_t end = data_.find_first_of(",\n", pos_);
    if (end == std::string_view::npos) end = data_.size();
    std::size_t first = pos_;
    std::size_t last = end;
    if (last > first && is_line_end_cr(last - 1)) --last;  // CRLF: leave pos_ on the CR
    pos_ = last;
    while (first < last && (data_[first] == ' ' || data_[first] == '\t')) ++first;
    while (last > first && (data_[last - 1] == ' ' || data_[last - 1] == '\t')) --last;
    return std::string(data_.substr(first, last - first));
  }

  std::string read_quoted_cell() {
    const std::int64_t start_line = line_;
    std::string cell;
    ++pos_;  // opening quote
    for (;;) {
      const std::size_t quote = data_.find('"', pos_);
      if (quote == std::string_view::npos) {
        throw InputError(at_line(source_, start_line), "unterminated quoted cell");
      }
      const std::string_view chunk = data_.substr(pos_, quote - pos_);
      line_ += std::count(chunk.begin(), chunk.end(), '\n');
      cell += chunk;
      pos_ = quote + 1;
      if (pos_ < data_.size() && data_[pos_] == '"') {  // "" is an escaped quote
        cell += '"';
        ++pos_;
        continue;
      }
      break;
    }
    if (pos_ < data_.size() && data_[pos_] != ',' && data_[pos_] != '\n' && !is_line_end_cr(pos_)) {
      throw InputError(at_line(source_, line_), "unexpected text after a closing quote");
    }
    return cell;
  }

  std::string_view data_;
  const std::string& source_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;         // line at pos_
  std::int64_t record_line_ = 1;  // line where the current record starts
};

// Names of the columns forming the arch key: the first candidate the table has all of; empty
// when it has none.
std::vector<std::string> arch_key_columns(const std::vector<std::string>& columns,
                                          const KeyColumns& keys) {
  const auto has = [&](const std::string& name) {
    return std::find(columns.begin(), columns.end(), name) != columns.end();
  };
  for (const std::vector<std::string>& key : keys) {
    if (!key.empty() && std::all_of(key.begin(), key.end(), has)) return key;
  }
  return {};
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  std::int64_t v = 0;
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), last, v);
  if (text.empty() || ec != std::errc{} || ptr != last) return std::nullopt;
  return v;
}

}  // namespace

std::string describe_keys(const KeyColumns& keys) {
  std::string out;
  for (const std::vector<std::string>& key : keys) {
    std::string one;
    for (const std::string& c : key) one += (one.empty() ? "" : " + ") + c;
    out += (out.empty() ? "" : ", or ") + one;
  }
  return out;
}

Table Table::read_csv(const std::filesystem::path& path, const KeyColumns& keys) {
  Table t;
  t.source_ = path.string();
  const std::string data = read_whole_file(path, t.source_);
  CsvReader reader(data, t.source_);
  std::vector<std::string> columns;
  if (!reader.next(columns)) throw InputError(t.source_, "empty file");
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (std::find(columns.begin(), columns.begin() + static_cast<std::ptrdiff_t>(c), columns[c]) !=
        columns.begin() + static_cast<std::ptrdiff_t>(c)) {
      throw InputError(at_line(t.source_, reader.record_line()),
                       "duplicate column name '" + columns[c] + "'");
    }
  }
  const auto n_lines = static_cast<std::size_t>(std::count(data.begin(), data.end(), '\n'));
  t.set_columns(std::move(columns), n_lines, keys);
  std::vector<std::string> record;
  while (reader.next(record)) {
    t.add_row(std::move(record), reader.record_line(), false);
    record.clear();
  }
  if (t.cells_.empty()) throw InputError(t.source_, "no data rows");
  return t;
}

Table Table::from_rows(std::string source, std::vector<std::string> columns,
                       std::vector<std::vector<std::string>> rows, const KeyColumns& keys) {
  Table t;
  t.source_ = std::move(source);
  t.set_columns(std::move(columns), rows.size(), keys);
  for (std::size_t r = 0; r < rows.size(); ++r)
    t.add_row(std::move(rows[r]), static_cast<std::int64_t>(r) + 1, true);
  if (t.cells_.empty()) throw InputError(t.source_, "no data rows");
  return t;
}

void Table::set_columns(std::vector<std::string> columns, std::size_t expected_rows,
                        const KeyColumns& keys) {
  columns_ = std::move(columns);
  index_col_ = column_index("index");
  key_cols_.clear();
  key_name_.clear();
  key_names_ = arch_key_columns(columns_, keys);
  for (const std::string& name : key_names_) {
    key_cols_.push_back(column_index(name));
    key_name_ += key_name_.empty() ? name : "|" + name;
  }
  if (index_col_ < 0 && key_cols_.empty()) {
    throw InputError(source_, "no key column (needs " + describe_keys(keys) + ", or index)");
  }
  cells_.reserve(expected_rows);
  line_of_row_.reserve(expected_rows);
  if (!key_cols_.empty()) row_by_arch_.reserve(expected_rows);
  if (index_col_ >= 0) row_by_index_.reserve(expected_rows);
}

void Table::add_row(std::vector<std::string> record, std::int64_t line, bool first_arch_wins) {
  const std::int64_t row = n_rows();
  if (record.size() != columns_.size()) {
    throw InputError(at_line(source_, line), "expected " + std::to_string(columns_.size()) +
                                                 " cells, found " + std::to_string(record.size()));
  }
  if (index_col_ >= 0) {
    const std::string& text = record[static_cast<std::size_t>(index_col_)];
    const std::optional<std::int64_t> index = parse_int64(text);
    if (!index) throw InputError(at_line(source_, line), "index '" + text + "' is not an integer");
    const auto [it, inserted] = row_by_index_.emplace(*index, row);
    if (!inserted) {
      throw InputError(at_line(source_, line),
                       "duplicate index " + text + " (first on line " +
                           std::to_string(line_of_row_[static_cast<std::size_t>(it->second)]) +
                           ")");
    }
  }
  if (!key_cols_.empty()) {
    std::string key = join_key(record);
    if (key.size() == key_cols_.size() - 1) {  // every part empty
      throw InputError(at_line(source_, line), "empty " + key_name_);
    }
    const auto [it, inserted] = row_by_arch_.emplace(key, row);
    if (!inserted && !first_arch_wins) {
      throw InputError(at_line(source_, line),
                       "duplicate " + key_name_ + " '" + key + "' (first on line " +
                           std::to_string(line_of_row_[static_cast<std::size_t>(it->second)]) +
                           ")");
    }
  }
  cells_.push_back(std::move(record));
  line_of_row_.push_back(line);
}

bool Table::has_column(std::string_view name) const { return column_index(name) >= 0; }

std::string Table::join_key(const std::vector<std::string>& record) const {
  std::string key = record[static_cast<std::size_t>(key_cols_[0])];
  for (std::size_t k = 1; k < key_cols_.size(); ++k) {
    key += '|';
    key += record[static_cast<std::size_t>(key_cols_[k])];
  }
  return key;
}

std::string Table::arch_key(std::int64_t row) const {
  NASWOT_CHECK(has_arch_key() && row >= 0 && row < n_rows());
  return join_key(cells_[static_cast<std::size_t>(row)]);
}

std::optional<std::int64_t> Table::row_of_arch(std::string_view arch) const {
  const auto it = row_by_arch_.find(std::string(arch));
  if (it == row_by_arch_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> Table::row_of_index(std::int64_t index) const {
  const auto it = row_by_index_.find(index);
  if (it == row_by_index_.end()) return std::nullopt;
  return it->second;
}

const std::string& Table::text(std::int64_t row, std::string_view column) const {
  NASWOT_CHECK(row >= 0 && row < n_rows());
  const std::int64_t col = column_index(column);
  NASWOT_CHECK(col >= 0);
  return cells_[static_cast<std::size_t>(row)][static_cast<std::size_t>(col)];
}

std::optional<double> Table::value(std::int64_t row, std::string_view column) const {
  const std::string& s = text(row, column);
  if (s.empty()) return std::nullopt;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  // from_chars rejects the leading '+' that some writers emit; accept it, but not "+-1".
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') ++first;
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc{} || ptr != last) {
    throw InputError(at_line(source_, line_of_row_[static_cast<std::size_t>(row)]),
                     "row " + std::to_string(row) + ", column '" + std::string(column) + "': '" +
                         s + "' is not a number");
  }
  if (std::isnan(v)) return std::nullopt;
  return v;
}

void Table::require_column(std::string_view column) const {
  if (has_column(column)) return;
  std::string have;
  for (const std::string& c : columns_) have += (have.empty() ? "" : ", ") + c;
  throw InputError(source_, "no column '" + std::string(column) + "' (columns: " + have + ")");
}

std::vector<std::string> Table::metric_columns() const {
  std::vector<std::string> metrics;
  for (const std::string& c : columns_) {
    if (c != "index" && std::find(key_names_.begin(), key_names_.end(), c) == key_names_.end()) {
      metrics.push_back(c);
    }
  }
  return metrics;
}

std::int64_t Table::column_index(std::string_view column) const {
  const auto it = std::find(columns_.begin(), columns_.end(), column);
  return it == columns_.end() ? -1 : static_cast<std::int64_t>(it - columns_.begin());
}

}  // namespace naswot::bench
