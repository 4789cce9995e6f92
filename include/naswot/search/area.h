// AREA, "Assisted Regularised EA" (Mellor et al. 2021, §5): score M random architectures with
// the training-free score, keep the top P as REA's initial population, then run REA. The
// scores come through a callback, so they may be computed live (a Scorer on a batch) or read
// from a precomputed scan; the search itself does not care. With fewer than P distinct
// candidates that have a (non-NaN) score, REA fills the rest of the population at random.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "naswot/search/rea.h"

namespace naswot::search {

// Training-free score of an architecture; higher is better, -inf ranks last, NaN is never
// chosen. May throw (e.g. InputError for an architecture a score file lacks).
using ScoreFn = std::function<double(const spaces::Arch&)>;

struct AreaOptions {
  ReaOptions rea = {};          // P, S, seed, limits
  std::int64_t candidates = 0;  // M, architectures drawn and scored; 0 means 2P
  // When non-empty, the M candidates are drawn uniformly (with replacement) from this list
  // instead of from the whole space, e.g. the architectures a partial scan covers. Entries over
  // the limits are never drawn.
  std::vector<spaces::Arch> candidate_pool = {};
};

class Area final : public Rea {
 public:
  // `space` must outlive the search. Throws InputError for bad options (as Rea; M < 0 or a
  // pool with nothing within the limits). Scoring happens on the first ask().
  Area(const spaces::SearchSpace& space, AreaOptions options, ScoreFn score);

  // Distinct architectures scored (the M draws may repeat one; it is scored once).
  [[nodiscard]] std::int64_t n_scores() const override { return n_scores_; }

 protected:
  spaces::Arch propose() override;

 private:
  // Draws the M candidates, scores them and returns the top P in draw order.
  std::vector<spaces::Arch> choose_initial();

  AreaOptions options_;
  ScoreFn score_;
  bool chosen_ = false;
  std::int64_t n_scores_ = 0;
};

}  // namespace naswot::search
