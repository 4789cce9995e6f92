// REINFORCE as the NAS-Bench-201 baseline runs it (AutoDL exps/NAS-Bench-201-algos/
// reinforce.py): a policy of independent softmaxes, one per decision (an NB201 edge's op),
// logits initialised to 1e-3 * N(0, 1); each told reward r updates an exponential moving
// average baseline b first, then takes one Adam step on -(r - b) * log p(arch). The answer is
// the best architecture trained (Searcher::best()), as the baseline returns `max(trace)`.
#pragma once

#include <cstdint>
#include <vector>

#include "naswot/search/constraints.h"
#include "naswot/search/searcher.h"
#include "naswot/util/rng.h"

namespace naswot::search {

struct ReinforceOptions {
  // Adam. NATS-Bench's run-all.sh passes 0.01 (the maintained baseline; NB201's docs once
  // gave `REINFORCE.sh 0.5`, which collapses the policy within a few dozen steps here).
  double learning_rate = 0.01;
  double ema_momentum = 0.9;  // baseline; REINFORCE.sh --EMA_momentum 0.9
  std::uint64_t seed = 1;
  Limits limits = {};  // draws over the limits are redrawn from the policy
};

// Number of choices of each decision (gene) of the space's architectures; a gene's value is
// the chosen option's index. Throws InputError for a space whose genes are not independent
// categorical decisions (only nb201 so far).
[[nodiscard]] std::vector<std::int32_t> decisions_of(const spaces::SearchSpace& space);

class Reinforce final : public Searcher {
 public:
  // `space` must outlive the search. Throws InputError as decisions_of, for a learning rate or
  // momentum out of range, or for bad limits.
  Reinforce(const spaces::SearchSpace& space, const ReinforceOptions& options);

  // Current choice probabilities, [decision][option].
  [[nodiscard]] std::vector<std::vector<double>> probabilities() const;

 protected:
  spaces::Arch propose() override;
  void observe(const Evaluation& result) override;

 private:
  ReinforceOptions options_;
  Constrained constrained_;
  Rng rng_;
  std::vector<std::vector<double>> logits_, adam_m_, adam_v_;
  std::int64_t n_steps_ = 0;
  double ema_numerator_ = 0.0, ema_denominator_ = 0.0;
};

}  // namespace naswot::search
