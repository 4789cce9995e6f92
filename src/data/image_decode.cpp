// PNG and JPEG decoding for image folders, matching what the reference gets from PIL
// (reference-semantics.md §2.1: Image.open(f).convert("RGB"), no colour management):
//   PNG, through libpng's low-level API so that no gamma or colour-profile conversion happens
//   (PIL does none): palettes expand to RGB, 1/2/4-bit grey scales to 8 bits, 16-bit samples
//   keep their high byte (PIL's "RGB;16B" unpacker), grey is replicated to RGB and alpha is
//   dropped, not composited (PIL's convert("RGB")).
//   JPEG, through TurboJPEG (libjpeg-turbo, the library PIL's JPEG plugin is built on) with
//   libjpeg's defaults as PIL uses them: accurate integer IDCT and fancy upsampling, so decoded
//   pixels equal PIL's. Grey and YCbCr files convert to RGB; CMYK files are refused.
// Both libraries are the distributions' fuzzed decoders. (stb_image 2.27, which Debian 12
// ships and this reader used before, corrupts memory on crafted JPEG Huffman tables and can
// loop forever on a truncated PNG stream; fuzz/image_folder_fuzz.cpp found the first in
// seconds.) Any error or libjpeg warning (truncated data, a corrupt entropy segment) refuses
// the file: a half-decoded image is never scored.
#include "data/image_decode.h"

#include <png.h>
#include <turbojpeg.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

#include "naswot/util/error.h"

namespace naswot::data {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& why) {
  throw InputError(name, "cannot decode the image: " + why);
}

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

// ---- PNG ----

struct PngSource {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos = 0;
  char message[160] = "";  // libpng's error text
  char warning[160] = "";  // its last warning, which may say why the error came
};

void png_read_bytes(png_structp png, png_bytep out, png_size_t n) {
  auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
  if (n > src->size - src->pos) png_error(png, "file is truncated");
  std::memcpy(out, src->data + src->pos, n);
  src->pos += n;
}

[[noreturn]] void png_on_error(png_structp png, png_const_charp message) {
  auto* src = static_cast<PngSource*>(png_get_error_ptr(png));
  std::snprintf(src->message, sizeof src->message, "%s", message);
  png_longjmp(png, 1);
}

// Warnings (ancillary-chunk trouble, which PIL ignores too) only annotate a later error.
void png_on_warning(png_structp png, png_const_charp message) {
  auto* src = static_cast<PngSource*>(png_get_error_ptr(png));
  std::snprintf(src->warning, sizeof src->warning, "%s", message);
}

// Decodes into `raw` (h rows of w * channels bytes) and `rows`; false with src.message set when
// libpng fails. Keeps to plain C data in this frame, since libpng reports errors by longjmp.
bool png_decode(PngSource& src, int& w, int& h, int& channels, std::vector<std::uint8_t>& raw,
                std::vector<png_bytep>& rows) {
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error, png_on_warning);
  if (png == nullptr) {
    std::snprintf(src.message, sizeof src.message, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
    return false;
  }
  png_set_read_fn(png, &src, png_read_bytes);
  png_set_user_limits(png, kMaxImageSide, kMaxImageSide);
  png_read_info(png, info);
  const int color = png_get_color_type(png, info);
  const int depth = png_get_bit_depth(png, info);
  png_set_strip_16(png);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  w = static_cast<int>(png_get_image_width(png, info));
  h = static_cast<int>(png_get_image_height(png, info));
  channels = png_get_channels(png, info);
  const std::size_t row_bytes = png_get_rowbytes(png, info);
  if (channels < 1 || channels > 4 || row_bytes != static_cast<std::size_t>(w) * channels) {
    png_error(png, "unexpected pixel layout after expansion");
  }
  raw.resize(row_bytes * static_cast<std::size_t>(h));  // <= 8192^2 * 4 bytes
  rows.resize(static_cast<std::size_t>(h));
  for (int y = 0; y < h; ++y) rows[static_cast<std::size_t>(y)] = raw.data() + row_bytes * y;
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);  // checks the rest of the file up to IEND
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

RgbImage decode_png(std::span<const std::uint8_t> bytes, const std::string& name) {
  PngSource src{bytes.data(), bytes.size()};
  int w = 0, h = 0, channels = 0;
  std::vector<std::uint8_t> raw;
  std::vector<png_bytep> rows;
  if (!png_decode(src, w, h, channels, raw, rows)) {
    std::string why = src.message[0] != '\0' ? src.message : "corrupt PNG";
    const std::string warning = src.warning;
    if (warning.find("exceeds user limit") != std::string::npos) {
      why = warning + "; at most " + std::to_string(kMaxImageSide) + " pixels a side are read";
    } else if (!warning.empty()) {
      why += " (" + warning + ")";
    }
    fail(name, why);
  }
  RgbImage out{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h * 3)};
  const std::size_t n = static_cast<std::size_t>(w) * h;
  for (std::size_t p = 0; p < n; ++p) {
    const std::uint8_t* s = raw.data() + p * channels;
    std::uint8_t* d = out.rgb.data() + p * 3;
    if (channels >= 3) {  // RGB or RGBA: alpha dropped
      d[0] = s[0], d[1] = s[1], d[2] = s[2];
    } else {  // grey or grey + alpha
      d[0] = d[1] = d[2] = s[0];
    }
  }
  return out;
}

// ---- JPEG ----

struct TjFree {
  void operator()(void* h) const { tjDestroy(h); }
};

RgbImage decode_jpeg(std::span<const std::uint8_t> bytes, const std::string& name) {
  const std::unique_ptr<void, TjFree> tj(tjInitDecompress());
  if (!tj) fail(name, "cannot start the JPEG decoder");
  int w = 0, h = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), bytes.data(), bytes.size(), &w, &h, &subsampling,
                          &colorspace) != 0) {
    fail(name, tjGetErrorStr2(tj.get()));
  }
  if (w < 1 || h < 1) fail(name, "image is " + size_text(w, h));
  if (w > kMaxImageSide || h > kMaxImageSide) {
    fail(name, "image is " + size_text(w, h) + " (WxH); at most " + std::to_string(kMaxImageSide) +
                   " pixels a side are read");
  }
  if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) fail(name, "CMYK JPEG");
  RgbImage out{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h * 3)};
  // No fast DCT or fast upsampling flags: libjpeg's defaults, as PIL decodes.
  if (tjDecompress2(tj.get(), bytes.data(), bytes.size(), out.rgb.data(), w, 0, h, TJPF_RGB,
                    TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0) {
    fail(name, tjGetErrorStr2(tj.get()));
  }
  return out;
}

}  // namespace

RgbImage decode_image(std::span<const std::uint8_t> bytes, const std::string& name) {
  static constexpr std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0) return decode_png(bytes, name);
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    return decode_jpeg(bytes, name);
  }
  fail(name, "not a PNG or JPEG file");
}

}  // namespace naswot::data
