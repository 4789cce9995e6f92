#include "engine/batch_norm.h"

#include <algorithm>
#include <cmath>

namespace naswot::engine {

namespace {

constexpr int kLanes = 16;
constexpr std::int64_t kFlush = 4096;  // floats summed in f32 before adding into double

// out[l] += sum of (x[j] - center[l])^2 over j = l (mod 16), j < len (the fallback second
// pass of run_stats). Four independent accumulators per lane hide the add latency; f32 partial
// sums go into double every kFlush floats.
void lane_squares(const float* x, std::int64_t len, const float* center, double* out) {
  auto square = [&](std::int64_t j, std::int64_t l) {
    const float d = x[j] - center[l];
    return d * d;
  };
  for (std::int64_t begin = 0; begin < len; begin += kFlush) {
    const std::int64_t end = std::min(len, begin + kFlush);
    float acc[4][kLanes] = {};
    std::int64_t j = begin;
    for (; j + 4 * kLanes <= end; j += 4 * kLanes) {
      for (int u = 0; u < 4; ++u) {
        for (int l = 0; l < kLanes; ++l) acc[u][l] += square(j + u * kLanes + l, l);
      }
    }
    for (; j < end; ++j) acc[0][j % kLanes] += square(j, j % kLanes);
    for (int l = 0; l < kLanes; ++l) out[l] += (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l]);
  }
}

// out1[l] += sum of (x[j] - shift[l]), out2[l] += sum of (x[j] - shift[l])^2, over
// j = l (mod 16), j < len: both moments in one pass.
void lane_moments(const float* x, std::int64_t len, const float* shift, double* out1,
                  double* out2) {
  for (std::int64_t begin = 0; begin < len; begin += kFlush) {
    const std::int64_t end = std::min(len, begin + kFlush);
    float s1[2][kLanes] = {}, s2[2][kLanes] = {};
    std::int64_t j = begin;
    for (; j + 2 * kLanes <= end; j += 2 * kLanes) {
      for (int u = 0; u < 2; ++u) {
        for (int l = 0; l < kLanes; ++l) {
          const float d = x[j + u * kLanes + l] - shift[l];
          s1[u][l] += d;
          s2[u][l] += d * d;
        }
      }
    }
    for (; j < end; ++j) {
      const float d = x[j] - shift[j % kLanes];
      s1[0][j % kLanes] += d;
      s2[0][j % kLanes] += d * d;
    }
    for (int l = 0; l < kLanes; ++l) {
      out1[l] += s1[0][l] + s1[1][l];
      out2[l] += s2[0][l] + s2[1][l];
    }
  }
}

// Mean and sum of squared deviations of each of the run's cb channels (lanes l = k mod cb
// belong to channel k). One pass around a shift, each channel's value at the run's first
// position: a sample of the channel, so the shifted sums do not cancel unless that sample is
// far out in the tail, which is checked, and then a second pass around the mean decides.
void run_stats(const float* x, const Planes& t, double* mean, double* m2) {
  const auto cb = static_cast<int>(t.cb);
  const auto count = static_cast<double>(t.positions());
  float shift[kLanes];
  for (int l = 0; l < kLanes; ++l) shift[l] = x[l % cb];
  double s1[kLanes] = {}, s2[kLanes] = {};
  lane_moments(x, t.plane_len, shift, s1, s2);
  bool exact = true;
  for (int k = 0; k < cb; ++k) {
    double sum1 = 0.0, sum2 = 0.0;
    for (int l = k; l < kLanes; l += cb) {
      sum1 += s1[l];
      sum2 += s2[l];
    }
    const double d = sum1 / count;
    mean[k] = static_cast<double>(shift[k]) + d;
    m2[k] = sum2 - sum1 * d;
    // Squares around the shift are mostly count * d^2: too much cancellation for f32 sums.
    exact = exact && count * d * d <= 64.0 * m2[k];
  }
  if (exact) return;
  float center[kLanes];
  for (int l = 0; l < kLanes; ++l) center[l] = static_cast<float>(mean[l % cb]);
  double squares[kLanes] = {};
  lane_squares(x, t.plane_len, center, squares);
  for (int k = 0; k < cb; ++k) m2[k] = 0.0;
  for (int l = 0; l < kLanes; ++l) m2[l % cb] += squares[l];
  // Deviations were taken around the rounded mean: remove that offset's contribution.
  for (int k = 0; k < cb; ++k) {
    const double off = mean[k] - static_cast<double>(center[k]);
    m2[k] = std::max(0.0, m2[k] - count * off * off);
  }
}

}  // namespace

std::int64_t batch_norm_scratch(const Planes& t) { return 2 * t.images * t.channels(); }

void batch_norm_affine(const float* x, const Planes& t, float* scale, float* shift,
                       double* scratch) {
  // scratch: per channel, the images' run means, then their squared-deviation sums.
  const std::int64_t n = t.images, channels = t.channels(), runs = t.images * t.planes;
  double* run_mean = scratch;
  double* run_m2 = scratch + n * channels;
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < runs; ++r) {
    const std::int64_t image = r / t.planes, plane = r % t.planes;
    double mean[kLanes], m2[kLanes];
    run_stats(x + r * t.plane_len, t, mean, m2);
    for (std::int64_t k = 0; k < t.cb; ++k) {
      const std::int64_t c = plane * t.cb + k;
      run_mean[c * n + image] = mean[k];
      run_m2[c * n + image] = m2[k];
    }
  }
  // Merge the runs of each channel: equal counts, so the mean is the mean of the run means and
  // the total squared deviation adds each run's own and its mean's offset (exact in algebra).
  const auto positions = static_cast<double>(t.positions());
#pragma omp parallel for schedule(static)
  for (std::int64_t c = 0; c < channels; ++c) {
    const double* means = run_mean + c * n;
    const double* m2s = run_m2 + c * n;
    double mean = 0.0;
    for (std::int64_t i = 0; i < n; ++i) mean += means[i];
    mean /= static_cast<double>(n);
    double m2 = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
      const double d = means[i] - mean;
      m2 += m2s[i] + positions * d * d;
    }
    const double var = m2 / (static_cast<double>(n) * positions);
    const double invstd = 1.0 / std::sqrt(var + kBatchNormEps);
    const std::int64_t plane = c / t.cb, k = c % t.cb;
    for (std::int64_t l = k; l < kLanes; l += t.cb) {
      scale[plane * kLanes + l] = static_cast<float>(invstd);
      shift[plane * kLanes + l] = static_cast<float>(-mean * invstd);
    }
  }
}

}  // namespace naswot::engine
