// The scan store: an append-only CSV, `index,arch,score,n_units,seconds`, one row per network.
//
// Why this design (issue 7 asked for SQLite in WAL mode or an append-only file with per-row
// integrity). The CSV is the product: users read it while a scan runs and feed it to their own
// scripts, so it must be complete rows at any moment. SQLite would give atomic rows too, but
// then the CSV would be a second copy exported from the database, two files that can disagree,
// and a reader of the CSV would still see only what was last exported. So the CSV itself is the
// store, and integrity comes from how it is written and re-read:
//   - Each row is one write(2) of the whole line, issued only after the network is scored. The
//     kernel holds a written row in the page cache, so a SIGKILL loses nothing written; the
//     worst a kill can leave is a short write of the last row (a write can stop between two
//     pages), i.e. a last line with no '\n'.
//   - fdatasync every kSyncEvery rows and on close bounds what an OS crash or power loss can
//     lose; such a crash may also leave garbage (typically NUL bytes) where the tail was.
//   - On reopen every complete line must parse as a row (parse_scan_row: five fields, integer
//     index >= 0 not seen before, printable arch, numeric score/n_units/seconds). The file is
//     cut back to its longest valid prefix: an unterminated last line is dropped, and from the
//     first invalid complete line on, everything is moved to `<file>.damaged` (so nothing is
//     destroyed) before truncating. Dropped rows are simply scored again.
//   - An exclusive flock for the store's lifetime stops two scans appending to one file, the
//     only way to get duplicate rows.
// A per-row checksum would catch bit flips inside a row as well, but needs an extra column in a
// format users' scripts already parse; a row torn by a kill or crash cannot pass the grammar
// above (it lacks its '\n', or fields, or starts with NULs), which is the failure that matters.
#include "naswot/search/scan_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "naswot/util/error.h"

namespace naswot::search {

std::string format_score(double score) {
  if (std::isnan(score)) return "nan";
  if (std::isinf(score)) return score < 0 ? "-inf" : "inf";
  return fmt::format("{:.6f}", score);
}

namespace {

// RFC 4180 quoting, for encodings that contain commas (NB101 op lists).
std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Splits a row into cells (RFC 4180 quotes); false if a quote is unbalanced or misplaced.
bool split_row(std::string_view line, std::vector<std::string>& cells) {
  cells.clear();
  std::size_t pos = 0;
  for (;;) {
    std::string cell;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      for (;;) {
        const std::size_t quote = line.find('"', pos);
        if (quote == std::string_view::npos) return false;
        cell.append(line.substr(pos, quote - pos));
        pos = quote + 1;
        if (pos < line.size() && line[pos] == '"') {
          cell += '"';
          ++pos;
          continue;
        }
        break;
      }
      if (pos < line.size() && line[pos] != ',') return false;
    } else {
      const std::size_t comma = std::min(line.find(',', pos), line.size());
      cell.assign(line.substr(pos, comma - pos));
      if (cell.find('"') != std::string::npos) return false;
      pos = comma;
    }
    cells.push_back(std::move(cell));
    if (pos >= line.size()) return true;
    ++pos;  // the comma
  }
}

bool parse_int(const std::string& text, std::int64_t& v) {
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), last, v);
  return !text.empty() && ec == std::errc{} && ptr == last;
}

bool parse_double(const std::string& text, double& v) {
  if (text == "-inf" || text == "inf" || text == "nan") {
    v = text == "nan" ? std::nan("") : text == "inf" ? HUGE_VAL : -HUGE_VAL;
    return true;
  }
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), last, v, std::chars_format::fixed);
  return !text.empty() && ec == std::errc{} && ptr == last && std::isfinite(v);
}

[[noreturn]] void throw_errno(const std::string& path, const char* what) {
  throw std::system_error(errno, std::generic_category(), path + ": " + what);
}

// Writes all of `text` at the file's end, retrying short writes and EINTR.
void write_all(int fd, std::string_view text, const std::string& path) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(path, "cannot append to the scan file");
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string read_all(int fd, const std::string& path) {
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(path,
                       std::string("cannot read the existing scan file: ") + std::strerror(errno));
    }
    if (n == 0) return text;
    text.append(buf, static_cast<std::size_t>(n));
  }
}

// Makes a newly created file's directory entry durable too.
void sync_parent_dir(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return;  // best effort: the rows themselves are synced
  ::fsync(dfd);
  ::close(dfd);
}

}  // namespace

std::optional<ScanRow> parse_scan_row(std::string_view line, std::string* why) {
  const auto fail = [&](std::string reason) -> std::optional<ScanRow> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  for (const char c : line) {
    if (static_cast<unsigned char>(c) < 0x20) return fail("contains a control character");
  }
  std::vector<std::string> cells;
  if (!split_row(line, cells)) return fail("has a malformed quoted cell");
  if (cells.size() != 5) return fail(fmt::format("has {} fields, expected 5", cells.size()));
  ScanRow row;
  if (!parse_int(cells[0], row.index) || row.index < 0) {
    return fail(fmt::format("index '{}' is not an integer >= 0", cells[0]));
  }
  if (cells[1].empty()) return fail("arch is empty");
  row.arch = std::move(cells[1]);
  if (!parse_double(cells[2], row.score)) {
    return fail(fmt::format("score '{}' is not a number", cells[2]));
  }
  if (!parse_int(cells[3], row.n_units) || row.n_units < 0) {
    return fail(fmt::format("n_units '{}' is not an integer >= 0", cells[3]));
  }
  if (!parse_double(cells[4], row.seconds) || !(row.seconds >= 0.0)) {
    return fail(fmt::format("seconds '{}' is not a number >= 0", cells[4]));
  }
  return row;
}

