// Image-folder reader, following torchvision's ImageFolder as the reference uses it for
// imagenette2 (reference-semantics.md §2.1): one sub-folder per class, classes in sorted order
// with label = position, and each class's files gathered the way `sorted(os.walk(class_dir))`
// visits them (folders by path, files by name), so nested folders count too. Extensions match
// case-insensitively. Images are decoded to RGB as PIL's convert("RGB") does (image_decode.cpp:
// libpng and libjpeg-turbo). Unlike the reference there is no resize or crop: all images must
// already share one size, of at most kMaxImageSide pixels a side.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "data/image_decode.h"
#include "naswot/data/dataset.h"
#include "naswot/util/error.h"

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

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

RgbImage decode(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "cannot open the file");
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
  if (bytes.empty()) throw InputError(file.string(), "file is empty");
  return decode_image(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                      file.string());
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
    const RgbImage image = decode(files[i]);
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
    // Decoded RGB is interleaved; Images is planar.
    const std::size_t plane = static_cast<std::size_t>(image.h * image.w);
    std::uint8_t* dst = images.pixels.data() + i * 3 * plane;
    for (std::size_t p = 0; p < plane; ++p) {
      for (std::size_t ch = 0; ch < 3; ++ch) dst[ch * plane + p] = image.rgb[3 * p + ch];
    }
  }
  return images;
}

}  // namespace naswot::data
