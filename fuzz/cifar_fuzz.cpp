// Fuzzes the CIFAR-10 and CIFAR-100 binary readers: the input is a .bin file. A file that loads
// has whole records with in-range labels.
#include <cstdint>

#include "fuzz_support.h"
#include "naswot/data/dataset.h"
#include "naswot/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = naswot::fuzz::scratch_dir() / "data.bin";
  naswot::fuzz::write_file(path, data, size);
  for (int variant = 0; variant < 2; ++variant) {
    try {
      const naswot::data::Images im =
          variant == 0 ? naswot::data::read_cifar10(path) : naswot::data::read_cifar100(path);
      const std::int32_t n_classes = variant == 0 ? 10 : 100;
      if (im.n < 1 || im.pixels.size() != static_cast<std::size_t>(im.n) * 3072 ||
          im.labels.size() != static_cast<std::size_t>(im.n)) {
        __builtin_trap();
      }
      for (std::int32_t label : im.labels) {
        if (label < 0 || label >= n_classes) __builtin_trap();
      }
    } catch (const naswot::InputError&) {
    }
  }
  return 0;
}
