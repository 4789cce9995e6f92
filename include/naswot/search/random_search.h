// Random search (Yu et al. 2020; the NAS-Bench-201 baseline RANDOM.py, spaces.md §3.3): train
// uniformly drawn architectures until the budget runs out and keep the best (the first of
// equal maxima). Every ask is an independent uniform draw within the limits.
#pragma once

#include <cstdint>

#include "naswot/search/constraints.h"
#include "naswot/search/searcher.h"
#include "naswot/util/rng.h"

namespace naswot::search {

struct RandomSearchOptions {
  std::uint64_t seed = 1;
  Limits limits = {};
};

class RandomSearch final : public Searcher {
 public:
  // `space` must outlive the search. Throws InputError for bad limits.
  RandomSearch(const spaces::SearchSpace& space, const RandomSearchOptions& options)
      : constrained_(space, options.limits), rng_(options.seed) {}

 protected:
  spaces::Arch propose() override { return constrained_.sample(rng_); }
  void observe(const Evaluation&) override {}

 private:
  Constrained constrained_;
  Rng rng_;
};

}  // namespace naswot::search
