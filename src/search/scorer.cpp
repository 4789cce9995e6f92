#include "naswot/search/scorer.h"

#include <chrono>

#include "naswot/engine/passes.h"
#include "naswot/score/naswot.h"
#include "naswot/util/error.h"

namespace naswot::search {

Scorer::Scorer(const spaces::SearchSpace& space, ScorerOptions options)
    : space_(space), options_(options), executor_(options.executor) {}

ScoreResult Scorer::score(const spaces::Arch& arch, const Tensor& batch,
                          std::uint64_t weight_seed) {
  NASWOT_CHECK(batch.c == 3 && batch.h == batch.w && batch.n >= 2);
  const auto start = std::chrono::steady_clock::now();
  spaces::NetShape shape;
  shape.batch = batch.n;
  shape.image_size = batch.h;
  shape.counting = options_.counting;
  const engine::Graph graph = engine::reduce_for_scoring(space_.build(arch, shape));
  const engine::Plan plan = executor_.prepare(graph);
  executor_.run(plan, batch, weight_seed, codes_);
  ScoreResult r;
  r.score = score::naswot_score(codes_);
  r.n_units = codes_.n_units();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace naswot::search
