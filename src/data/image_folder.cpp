// Image-folder reader, following torchvision's ImageFolder as the reference uses it for
// imagenette2 (reference-semantics.md §2.1): one sub-folder per class, classes in sorted order
// with label = position, and each class's files gathered the way `sorted(os.walk(class_dir))`
// visits them (folders by path, files by name), so nested folders count too. Extensions match
// case-insensitively. Images are decoded by stb_image and forced to RGB, as PIL's
// convert("RGB") does. Unlike the reference there is no resize or crop: all images must
// already share one size, of at most kMaxSide pixels a side (stb refuses a header claiming
// more before allocating for it, which keeps a corrupt header from asking for gigabytes).
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "naswot/data/dataset.h"
#include "naswot/util/error.h"

// Static linkage keeps this private copy of stb_image from clashing with any other one (Debian
// also ships it as libstb); only PNG and JPEG are compiled in.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#define STBI_MAX_DIMENSIONS 8192  // = kMaxSide below
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace naswot::data {

namespace {

namespace fs = std::filesystem;

bool is_image_file(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

std::vector<fs::path> sorted_children(const fs::path& dir, bool want_dirs) {
  std::vector<fs::path> out;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (want_dirs ? entry.is_directory() : entry.is_regular_file()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end(),
            [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
  return out;
}

// The image files of one class in os.walk order: folders sorted by full path, then files by name.
std::vector<fs::path> class_files(const fs::path& class_dir) {
  std::vector<fs::path> dirs{class_dir};
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(
           class_dir, fs::directory_options::follow_directory_symlink)) {
    if (entry.is_directory()) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end(),
            [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
  std::vector<fs::path> files;
  for (const fs::path& dir : dirs) {
    for (fs::path& file : sorted_children(dir, false)) {
      if (is_image_file(file)) files.push_back(std::move(file));
    }
  }
  return files;
}

constexpr int kMaxSide = STBI_MAX_DIMENSIONS;

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

struct StbFree {
  void operator()(stbi_uc* p) const { stbi_image_free(p); }
};

struct Decoded {
  int w = 0, h = 0;
  std::unique_ptr<stbi_uc, StbFree> rgb;  // interleaved HWC
};

Decoded decode(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "cannot open the file");
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
  if (bytes.empty()) throw InputError(file.string(), "file is empty");
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw InputError(file.string(), "file is too large to decode (over 2 GiB)");
  }
  Decoded out;
  int channels_in_file = 0;
  out.rgb.reset(stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                                      static_cast<int>(bytes.size()), &out.w, &out.h,
                                      &channels_in_file, 3));
  if (!out.rgb) {
    const std::string reason = stbi_failure_reason();
    throw InputError(file.string(),
                     "cannot decode the image: " + reason +
                         (reason == "too large"
                              ? " (at most " + std::to_string(kMaxSide) + " pixels a side are read)"
                              : std::string()));
  }
  return out;
}

}  // namespace

Images read_image_folder(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path.string(), "no such folder");
  if (!fs::is_directory(path, ec)) throw InputError(path.string(), "not a folder");

  std::vector<fs::path> files;
  std::vector<std::int32_t> labels;
  try {
    std::int32_t label = 0;
    for (const fs::path& class_dir : sorted_children(path, true)) {
      for (fs::path& file : class_files(class_dir)) {
        files.push_back(std::move(file));
        labels.push_back(label);
      }
      ++label;
    }
  } catch (const fs::filesystem_error& e) {
    // An unreadable sub-folder is bad input like any other, not an internal error.
    throw InputError(e.path1().empty() ? path.string() : e.path1().string(), e.code().message());
  }
  if (files.empty()) {
    throw InputError(path.string(), "no .png, .jpg or .jpeg images in class sub-folders");
  }

  Images images;
  images.n = static_cast<std::int64_t>(files.size());
  images.labels = std::move(labels);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const Decoded image = decode(files[i]);
    if (i == 0) {
      images.h = image.h;
      images.w = image.w;
      images.pixels.resize(files.size() * 3 * static_cast<std::size_t>(image.h * image.w));
    } else if (image.h != images.h || image.w != images.w) {
      throw InputError(files[i].string(),
                       "image is " + size_text(image.w, image.h) + " (WxH) but " +
                           files[0].string() + " is " +
                           size_text(static_cast<int>(images.w), static_cast<int>(images.h)));
    }
    // stb gives interleaved RGB; Images is planar.
    const std::size_t plane = static_cast<std::size_t>(image.h * image.w);
    std::uint8_t* dst = images.pixels.data() + i * 3 * plane;
    for (std::size_t p = 0; p < plane; ++p) {
      for (std::size_t ch = 0; ch < 3; ++ch) dst[ch * plane + p] = image.rgb.get()[3 * p + ch];
    }
  }
  return images;
}

}  // namespace naswot::data
