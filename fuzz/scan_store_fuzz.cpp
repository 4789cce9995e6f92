// Fuzzes reopening a scan file: the input is an existing `--out` file. Opening either fails
// with InputError (not a scan file) and leaves the file as it was, or repairs it to a header
// and valid rows: a second open then finds nothing to repair and the same rows, and a row can
// be appended.
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "fuzz_support.h"
#include "naswot/search/scan_store.h"
#include "naswot/util/error.h"

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = naswot::fuzz::scratch_dir() / "scan.csv";
  std::filesystem::remove(naswot::fuzz::scratch_dir() / "scan.csv.damaged");
  naswot::fuzz::write_file(path, data, size);
  std::set<std::int64_t> done;
  try {
    naswot::search::ScanStore store(path);
    done = store.done();
  } catch (const naswot::InputError&) {
    const std::string now = slurp(path);
    if (now.size() != size ||
        (size > 0 && now.compare(0, size, reinterpret_cast<const char*>(data), size) != 0)) {
      __builtin_trap();  // a refused file must be left alone
    }
    return 0;
  }
  naswot::search::ScanStore again(path);
  const naswot::search::ScanRecovery& r = again.recovery();
  if (again.done() != done || r.torn_bytes != 0 || r.damaged_bytes != 0) __builtin_trap();
  std::int64_t fresh = 0;
  while (done.count(fresh)) ++fresh;
  again.append({fresh, "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", 1.5, 7, 0.25});
  return 0;
}
