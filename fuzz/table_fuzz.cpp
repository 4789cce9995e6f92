// Fuzzes the benchmark-table reader: the input is a CSV file. A table that loads must answer
// every lookup; cells that are not numbers fail with InputError.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "naswot/bench/table.h"
#include "naswot/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = naswot::fuzz::scratch_dir() / "table.csv";
  naswot::fuzz::write_file(path, data, size);
  try {
    const naswot::bench::Table t = naswot::bench::Table::read_csv(path);
    for (std::int64_t r = 0; r < t.n_rows(); ++r) {
      for (const std::string& c : t.columns()) {
        try {
          (void)t.value(r, c);
        } catch (const naswot::InputError&) {
        }
        if (c == "arch" && t.row_of_arch(t.text(r, c)) != r) __builtin_trap();
      }
    }
    (void)t.metric_columns();
    (void)t.row_of_index(0);
    try {
      t.require_column("cifar10_valid");
    } catch (const naswot::InputError&) {
    }
  } catch (const naswot::InputError&) {
  }
  return 0;
}