ScanStore::ScanStore(const std::filesystem::path& path) : path_(path.string()) {
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  if (existed && !std::filesystem::is_regular_file(path, ec)) {
    throw InputError(path_, "not a regular file");
  }
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw InputError(path_, std::string("cannot open for writing: ") + std::strerror(errno));
  }
  bool locked = false;
  try {
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) {
        throw InputError(path_, "another naswot scan is writing this file");
      }
      throw InputError(path_, std::string("cannot lock: ") + std::strerror(errno));
    }
    locked = true;
    const std::string text = read_all(fd_, path_);

    std::size_t keep = 0;  // bytes of the valid prefix
    std::size_t pos = 0;
    std::int64_t line_no = 0;
    std::string why;
    while (pos < text.size()) {
      const std::size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) {  // a torn last line: cut below
        recovery_.torn_bytes = static_cast<std::int64_t>(text.size() - pos);
        break;
      }
      const std::string_view line(text.data() + pos, nl - pos);
      ++line_no;
      if (line_no == 1) {
        if (line != kHeader) {
          std::string shown(line.substr(0, 80));
          for (char& c : shown) c = static_cast<unsigned char>(c) < 0x20 ? '?' : c;
          throw InputError(
              path_, fmt::format("not a scan file (header '{}', expected '{}')", shown, kHeader));
        }
      } else {
        std::optional<ScanRow> row = parse_scan_row(line, &why);
        if (row && done_.count(row->index)) {
          why = fmt::format("index {} appears twice", row->index);
          row.reset();
        }
        if (!row) {
          recovery_.damaged_line = line_no;
          recovery_.damaged_bytes = static_cast<std::int64_t>(text.size() - pos);
          recovery_.torn_bytes = 0;
          recovery_.damage = why;
          break;
        }
        done_.insert(row->index);
        archs_.emplace(row->index, std::move(row->arch));
        ++recovery_.kept_rows;
      }
      keep = nl + 1;
      pos = nl + 1;
    }
    if (line_no == 0 && !std::string_view(kHeader).starts_with(text)) {
      // No complete line and not a torn header: someone else's file, left alone.
      throw InputError(path_, fmt::format("not a scan file (no header line '{}')", kHeader));
    }
    if (recovery_.damaged_bytes > 0) {
      // Keep the damaged tail beside the file instead of destroying it.
      const std::string aside = path_ + ".damaged";
      const int afd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (afd < 0) {
        throw InputError(aside, std::string("cannot save the damaged rows of ") + path_ + ": " +
                                    std::strerror(errno));
      }
      try {
        write_all(afd, std::string_view(text).substr(keep), aside);
      } catch (...) {
        ::close(afd);
        throw;
      }
      ::fsync(afd);
      ::close(afd);
    }
    if (keep < text.size() || text.empty()) {
      if (::ftruncate(fd_, static_cast<off_t>(keep)) != 0) throw_errno(path_, "cannot truncate");
    }
    if (::lseek(fd_, 0, SEEK_END) < 0) throw_errno(path_, "cannot seek");
    if (keep == 0) {  // new, empty, or only a torn header
      write_all(fd_, std::string(kHeader) + "\n", path_);
      ::fdatasync(fd_);
      if (!existed) sync_parent_dir(path);
    } else if (keep < text.size()) {
      ::fdatasync(fd_);
    }
  } catch (...) {
    // Leave no file behind for a failed open, unless another scan owns it.
    if (!existed && locked) std::filesystem::remove(path, ec);
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

ScanStore::~ScanStore() {
  if (fd_ >= 0) {
    ::fdatasync(fd_);
    ::close(fd_);  // also releases the lock
  }
}

std::optional<std::string_view> ScanStore::arch_of(std::int64_t index) const {
  const auto it = archs_.find(index);
  if (it == archs_.end()) return std::nullopt;
  return std::string_view(it->second);
}

void ScanStore::append(const ScanRow& row) {
  NASWOT_CHECK(row.index >= 0 && !row.arch.empty() && !done_.count(row.index));
  const std::string line = fmt::format("{},{},{},{},{:.4f}\n", row.index, csv_cell(row.arch),
                                       format_score(row.score), row.n_units, row.seconds);
  write_all(fd_, line, path_);
  if (++unsynced_ >= kSyncEvery) {
    ::fdatasync(fd_);
    unsynced_ = 0;
  }
  done_.insert(row.index);
  archs_.emplace(row.index, row.arch);
}

}  // namespace naswot::search
