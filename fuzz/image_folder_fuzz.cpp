// Fuzzes the image-folder reader (stb_image's PNG and JPEG decoders behind it): the input is
// the one image of a one-class folder. A folder that loads holds one RGB image of its size.
#include <cstdint>

#include "fuzz_support.h"
#include "naswot/data/dataset.h"
#include "naswot/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto root = [] {
    const auto dir = naswot::fuzz::scratch_dir() / "images";
    std::filesystem::create_directories(dir / "class_a");
    return dir;
  }();
  naswot::fuzz::write_file(root / "class_a" / "image.png", data, size);
  try {
    const naswot::data::Images im = naswot::data::read_image_folder(root);
    if (im.n != 1 || im.c != 3 || im.h < 1 || im.w < 1 ||
        im.pixels.size() != static_cast<std::size_t>(3 * im.h * im.w) || im.labels.size() != 1 ||
        im.labels[0] != 0) {
      __builtin_trap();
    }
  } catch (const naswot::InputError&) {
  }
  return 0;
}
