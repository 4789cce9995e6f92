// Data specs, loading and batch selection. A random batch reproduces the first batch of a fresh
// reference DataLoader over a random sampler (reference-semantics.md §1.10): MT19937 seeded with
// the seed, two discarded outputs (the loader's 64-bit base seed), then torch's randperm, a
// forward Fisher-Yates with z = next32() mod (n - i), of which the batch is the first b entries.
#include "naswot/data/dataset.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "naswot/util/error.h"

namespace naswot::data {

namespace {

std::string spec_text(const DataSpec& spec) {
  return spec.path.empty() ? spec.kind : spec.kind + ":" + spec.path;
}

}  // namespace

DataSpec parse_data_spec(std::string_view spec) {
  const std::size_t colon = spec.find(':');
  const std::string_view kind = spec.substr(0, colon);
  const std::string_view path =
      colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1);
  if (kind == "gaussian") {
    if (colon != std::string_view::npos) throw InputError(spec, "gaussian takes no path");
    return DataSpec{};
  }
  if (kind != "cifar10" && kind != "cifar100" && kind != "folder") {
    throw InputError(spec,
                     "unknown data (expected gaussian, cifar10:PATH, cifar100:PATH or "
                     "folder:PATH)");
  }
  if (path.empty()) throw InputError(spec, "missing the path after '" + std::string(kind) + ":'");
  return DataSpec{std::string(kind), std::string(path)};
}

Dataset Dataset::load(const DataSpec& spec, std::int64_t gaussian_image_size) {
  Dataset d;
  d.spec_ = spec;
  if (spec.kind == "gaussian") {
    if (gaussian_image_size < 1) {
      throw InputError("image size " + std::to_string(gaussian_image_size), "must be at least 1");
    }
    d.image_size_ = gaussian_image_size;
    return d;
  }
  if (spec.kind == "cifar10") {
    d.images_ = read_cifar10(spec.path);
    d.norm_ = normalization_preset("cifar10");
  } else if (spec.kind == "cifar100") {
    d.images_ = read_cifar100(spec.path);
    d.norm_ = normalization_preset("cifar100");
  } else if (spec.kind == "folder") {
    d.images_ = read_image_folder(spec.path);
    // The reference's folder dataset (imagenette2) uses the ImageNet statistics.
    d.norm_ = normalization_preset("imagenet");
    // Networks are built for one square image size; anything else would fail deep in the engine.
    if (d.images_.h != d.images_.w) {
      throw InputError(spec_text(spec), "images are " + std::to_string(d.images_.w) + "x" +
                                            std::to_string(d.images_.h) +
                                            " (WxH); scoring needs square images");
    }
  } else {
    throw InputError(spec_text(spec), "unknown data kind '" + spec.kind + "'");
  }
  d.image_size_ = d.images_.h;
  return d;
}

std::vector<std::int64_t> Dataset::choose(std::int64_t b, BatchMode mode,
                                          std::uint64_t seed) const {
  if (b < 2) throw InputError("batch size " + std::to_string(b), "K needs at least 2 images");
  if (is_gaussian()) return {};
  const std::int64_t n = images_.n;
  if (b > n) {
    throw InputError("batch size " + std::to_string(b),
                     "larger than the " + std::to_string(n) + " images of " + spec_text(spec_));
  }
  std::vector<std::int64_t> chosen(static_cast<std::size_t>(b));
  if (mode == BatchMode::kFirst) {
    std::iota(chosen.begin(), chosen.end(), std::int64_t{0});
    return chosen;
  }
  NASWOT_CHECK(n <= std::int64_t{0xffffffff});  // z is drawn mod n from 32 bits
  Rng rng(seed);
  rng.next_u32();  // the loader's base seed: two outputs, unused for the batch
  rng.next_u32();
  std::vector<std::int64_t> r(static_cast<std::size_t>(n));
  std::iota(r.begin(), r.end(), std::int64_t{0});
  // Step i only swaps positions >= i, so r[0..b-1] is final after b steps; the reference's
  // remaining n-1-b draws cannot change the batch, and this generator is not used afterwards.
  for (std::int64_t i = 0; i < b && i < n - 1; ++i) {
    const auto z = static_cast<std::int64_t>(rng.next_u32() % static_cast<std::uint32_t>(n - i));
    std::swap(r[static_cast<std::size_t>(i)], r[static_cast<std::size_t>(i + z)]);
  }
  std::copy(r.begin(), r.begin() + b, chosen.begin());
  return chosen;
}

Tensor Dataset::batch(std::int64_t b, BatchMode mode, std::uint64_t seed) const {
  if (!is_gaussian()) return gather(choose(b, mode, seed));
  if (b < 2) throw InputError("batch size " + std::to_string(b), "K needs at least 2 images");
  Tensor out(b, 3, image_size_, image_size_);
  Rng rng(seed);
  for (float& v : out.data) v = rng.normal();
  return out;
}

}  // namespace naswot::data
