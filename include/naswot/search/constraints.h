// Resource limits for hardware-aware search (the FBNet/MnasNet motivation): a network's
// trainable parameters and FLOPs, read off the graph a space builds, without running it.
// FLOPs here are multiply-accumulates per image of the convolutions and linear layers
// (Graph::n_macs_per_image), which is what NAS-Bench-201 and NATS-Bench report as "FLOPs"
// (they also add a linear layer's bias, 10 for CIFAR-10; we do not). Counts follow the
// benchmark's convention: one 32x32 image, 10 classes. A latency limit is different: it is
// measured, by running the network on this machine (latency.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "naswot/search/latency.h"
#include "naswot/spaces/space.h"
#include "naswot/util/rng.h"

namespace naswot::search {

struct Limits {
  std::optional<std::int64_t> max_params =
      std::nullopt;  // trainable parameters, as Graph::n_params()
  std::optional<std::int64_t> max_flops =
      std::nullopt;  // MACs per image, as Graph::n_macs_per_image()
  std::optional<double> max_latency_ms =
      std::nullopt;  // LatencyMeter::latency_ms: median ms per forward pass at latency.batch
  LatencyOptions latency = {};  // how latency is measured (when latency_meter is null)
  // Optional: a meter of the same space to measure with (sharing its cache, e.g. with a Pareto
  // report). Null: Constrained makes its own from `latency` when max_latency_ms is set.
  std::shared_ptr<LatencyMeter> latency_meter = nullptr;
  [[nodiscard]] bool any() const { return max_params || max_flops || max_latency_ms; }
};

struct Cost {
  std::int64_t params = 0;
  std::int64_t flops = 0;  // MACs per image
};

// The shape the benchmark tables count at: batch 1, 32x32, 10 classes.
[[nodiscard]] spaces::NetShape cost_shape();

// Parameters and FLOPs of arch built at cost_shape(). Builds the graph (no execution).
[[nodiscard]] Cost cost_of(const spaces::SearchSpace& space, const spaces::Arch& arch);

// A space seen through limits: sampling by rejection and mutation by retry, so that every
// architecture it hands out is within them. Caches each architecture's cost, so it is not
// thread-safe: one per search. `space` must outlive it.
class Constrained {
 public:
  // Throws InputError when a parameter or FLOP limit is below 1, a latency limit is not
  // positive, or the latency options are bad.
  Constrained(const spaces::SearchSpace& space, Limits limits);

  [[nodiscard]] const spaces::SearchSpace& space() const { return space_; }
  [[nodiscard]] const Limits& limits() const { return limits_; }
  // True when arch is within every limit (always true without limits). Latency is measured
  // (once per architecture) only when the limit is set and the counted limits are met.
  [[nodiscard]] bool allows(const spaces::Arch& arch);
  // A uniform sample of the space, redrawn until allowed. Throws InputError naming the
  // limits when kMaxTries draws in a row are all over them.
  [[nodiscard]] spaces::Arch sample(Rng& rng);
  // The space's mutation of arch, redrawn until allowed; when kMaxTries neighbours are all
  // over the limits, an allowed random sample instead (so evolution never stalls).
  [[nodiscard]] spaces::Arch mutate(const spaces::Arch& arch, Rng& rng);

  // The meter checking max_latency_ms; null when that limit is not set.
  [[nodiscard]] LatencyMeter* latency_meter() const { return meter_.get(); }

  static constexpr int kMaxTries = 10000;

 private:
  const spaces::SearchSpace& space_;
  Limits limits_;
  std::map<spaces::Arch, bool> allowed_;
  std::shared_ptr<LatencyMeter> meter_;
};

}  // namespace naswot::search
