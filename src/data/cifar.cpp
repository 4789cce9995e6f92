// CIFAR-10/100 binary readers. The official `*-batches-bin` files are bare records with no
// header: CIFAR-10 has 1 label byte then 3072 pixel bytes (red plane, green, blue, each 32x32
// row-major); CIFAR-100 has a coarse and a fine label byte before the same pixels. The pixels are
// already planar, so they are kept byte for byte. The reference trains on data_batch_1..5 in file
// order (reference-semantics.md §2.1), which is the order a folder is read in here.
#include <cstddef>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "naswot/data/dataset.h"
#include "naswot/util/error.h"

namespace naswot::data {

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kSide = 32;
constexpr std::size_t kPixelBytes = 3 * kSide * kSide;  // 3072

struct RecordFormat {
  std::size_t label_bytes;  // bytes before the pixels; the last of them is the kept label
  std::int32_t n_classes;   // labels must be below this
};
constexpr RecordFormat kCifar10{1, 10};
constexpr RecordFormat kCifar100{2, 100};

// Appends the records of one file to `out`. The file is read with one bulk read straight into
// the pixel buffer and compacted in place, so a 50,000-image training set needs no second copy.
void append_file(const fs::path& file, const RecordFormat& format, Images& out) {
  const std::string name = file.string();
  std::error_code ec;
  const fs::file_status status = fs::status(file, ec);
  if (!fs::exists(status)) throw InputError(name, "no such file");
  if (!fs::is_regular_file(status)) throw InputError(name, "not a regular file");
  const std::uintmax_t bytes = fs::file_size(file, ec);
  if (ec) throw InputError(name, "cannot read the file size: " + ec.message());
  const std::size_t record_bytes = format.label_bytes + kPixelBytes;
  if (bytes == 0) throw InputError(name, "file is empty");
  if (bytes % record_bytes != 0) {
    // A partial last record means a truncated download or the wrong CIFAR variant; either way
    // the records after the first can no longer be trusted to be aligned.
    throw InputError(name, std::to_string(bytes) + " bytes is not a multiple of " +
                               std::to_string(record_bytes));
  }
  const std::size_t n_records = bytes / record_bytes;

  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(name, "cannot open the file");
  const std::size_t base = out.pixels.size();
  out.pixels.resize(base + bytes);
  std::uint8_t* const data = out.pixels.data() + base;
  in.read(reinterpret_cast<char*>(data), static_cast<std::streamsize>(bytes));
  if (in.gcount() != static_cast<std::streamsize>(bytes)) {
    throw InputError(
        name, "read " + std::to_string(in.gcount()) + " of " + std::to_string(bytes) + " bytes");
  }

  out.labels.reserve(out.labels.size() + n_records);
  for (std::size_t i = 0; i < n_records; ++i) {
    const std::uint8_t* record = data + i * record_bytes;
    const std::int32_t label = record[format.label_bytes - 1];
    if (label >= format.n_classes) {
      throw InputError(name, "record " + std::to_string(i) + " has label " + std::to_string(label) +
                                 ", expected 0.." + std::to_string(format.n_classes - 1));
    }
    out.labels.push_back(label);
    // Record i's pixels move to i*3072, never past a byte of a record not yet read.
    std::memmove(data + i * kPixelBytes, record + format.label_bytes, kPixelBytes);
  }
  out.pixels.resize(base + n_records * kPixelBytes);
  out.n += static_cast<std::int64_t>(n_records);
}

Images read_files(const std::vector<fs::path>& files, const RecordFormat& format) {
  Images images;
  images.c = 3;
  images.h = kSide;
  images.w = kSide;
  for (const fs::path& file : files) append_file(file, format, images);
  return images;
}

}  // namespace

Images read_cifar10(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return read_files({path}, kCifar10);
  std::vector<fs::path> files;
  for (int k = 1; k <= 5; ++k) {
    fs::path file = path / ("data_batch_" + std::to_string(k) + ".bin");
    if (fs::exists(file, ec)) files.push_back(std::move(file));
  }
  if (files.empty()) {
    throw InputError(path.string(), "folder holds none of data_batch_1.bin .. data_batch_5.bin");
  }
  return read_files(files, kCifar10);
}

Images read_cifar100(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return read_files({path}, kCifar100);
  const fs::path file = path / "train.bin";
  if (!fs::exists(file, ec)) throw InputError(path.string(), "folder holds no train.bin");
  return read_files({file}, kCifar100);
}

}  // namespace naswot::data
