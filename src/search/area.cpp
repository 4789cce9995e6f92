// AREA's initial population. M candidates are drawn (uniformly from the space, or from a
// given pool; within the limits either way), each distinct one is scored once, and the P best
// by score are kept (ties: the earlier draw; NaN: never). They enter REA in the order they were
// drawn, not by score, so that aging does not depend on the score. The paper gives no code
// for AREA (reference-semantics.md §5); M = 2P follows the statement of it.
#include "naswot/search/area.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "naswot/util/error.h"

namespace naswot::search {

Area::Area(const spaces::SearchSpace& space, AreaOptions options, ScoreFn score)
    : Rea(space, options.rea), options_(std::move(options)), score_(std::move(score)) {
  NASWOT_CHECK(score_ != nullptr);
  if (options_.candidates < 0) {
    throw InputError(fmt::format("--candidates {}", options_.candidates), "must be at least 0");
  }
  if (options_.candidates == 0) options_.candidates = 2 * options_.rea.population;
  const std::size_t pool_size = options_.candidate_pool.size();
  std::erase_if(options_.candidate_pool,
                [&](const spaces::Arch& a) { return !constrained().allows(a); });
  if (pool_size > 0 && options_.candidate_pool.empty()) {
    throw InputError("AREA candidates", "no architecture of the pool is within the limits");
  }
}

std::vector<spaces::Arch> Area::choose_initial() {
  const auto& pool = options_.candidate_pool;
  std::vector<spaces::Arch> distinct;  // in first-draw order
  std::map<spaces::Arch, double> score_of;
  for (std::int64_t i = 0; i < options_.candidates; ++i) {
    spaces::Arch arch = pool.empty()
                            ? constrained().sample(rng())
                            : pool[static_cast<std::size_t>(rng().below(std::ssize(pool)))];
    if (score_of.contains(arch)) continue;
    score_of.emplace(arch, score_(arch));
    ++n_scores_;
    distinct.push_back(std::move(arch));
  }
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < distinct.size(); ++i) {
    if (!std::isnan(score_of[distinct[i]])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return score_of[distinct[a]] > score_of[distinct[b]];
  });
  const std::size_t keep =
      std::min(order.size(), static_cast<std::size_t>(options_.rea.population));
  order.resize(keep);
  std::sort(order.begin(), order.end());  // back to draw order
  std::vector<spaces::Arch> initial;
  for (std::size_t i : order) initial.push_back(distinct[i]);
  return initial;
}

spaces::Arch Area::propose() {
  if (!chosen_) {
    set_initial(choose_initial());
    chosen_ = true;
  }
  return Rea::propose();
}

}  // namespace naswot::search
