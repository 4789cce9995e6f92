// The result file of a scan: CSV with a header `index,arch,score,n_units,seconds` and one row
// per scored network. Rows are appended whole, one write(2) each, so the file is readable at
// any moment and a killed scan leaves at most one torn last line. Re-opening an existing file
// resumes: the file's longest prefix of valid rows is kept (their indices are reported as
// done), a torn last line is cut, and complete rows that do not parse (damage no kill can
// cause, e.g. a power loss) are moved to `<file>.damaged` together with everything after them.
// The file format and the recovery rules are explained at the top of scan_store.cpp and in
// docs/reliability.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace naswot::search {

struct ScanRow {
  std::int64_t index = 0;
  std::string arch;
  double score = 0.0;
  std::int64_t n_units = 0;
  double seconds = 0.0;
};

// What opening an existing file found and repaired.
struct ScanRecovery {
  std::int64_t kept_rows = 0;      // valid rows kept
  std::int64_t torn_bytes = 0;     // bytes of an unterminated last line, cut
  std::int64_t damaged_bytes = 0;  // bytes from the first invalid complete row on, moved
  std::int64_t damaged_line = 0;   // 1-based line of the first invalid row; 0 if none
  std::string damage;              // why that row is invalid
};

// Parses one complete row (without its '\n'). Returns nullopt, with `why` set, when the row is
// not five fields `index,arch,score,n_units,seconds` with index >= 0, a non-empty printable arch
// (RFC 4180 quotes allowed), score a number or -inf/inf/nan, n_units >= 0 and seconds >= 0.
// Thread-safe (pure function).
[[nodiscard]] std::optional<ScanRow> parse_scan_row(std::string_view line, std::string* why);

// One open scan file. Holds an exclusive lock (flock) on it while open, so two scans never
// append to the same file. Not thread-safe: one owner thread.
class ScanStore {
 public:
  // Opens or creates `path` and recovers it as described above. Throws InputError naming the
  // file when it exists but is not a scan file (wrong header), when another process has it open
  // for scanning, or when it cannot be read or written.
  explicit ScanStore(const std::filesystem::path& path);
  // Syncs the file to disk and releases the lock.
  ~ScanStore();
  ScanStore(const ScanStore&) = delete;
  ScanStore& operator=(const ScanStore&) = delete;

  [[nodiscard]] const std::set<std::int64_t>& done() const { return done_; }
  // The arch text stored for a done index; nullopt when the index is not done.
  [[nodiscard]] std::optional<std::string_view> arch_of(std::int64_t index) const;
  [[nodiscard]] const ScanRecovery& recovery() const { return recovery_; }

  // Appends one row with a single write(2); fdatasyncs every kSyncEvery rows and on close.
  // Throws std::system_error when the write fails (disk full: environment, not input); the
  // file then ends at most in a torn line, which the next open cuts.
  // REQUIRES: row.index is not done(), row.index >= 0, row.arch non-empty.
  void append(const ScanRow& row);

  static constexpr const char* kHeader = "index,arch,score,n_units,seconds";
  static constexpr int kSyncEvery = 32;  // rows; at most this many are lost on a power loss

 private:
  std::string path_;
  int fd_ = -1;
  std::set<std::int64_t> done_;
  std::unordered_map<std::int64_t, std::string> archs_;  // arch text of each done index
  ScanRecovery recovery_;
  int unsynced_ = 0;
};

// "-inf", "inf", "nan" or the score with 6 decimals.
[[nodiscard]] std::string format_score(double score);

}  // namespace naswot::search
