// Regularised (aging) evolution, Real et al. 2019, as the NAS-Bench-201 baseline runs it
// (../shared/docs/spaces.md §3.1, §3.5): fill a population of P with trained architectures,
// then repeatedly draw S members uniformly with replacement, mutate the fittest (first of
// equal maxima) with the space's own mutation, train the child, append it and drop the
// oldest member. The answer is the best in the whole history (Searcher::best()).
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "naswot/search/constraints.h"
#include "naswot/search/searcher.h"
#include "naswot/util/rng.h"

namespace naswot::search {

struct ReaOptions {
  std::int64_t population = 10;  // P: NB201's R-EA.sh --ea_population 10
  std::int64_t tournament = 3;   // S: R-EA.sh sample size 3
  std::uint64_t seed = 1;
  Limits limits = {};  // every asked architecture is within these
};

class Rea : public Searcher {
 public:
  // `space` must outlive the search. The first P asks return `initial` (in order), then random
  // samples, until P have been asked; later asks are mutated tournament winners (random
  // samples while no result has come back yet). Throws InputError for P or S below 1, bad
  // limits, or an initial architecture over the limits.
  Rea(const spaces::SearchSpace& space, const ReaOptions& options,
      std::vector<spaces::Arch> initial = {});

  // The current population, oldest first (at most P members).
  [[nodiscard]] const std::deque<Evaluation>& population() const { return population_; }

 protected:
  spaces::Arch propose() override;
  void observe(const Evaluation& result) override;
  // For subclasses that choose the initial population lazily (AREA). REQUIRES: nothing asked.
  void set_initial(std::vector<spaces::Arch> initial);
  [[nodiscard]] Rng& rng() { return rng_; }
  [[nodiscard]] Constrained& constrained() { return constrained_; }
  [[nodiscard]] const ReaOptions& options() const { return options_; }

 private:
  ReaOptions options_;
  Constrained constrained_;
  Rng rng_;
  std::vector<spaces::Arch> initial_;
  std::int64_t n_filled_ = 0;  // asks spent filling the population
  std::deque<Evaluation> population_;
};

}  // namespace naswot::search
