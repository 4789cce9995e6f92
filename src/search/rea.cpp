// Aging evolution (spaces.md §3.1 and §3.5, AutoDL's R_EA.py). The initial population is not
// budget-checked separately: every ask is one training and the caller's budget counts it. The
// tournament samples with replacement and keeps the first of equal maxima, as the baseline's
// `max(random.choice(population) for _ in range(S))` does. Removing the oldest rather than the
// worst is the "regularisation".
#include "naswot/search/rea.h"

#include <fmt/format.h>

#include "naswot/util/error.h"

namespace naswot::search {

Rea::Rea(const spaces::SearchSpace& space, const ReaOptions& options,
         std::vector<spaces::Arch> initial)
    : options_(options), constrained_(space, options.limits), rng_(options.seed) {
  if (options_.population < 1) {
    throw InputError(fmt::format("--population {}", options_.population), "must be at least 1");
  }
  if (options_.tournament < 1) {
    throw InputError(fmt::format("--tournament {}", options_.tournament), "must be at least 1");
  }
  set_initial(std::move(initial));
}

void Rea::set_initial(std::vector<spaces::Arch> initial) {
  NASWOT_CHECK(n_filled_ == 0);
  for (const spaces::Arch& arch : initial) {
    if (!constrained_.allows(arch)) {
      throw InputError(constrained_.space().format(arch), "initial architecture over the limits");
    }
  }
  initial_ = std::move(initial);
}

spaces::Arch Rea::propose() {
  if (n_filled_ < options_.population || population_.empty()) {
    const std::size_t i = static_cast<std::size_t>(n_filled_);
    ++n_filled_;
    return i < initial_.size() ? initial_[i] : constrained_.sample(rng_);
  }
  const Evaluation* parent = nullptr;
  for (std::int64_t s = 0; s < options_.tournament; ++s) {
    const Evaluation& e =
        population_[static_cast<std::size_t>(rng_.below(std::ssize(population_)))];
    if (!parent || e.fitness > parent->fitness) parent = &e;
  }
  return constrained_.mutate(parent->arch, rng_);
}

void Rea::observe(const Evaluation& result) {
  population_.push_back(result);
  if (std::ssize(population_) > options_.population) population_.pop_front();
}

}  // namespace naswot::search
