// Bookkeeping common to every ask/tell search: pending asks, the history and the best so far
// (first of equal maxima, as the NAS-Bench-201 baselines' `max` keeps the earliest).
#include "naswot/search/searcher.h"

#include <cmath>

#include "naswot/util/error.h"

namespace naswot::search {

spaces::Arch Searcher::ask() {
  spaces::Arch arch = propose();
  ++pending_[arch];
  ++n_pending_;
  return arch;
}

void Searcher::tell(const spaces::Arch& arch, double fitness) {
  const auto it = pending_.find(arch);
  if (it == pending_.end()) throw InputError("tell", "the architecture was not returned by ask()");
  if (std::isnan(fitness)) throw InputError("tell", "fitness is NaN");
  if (--it->second == 0) pending_.erase(it);
  --n_pending_;
  history_.push_back({arch, fitness});
  if (!best_ || fitness > best_->fitness) best_ = history_.back();
  observe(history_.back());
}

}  // namespace naswot::search
