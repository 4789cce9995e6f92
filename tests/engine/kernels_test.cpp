// Our elementwise kernels against straightforward double-precision loops, in every layout the
// executor uses (planes.h: nChw16c, nChw8c, nchw), with plane lengths that are and are not
// multiples of 16 and image sizes that are not multiples of 64 (the vector paths' tails):
// batch-norm statistics (also for a large mean, where a naive E[x²] - E[x]² in float would
// cancel), sums of plain and normalised terms, and ReLU + sign packing of a normalised input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/batch_norm.h"
#include "engine/sign_pack.h"
#include "engine/tensor_add.h"
#include "naswot/util/rng.h"

namespace naswot::engine {
namespace {

struct Case {
  Planes t;
  const char* name;
};

// n images, c channels of h x w in blocks of cb.
Planes planes(std::int64_t n, std::int64_t c, std::int64_t hw, std::int64_t cb) {
  return Planes{n, c / cb, cb * hw, cb};
}

const Case kCases[] = {
    {planes(3, 32, 7 * 7, 16), "nChw16c 7x7"},
    {planes(2, 16, 5 * 5, 8), "nChw8c 5x5 (plane 200)"},
    {planes(2, 24, 3 * 3, 8), "nChw8c 3x3 (plane 72)"},
    {planes(3, 5, 6 * 6, 1), "nchw 6x6 (plane 36)"},
    {planes(2, 3, 8 * 8, 1), "nchw 8x8 (plane 64)"},
    {planes(2, 3, 45 * 45, 1), "nchw 45x45 (2048-float chunks end inside planes)"},
};

std::int64_t channel_of(const Planes& t, std::int64_t index) {  // index within the tensor
  const std::int64_t run = index / t.plane_len;
  return run % t.planes * t.cb + index % t.plane_len % t.cb;
}

std::vector<float> gaussian(const Planes& t, double mean, std::uint64_t seed) {
  std::vector<float> x(static_cast<size_t>(t.images * t.per_image()));
  Rng rng(seed);
  for (float& v : x) v = static_cast<float>(mean + rng.normal());
  return x;
}

// A pattern's value for channel c (lane c % cb of plane c / cb).
float pattern(const std::vector<float>& p, const Planes& t, std::int64_t c) {
  return p[static_cast<size_t>(c / t.cb * 16 + c % t.cb)];
}

struct Affine {
  std::vector<float> scale, shift;
  explicit Affine(const Planes& t)
      : scale(static_cast<size_t>(t.planes * 16)), shift(static_cast<size_t>(t.planes * 16)) {}
  [[nodiscard]] ChannelAffine view() const { return {scale.data(), shift.data()}; }
};

Affine batch_norm(const std::vector<float>& x, const Planes& t) {
  Affine a(t);
  std::vector<double> scratch(static_cast<size_t>(batch_norm_scratch(t)));
  batch_norm_affine(x.data(), t, a.scale.data(), a.shift.data(), scratch.data());
  return a;
}

TEST(BatchNormKernel, MatchesDoublePrecisionStatistics) {
  for (const Case& k : kCases) {
    // Standard normal; mean 1000; and a tight run (sd 0.001) whose first position, where the
    // kernel takes its shift from, sits 1000 sd away (shifted sums would cancel).
    for (const int variant : {0, 1, 2}) {
      SCOPED_TRACE(::testing::Message() << k.name << ", variant " << variant);
      const Planes& t = k.t;
      std::vector<float> x = gaussian(t, variant == 0 ? 0.0 : 1000.0, 3);
      if (variant == 2) {
        for (float& v : x) v = 1000.0f + (v - 1000.0f) * 1e-3f;
        for (std::int64_t r = 0; r < t.images * t.planes; ++r) {
          for (std::int64_t l = 0; l < t.cb; ++l)
            x[static_cast<size_t>(r * t.plane_len + l)] += 1.0f;
        }
      }
      const Affine a = batch_norm(x, t);
      std::vector<double> sum(static_cast<size_t>(t.channels())), sq(sum.size());
      for (std::size_t i = 0; i < x.size(); ++i)
        sum[static_cast<size_t>(channel_of(t, static_cast<std::int64_t>(i)))] += x[i];
      const double count = static_cast<double>(t.images * t.positions());
      for (std::size_t i = 0; i < x.size(); ++i) {
        const auto c = static_cast<size_t>(channel_of(t, static_cast<std::int64_t>(i)));
        const double d = x[i] - sum[c] / count;
        sq[c] += d * d;
      }
      for (std::int64_t c = 0; c < t.channels(); ++c) {
        const double mean = sum[static_cast<size_t>(c)] / count;
        const double invstd = 1.0 / std::sqrt(sq[static_cast<size_t>(c)] / count + 1e-5);
        EXPECT_NEAR(pattern(a.scale, t, c), invstd, 1e-5 * invstd) << "channel " << c;
        EXPECT_NEAR(pattern(a.shift, t, c), -mean * invstd, 1e-5 * (1 + mean * invstd))
            << "channel " << c;
        // Every lane of the channel's plane that belongs to it holds the same values.
        for (std::int64_t l = c % t.cb; l < 16; l += t.cb) {
          EXPECT_EQ(a.scale[static_cast<size_t>(c / t.cb * 16 + l)], pattern(a.scale, t, c));
          EXPECT_EQ(a.shift[static_cast<size_t>(c / t.cb * 16 + l)], pattern(a.shift, t, c));
        }
      }
    }
  }
}

TEST(AddKernel, SumsPlainAndNormalisedTermsLeftToRight) {
  for (const Case& k : kCases) {
    SCOPED_TRACE(k.name);
    const Planes& t = k.t;
    const std::vector<float> a = gaussian(t, 0.5, 4), b = gaussian(t, 0.0, 5),
                             c = gaussian(t, -2.0, 6);
    const Affine bn_a = batch_norm(a, t), bn_c = batch_norm(c, t);
    const AddTerm terms[] = {{a.data(), bn_a.view()}, {b.data(), {}}, {c.data(), bn_c.view()}};
    for (std::size_t used = 1; used <= 3; ++used) {
      std::vector<float> dst(a.size());
      add_tensors({terms, used}, dst.data(), t);
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::int64_t ch = channel_of(t, static_cast<std::int64_t>(i));
        float want = std::fma(a[i], pattern(bn_a.scale, t, ch), pattern(bn_a.shift, t, ch));
        if (used > 1) want += b[i];
        if (used > 2)
          want += std::fma(c[i], pattern(bn_c.scale, t, ch), pattern(bn_c.shift, t, ch));
        ASSERT_EQ(dst[i], want) << "terms " << used << ", element " << i;
      }
    }
  }
}

TEST(SignPackKernel, NormalisesItsInputBeforeTheReluAndTheSigns) {
  for (const Case& k : kCases) {
    SCOPED_TRACE(k.name);
    const Planes& t = k.t;
    const std::vector<float> x = gaussian(t, 3.0, 7);  // mostly positive until normalised
    const Affine bn = batch_norm(x, t);
    const std::int64_t units = t.per_image(), stride = (units + 63) / 64 + 1;
    std::vector<float> out(x.size());
    std::vector<std::uint64_t> words(static_cast<size_t>(t.images * stride), ~0ULL);
    relu_sign_pack(x.data(), bn.view(), t, {.f32 = out.data()}, words.data(), stride);
    std::int64_t on = 0;
    for (std::int64_t i = 0; i < t.images; ++i) {
      for (std::int64_t u = 0; u < (units + 63) / 64 * 64; ++u) {
        const std::uint64_t word = words[static_cast<size_t>(i * stride + u / 64)];
        const bool bit = (word >> (u % 64)) & 1;
        if (u >= units) {
          ASSERT_FALSE(bit) << "image " << i << ": bit past the units, " << u;
          continue;
        }
        const std::size_t at = static_cast<size_t>(i * units + u);
        const std::int64_t ch = channel_of(t, static_cast<std::int64_t>(at));
        const float v = std::fma(x[at], pattern(bn.scale, t, ch), pattern(bn.shift, t, ch));
        ASSERT_EQ(bit, v > 0.0f) << "image " << i << ", unit " << u;
        ASSERT_EQ(out[at], std::max(v, 0.0f)) << "image " << i << ", unit " << u;
        on += bit;
      }
    }
    // Normalised, about half the units are on (the raw input had nearly all of them on).
    const double frac = static_cast<double>(on) / static_cast<double>(t.images * units);
    EXPECT_GT(frac, 0.3);
    EXPECT_LT(frac, 0.7);
  }
}

TEST(SignPackKernel, FusedWithTheSumGivesTheSumThenTheRelu) {
  for (const Case& k : kCases) {
    SCOPED_TRACE(k.name);
    const Planes& t = k.t;
    const std::vector<float> a = gaussian(t, 0.5, 8), b = gaussian(t, 0.0, 9);
    const Affine bn = batch_norm(a, t);
    const AddTerm terms[] = {{a.data(), bn.view()}, {b.data(), {}}};
    const std::int64_t stride = (t.per_image() + 63) / 64;
    std::vector<float> want_sum(a.size()), want_relu(a.size());
    std::vector<std::uint64_t> want_words(static_cast<size_t>(t.images * stride));
    add_tensors(terms, want_sum.data(), t);
    relu_sign_pack(want_sum.data(), {}, t, {.f32 = want_relu.data()}, want_words.data(), stride);
    for (const bool keep_sum : {false, true}) {
      std::vector<float> sum(a.size(), -7.0f), relu(a.size());
      std::vector<std::uint64_t> words(want_words.size());
      add_relu_sign_pack(terms, t, keep_sum ? sum.data() : nullptr, {.f32 = relu.data()},
                         words.data(), stride);
      EXPECT_EQ(relu, want_relu) << "keep_sum " << keep_sum;
      EXPECT_EQ(words, want_words) << "keep_sum " << keep_sum;
      if (keep_sum) EXPECT_EQ(sum, want_sum);
      if (!keep_sum) EXPECT_EQ(sum, std::vector<float>(a.size(), -7.0f));  // untouched
    }
  }
}

TEST(AddKernel, PoolsA3x3TermExcludingPadding) {
  // nChw16c planes of h x w; 13x11 planes span more than one 2048-float chunk, so chunks start
  // inside rows; 1-wide and 1-high planes have only edge windows.
  for (const auto [h, w] :
       {std::pair<std::int64_t, std::int64_t>{13, 11}, {4, 4}, {1, 5}, {6, 1}}) {
    SCOPED_TRACE(::testing::Message() << h << "x" << w);
    Planes t = planes(2, 32, h * w, 16);
    t.width = w;
    const std::vector<float> x = gaussian(t, 0.0, 10), y = gaussian(t, 1.0, 11);
    auto pooled = [&](std::size_t at) {  // naive mean over the valid window, in double
      const std::int64_t run = static_cast<std::int64_t>(at) / t.plane_len;
      const std::int64_t e = static_cast<std::int64_t>(at) % t.plane_len;
      const std::int64_t pos = e / 16, lane = e % 16, r = pos / w, c = pos % w;
      double sum = 0.0;
      int count = 0;
      for (std::int64_t rr = r - 1; rr <= r + 1; ++rr) {
        for (std::int64_t cc = c - 1; cc <= c + 1; ++cc) {
          if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
          sum += x[static_cast<size_t>(run * t.plane_len + (rr * w + cc) * 16 + lane)];
          ++count;
        }
      }
      return sum / count;
    };
    for (const bool first : {true, false}) {  // the pooled term sets or adds
      const AddTerm pool{x.data(), {}, true}, plain{y.data(), {}};
      const std::vector<AddTerm> terms =
          first ? std::vector<AddTerm>{pool, plain} : std::vector<AddTerm>{plain, pool};
      std::vector<float> dst(x.size());
      add_tensors(terms, dst.data(), t);
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double want = pooled(i) + y[i];
        ASSERT_NEAR(dst[i], want, 1e-5 * (1 + std::abs(want))) << "element " << i;
      }
    }
  }
}

}  // namespace
}  // namespace naswot::engine
