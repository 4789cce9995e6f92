// The result file of a scan: CSV with a header `index,arch,score,n_units,seconds` and one row
// per scored network. Rows are appended whole and flushed, so the file is readable at any
// moment; re-opening an existing file resumes: complete rows are kept (their indices are
// reported as done) and a torn last line left by a killed process is cut off.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

namespace naswot::search {

struct ScanRow {
  std::int64_t index = 0;
  std::string arch;
  double score = 0.0;
  std::int64_t n_units = 0;
  double seconds = 0.0;
};

class ScanStore {
 public:
  // Opens or creates `path`. Throws InputError naming the file when it exists but is not a
  // scan file (wrong header, malformed complete row) or cannot be written.
  explicit ScanStore(const std::filesystem::path& path);
  ~ScanStore();
  ScanStore(const ScanStore&) = delete;
  ScanStore& operator=(const ScanStore&) = delete;

  [[nodiscard]] const std::set<std::int64_t>& done() const { return done_; }
  // Appends one row and flushes it to the OS; fsyncs every few rows and on close.
  void append(const ScanRow& row);

  static constexpr const char* kHeader = "index,arch,score,n_units,seconds";

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::set<std::int64_t> done_;
  int unsynced_ = 0;
};

// "-inf", "inf", "nan" or the shortest round-trip decimal.
[[nodiscard]] std::string format_score(double score);

}  // namespace naswot::search
