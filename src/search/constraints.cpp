// Limits on parameters and FLOPs. The counts come from the same graph the scorer runs
// (engine::Graph), built at the benchmarks' convention (batch 1, 32x32 input, 10 classes), so a
// limit means what NAS-Bench-201's `params` / `flops` columns mean (MACs, in units, not 1e6).
// Sampling is plain rejection: the accepted architectures are uniform over the allowed set.
// A latency limit is checked last, since it runs the network (LatencyMeter, cached).
#include "naswot/search/constraints.h"

#include <fmt/format.h>

#include <string>

#include "naswot/util/error.h"

namespace naswot::search {

namespace {

std::string describe(const Limits& limits) {
  std::string out;
  if (limits.max_params) out += fmt::format("--max-params {}", *limits.max_params);
  if (limits.max_flops) {
    if (!out.empty()) out += " ";
    out += fmt::format("--max-flops {}", *limits.max_flops);
  }
  if (limits.max_latency_ms) {
    if (!out.empty()) out += " ";
    out += fmt::format("--max-latency-ms {}", *limits.max_latency_ms);
  }
  return out;
}

}  // namespace

spaces::NetShape cost_shape() {
  spaces::NetShape shape;
  shape.batch = 1;
  shape.image_size = 32;
  shape.classes = 10;
  return shape;
}

Cost cost_of(const spaces::SearchSpace& space, const spaces::Arch& arch) {
  const engine::Graph graph = space.build(arch, cost_shape());
  return {graph.n_params(), graph.n_macs_per_image()};
}

Constrained::Constrained(const spaces::SearchSpace& space, Limits limits)
    : space_(space), limits_(limits) {
  if (limits_.max_params && *limits_.max_params < 1)
    throw InputError(describe(limits_), "a parameter limit must be at least 1");
  if (limits_.max_flops && *limits_.max_flops < 1)
    throw InputError(describe(limits_), "a FLOP limit must be at least 1");
  if (limits_.max_latency_ms && !(*limits_.max_latency_ms > 0.0))
    throw InputError(describe(limits_), "a latency limit must be positive");
  if (limits_.max_latency_ms) {
    meter_ = limits_.latency_meter ? limits_.latency_meter
                                   : std::make_shared<LatencyMeter>(space_, limits_.latency);
  }
}

bool Constrained::allows(const spaces::Arch& arch) {
  if (!limits_.any()) return true;
  auto it = allowed_.find(arch);
  if (it == allowed_.end()) {
    const Cost c = cost_of(space_, arch);
    const bool ok = (!limits_.max_params || c.params <= *limits_.max_params) &&
                    (!limits_.max_flops || c.flops <= *limits_.max_flops) &&
                    (!meter_ || meter_->latency_ms(arch) <= *limits_.max_latency_ms);
    it = allowed_.emplace(arch, ok).first;
  }
  return it->second;
}

spaces::Arch Constrained::sample(Rng& rng) {
  for (int i = 0; i < kMaxTries; ++i) {
    spaces::Arch arch = space_.sample(rng);
    if (allows(arch)) return arch;
  }
  throw InputError(describe(limits_),
                   fmt::format("none of {} random {} architectures is within the limit", kMaxTries,
                               space_.name()));
}

spaces::Arch Constrained::mutate(const spaces::Arch& arch, Rng& rng) {
  if (!limits_.any()) return space_.mutate(arch, rng);
  for (int i = 0; i < kMaxTries; ++i) {
    spaces::Arch child = space_.mutate(arch, rng);
    if (allows(child)) return child;
  }
  return sample(rng);
}

}  // namespace naswot::search
