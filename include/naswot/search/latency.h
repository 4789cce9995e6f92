// Real inference latency of a network on this machine, measured with the scoring engine
// (hardware-aware search, issue 6 item 4): the whole network including the classifier head
// (10 classes), batch norm in inference mode (running statistics, those of a fresh network:
// mean 0, variance 1), weights initialised once and not timed. The reported time is the median
// of `repeats` forward passes after one warm-up, at batch 1 and at a chosen batch.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "naswot/spaces/space.h"

namespace naswot::search {

struct LatencyOptions {
  std::int64_t batch = 1;        // the chosen batch (--latency-batch), timed besides batch 1
  int repeats = 5;               // timed forward passes per batch, after 1 warm-up; median kept
  int threads = 0;               // OpenMP threads of the timing executor; 0 = all cores
  std::int64_t image_size = 32;  // square 3-channel input
  std::int64_t classes = 10;     // head outputs
};

struct Latency {
  double batch1_ms = 0.0;  // median wall time of one forward pass of 1 image, ms
  double batch_ms = 0.0;   // median wall time of one forward pass of options.batch images, ms
};

// Measures and caches latencies per architecture. Owns one engine::Executor, so it is not
// thread-safe and must stay on one thread. `space` must outlive it.
class LatencyMeter {
 public:
  // Throws InputError when batch, repeats, image_size or classes is below 1, or threads < 0.
  explicit LatencyMeter(const spaces::SearchSpace& space, LatencyOptions options = {});
  ~LatencyMeter();
  LatencyMeter(const LatencyMeter&) = delete;
  LatencyMeter& operator=(const LatencyMeter&) = delete;

  // The latency of arch: measured on the first query (blocking, ~repeats+1 forward passes per
  // batch size), from the cache afterwards. The reference stays valid while the meter lives.
  [[nodiscard]] const Latency& measure(const spaces::Arch& arch);
  // Latency that limits compare against: measure(arch).batch_ms (ms at options().batch).
  [[nodiscard]] double latency_ms(const spaces::Arch& arch) { return measure(arch).batch_ms; }

  // Architectures actually timed so far (cache misses).
  [[nodiscard]] std::int64_t n_measured() const;
  [[nodiscard]] const LatencyOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ScoreLatency {
  double score = 0.0;       // higher is better (may be -inf)
  double latency_ms = 0.0;  // lower is better
};

// Indices of the score-vs-latency Pareto front: the points no other point matches or beats in
// both score and latency while beating it in one. Of identical points only the first is kept.
// Sorted by increasing latency (hence increasing score). Thread-safe (pure function).
[[nodiscard]] std::vector<std::size_t> pareto_front(std::span<const ScoreLatency> points);

}  // namespace naswot::search
