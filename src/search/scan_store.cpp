#include "naswot/search/scan_store.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "naswot/util/error.h"

namespace naswot::search {

std::string format_score(double score) {
  if (std::isnan(score)) return "nan";
  if (std::isinf(score)) return score < 0 ? "-inf" : "inf";
  return fmt::format("{:.6f}", score);
}

ScanStore::ScanStore(const std::filesystem::path& path) : path_(path.string()) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (exists) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path_, "cannot read the existing scan file");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::size_t keep = 0;  // bytes of complete lines
    std::size_t pos = 0;
    std::int64_t line_no = 0;
    while (pos < text.size()) {
      const std::size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) break;  // torn last line: dropped below
      const std::string line = text.substr(pos, nl - pos);
      ++line_no;
      if (line_no == 1) {
        if (line != kHeader) {
          throw InputError(
              path_, fmt::format("not a scan file (header '{}', expected '{}')", line, kHeader));
        }
      } else {
        const std::size_t comma = line.find(',');
        std::int64_t index = -1;
        try {
          index = std::stoll(line.substr(0, comma));
        } catch (const std::exception&) {
          throw InputError(fmt::format("{}:{}", path_, line_no),
                           "row does not start with an index");
        }
        done_.insert(index);
      }
      keep = nl + 1;
      pos = nl + 1;
    }
    if (keep < text.size() || line_no == 0) std::filesystem::resize_file(path, keep, ec);
    if (line_no == 0) std::filesystem::remove(path, ec);
  }
  const bool fresh = !std::filesystem::exists(path, ec);
  file_ = std::fopen(path_.c_str(), "ab");
  if (file_ == nullptr) throw InputError(path_, "cannot open for writing");
  if (fresh) {
    std::fprintf(file_, "%s\n", kHeader);
    std::fflush(file_);
  }
}

ScanStore::~ScanStore() {
  if (file_ != nullptr) {
    std::fflush(file_);
    ::fsync(::fileno(file_));
    std::fclose(file_);
  }
}

namespace {
// RFC 4180 quoting, for encodings that contain commas (NB101 op lists).
std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}
}  // namespace

void ScanStore::append(const ScanRow& row) {
  // One fwrite per row: a kill leaves at most one torn line, which the next open removes.
  const std::string line = fmt::format("{},{},{},{},{:.4f}\n", row.index, csv_cell(row.arch),
                                       format_score(row.score), row.n_units, row.seconds);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
  if (++unsynced_ >= 32) {
    ::fsync(::fileno(file_));
    unsynced_ = 0;
  }
  done_.insert(row.index);
}

}  // namespace naswot::search
