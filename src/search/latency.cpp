// Latency measurement. The network is built as the space builds it for scoring, at batch 1
// and at the chosen batch, with a 10-class head; reduce_for_scoring(keep_output) keeps the
// path to the logits (and drops only `none` branches and what does not reach the output, which
// a real forward pass need not compute either). Counted ReLU sites are then made plain ReLUs so
// no sign bits are packed. The executor runs batch norm in inference mode
// (ExecutorOptions::inference_bn) and initialises weights only on the first run of a plan
// (keep_weights), so the timed loop is the forward pass alone. The input is a constant image:
// the operations are data-independent in cost.
#include "naswot/search/latency.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "naswot/engine/executor.h"
#include "naswot/engine/passes.h"
#include "naswot/engine/sign_codes.h"
#include "naswot/util/error.h"

namespace naswot::search {

namespace {

constexpr std::uint64_t kWeightSeed = 1;

engine::Graph timing_graph(const spaces::SearchSpace& space, const spaces::Arch& arch,
                           const LatencyOptions& o, std::int64_t batch) {
  spaces::NetShape shape;
  shape.batch = batch;
  shape.image_size = o.image_size;
  shape.classes = o.classes;
  engine::Graph g = engine::reduce_for_scoring(space.build(arch, shape), {.keep_output = true});
  for (engine::Node& n : g.nodes) {
    if (n.op == engine::Op::kRelu && !n.inputs.empty()) n.site_weight = 0;
  }
  return g;
}

}  // namespace

struct LatencyMeter::Impl {
  const spaces::SearchSpace& space;
  LatencyOptions options;
  engine::Executor executor;
  std::map<spaces::Arch, Latency> cache;
  std::int64_t n_measured = 0;

  Impl(const spaces::SearchSpace& s, const LatencyOptions& o)
      : space(s),
        options(o),
        executor(engine::ExecutorOptions{.threads = o.threads,
                                         .precision = engine::Precision::kF32,
                                         .inference_bn = true,
                                         .keep_weights = true}) {}

  double median_ms(const spaces::Arch& arch, std::int64_t batch) {
    const engine::Graph g = timing_graph(space, arch, options, batch);
    const engine::Plan plan = executor.prepare(g);
    Tensor input(batch, 3, options.image_size, options.image_size);
    std::fill(input.data.begin(), input.data.end(), 0.5f);
    engine::SignCodes codes;
    executor.run(plan, input, kWeightSeed, codes);  // warm-up; initialises the weights
    std::vector<double> ms;
    for (int r = 0; r < options.repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      executor.run(plan, input, kWeightSeed, codes);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    std::sort(ms.begin(), ms.end());
    const std::size_t mid = ms.size() / 2;
    return ms.size() % 2 == 1 ? ms[mid] : 0.5 * (ms[mid - 1] + ms[mid]);
  }
};

LatencyMeter::LatencyMeter(const spaces::SearchSpace& space, LatencyOptions options) {
  if (options.batch < 1) throw InputError("--latency-batch", "must be at least 1");
  if (options.repeats < 1) throw InputError("latency repeats", "must be at least 1");
  if (options.image_size < 1) throw InputError("latency image size", "must be at least 1");
  if (options.classes < 1) throw InputError("latency classes", "must be at least 1");
  if (options.threads < 0) throw InputError("--threads", "must not be negative");
  impl_ = std::make_unique<Impl>(space, options);
}

LatencyMeter::~LatencyMeter() = default;

const Latency& LatencyMeter::measure(const spaces::Arch& arch) {
  auto it = impl_->cache.find(arch);
  if (it != impl_->cache.end()) return it->second;
  Latency lat;
  lat.batch1_ms = impl_->median_ms(arch, 1);
  lat.batch_ms =
      impl_->options.batch == 1 ? lat.batch1_ms : impl_->median_ms(arch, impl_->options.batch);
  ++impl_->n_measured;
  return impl_->cache.emplace(arch, lat).first->second;
}

std::int64_t LatencyMeter::n_measured() const { return impl_->n_measured; }
const LatencyOptions& LatencyMeter::options() const { return impl_->options; }

std::vector<std::size_t> pareto_front(std::span<const ScoreLatency> points) {
  std::vector<std::size_t> order(points.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  // By latency, then best score first, then input order: a point is on the front iff its score
  // beats every score seen before it.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (points[a].latency_ms != points[b].latency_ms)
      return points[a].latency_ms < points[b].latency_ms;
    return points[a].score > points[b].score;
  });
  std::vector<std::size_t> front;
  for (std::size_t i : order) {
    if (front.empty() || points[i].score > points[front.back()].score) front.push_back(i);
  }
  return front;
}

}  // namespace naswot::search
