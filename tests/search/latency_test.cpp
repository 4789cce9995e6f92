// LatencyMeter: positive, cached latencies of the whole network (head included) with
// inference-mode batch norm; the latency limit in searches; the score-vs-latency Pareto front.
// No test asserts on absolute times: the limit test only checks measured latencies against a
// limit picked between two measured networks.
#include "naswot/search/latency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "naswot/engine/executor.h"
#include "naswot/engine/passes.h"
#include "naswot/search/constraints.h"
#include "naswot/search/random_search.h"
#include "naswot/search/rea.h"
#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"
#include "naswot/util/rng.h"
#include "search/synthetic.h"

namespace naswot::search {
namespace {

constexpr const char* kAllConv3 =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~"
    "2|";
constexpr const char* kAllNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
constexpr const char* kAllSkip =
    "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_"
    "connect~2|";

TEST(LatencyMeter, KeepOutputComputesTheClassifier) {
  const spaces::Nb201Space space;
  spaces::NetShape shape;
  shape.batch = 1;
  shape.classes = 10;
  const engine::Graph g =
      engine::reduce_for_scoring(space.build(space.parse(kAllNone), shape), {.keep_output = true});
  ASSERT_GE(g.output, 0);
  EXPECT_EQ(g[g.output].op, engine::Op::kLinear);
  EXPECT_EQ(g[g.output].shape.c, 10);
}

TEST(LatencyMeter, PositiveAndCached) {
  const spaces::Nb201Space space;
  LatencyMeter meter(space, {.batch = 2, .repeats = 3, .threads = 1});
  const spaces::Arch arch = space.parse(kAllConv3);
  const Latency first = meter.measure(arch);
  EXPECT_GT(first.batch1_ms, 0.0);
  EXPECT_GT(first.batch_ms, 0.0);
  EXPECT_EQ(meter.n_measured(), 1);
  const Latency second = meter.measure(arch);
  EXPECT_EQ(meter.n_measured(), 1);  // from the cache
  EXPECT_EQ(second.batch1_ms, first.batch1_ms);
  EXPECT_EQ(second.batch_ms, first.batch_ms);
  EXPECT_EQ(meter.latency_ms(arch), first.batch_ms);
  (void)meter.measure(space.parse(kAllNone));
  EXPECT_EQ(meter.n_measured(), 2);
}

TEST(LatencyMeter, RejectsBadOptions) {
  const spaces::Nb201Space space;
  EXPECT_THROW(LatencyMeter(space, {.batch = 0}), InputError);
  EXPECT_THROW(LatencyMeter(space, {.repeats = 0}), InputError);
  EXPECT_THROW(Constrained(space, {.max_latency_ms = 0.0}), InputError);
  EXPECT_THROW(Constrained(space, {.max_latency_ms = -1.0}), InputError);
}

TEST(InferenceBatchNorm, DividesBySqrtOnePlusEps) {
  engine::GraphBuilder b;
  const engine::NodeId x = b.input({2, 16, 3, 3});
  const engine::NodeId bn = b.batch_norm(x);
  const engine::Graph g = std::move(b).finish(bn);
  engine::Executor ex({.threads = 1, .inference_bn = true});
  const engine::Plan plan = ex.prepare(g, {.keep_all_buffers = true});
  Tensor input(2, 16, 3, 3);
  Rng rng(3);
  for (float& v : input.data) v = rng.uniform(-2.0f, 2.0f);
  engine::SignCodes codes;
  ex.run(plan, input, 1, codes);
  const Tensor out = ex.read(plan, bn);
  ASSERT_EQ(out.data.size(), input.data.size());
  const double scale = 1.0 / std::sqrt(1.0 + 1e-5);
  for (std::size_t i = 0; i < out.data.size(); ++i)
    ASSERT_NEAR(out.data[i], input.data[i] * scale, 1e-5) << i;
}

TEST(LatencyConstraint, NoAskedOrReturnedArchitectureExceedsTheLimit) {
  const spaces::Nb201Space space;
  auto meter = std::make_shared<LatencyMeter>(space, LatencyOptions{.repeats = 3, .threads = 1});
  // All-skip still runs the stem, the residual blocks and the head (all-none would fold to a
  // constant), so the limit admits real networks.
  const double cheap = meter->latency_ms(space.parse(kAllSkip));
  const double dear = meter->latency_ms(space.parse(kAllConv3));
  ASSERT_LT(cheap, dear);  // the all-conv network does strictly more work
  const Limits limits{.max_latency_ms = std::sqrt(cheap * dear), .latency_meter = meter};
  std::vector<std::unique_ptr<Searcher>> searchers;
  searchers.push_back(std::make_unique<Rea>(
      space, ReaOptions{.population = 5, .tournament = 2, .seed = 1, .limits = limits}));
  searchers.push_back(
      std::make_unique<RandomSearch>(space, RandomSearchOptions{.seed = 3, .limits = limits}));
  for (auto& s : searchers) {
    testing::drive(*s, testing::graded, 15);
    for (const Evaluation& e : s->history())
      ASSERT_LE(meter->latency_ms(e.arch), *limits.max_latency_ms) << space.format(e.arch);
    ASSERT_TRUE(s->best());
    EXPECT_LE(meter->latency_ms(s->best()->arch), *limits.max_latency_ms);
  }
}

TEST(ParetoFront, IsNonDominatedAndCoversTheRest) {
  Rng rng(7);
  std::vector<ScoreLatency> points;
  for (int i = 0; i < 200; ++i) {
    points.push_back({std::round(rng.uniform(0.0f, 50.0f)), std::round(rng.uniform(1.0f, 30.0f))});
  }
  points.push_back({-INFINITY, 0.5});
  const std::vector<std::size_t> front = pareto_front(points);
  ASSERT_FALSE(front.empty());
  auto dominates = [](const ScoreLatency& a, const ScoreLatency& b) {
    return a.score >= b.score && a.latency_ms <= b.latency_ms &&
           (a.score > b.score || a.latency_ms < b.latency_ms);
  };
  for (std::size_t i : front) {
    for (const ScoreLatency& q : points) EXPECT_FALSE(dominates(q, points[i]));
  }
  for (std::size_t k = 1; k < front.size(); ++k) {
    EXPECT_LT(points[front[k - 1]].latency_ms, points[front[k]].latency_ms);
    EXPECT_LT(points[front[k - 1]].score, points[front[k]].score);
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (std::find(front.begin(), front.end(), i) != front.end()) continue;
    const bool covered = std::any_of(front.begin(), front.end(), [&](std::size_t f) {
      return dominates(points[f], points[i]) ||
             (points[f].score == points[i].score && points[f].latency_ms == points[i].latency_ms);
    });
    EXPECT_TRUE(covered) << i;
  }
}

}  // namespace
}  // namespace naswot::search
