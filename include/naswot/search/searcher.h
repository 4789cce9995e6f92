// The ask/tell interface shared by the trained-fitness searches (REA, AREA, random search,
// REINFORCE): ask() names an architecture to train, tell() reports its fitness (higher is
// better, e.g. validation accuracy). The caller owns the training loop, so the same search runs
// over a benchmark table (table_search.h) or real training jobs, and several asks may be out at
// once (asynchronous workers). A Searcher is not thread-safe: one thread asks and tells.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "naswot/spaces/space.h"

namespace naswot::search {

struct Evaluation {
  spaces::Arch arch;
  double fitness = 0.0;  // as told; -inf allowed (a failed training)
};

class Searcher {
 public:
  virtual ~Searcher() = default;
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  // The next architecture to train. Each call is one more pending training.
  [[nodiscard]] spaces::Arch ask();
  // Records the fitness of a pending architecture (one returned by ask() and not yet told).
  // Throws InputError when arch is not pending or fitness is NaN; the search is unchanged then.
  void tell(const spaces::Arch& arch, double fitness);

  // The best told so far (the first of equal maxima); nullopt before the first tell.
  [[nodiscard]] const std::optional<Evaluation>& best() const { return best_; }
  // Every tell, in order.
  [[nodiscard]] const std::vector<Evaluation>& history() const { return history_; }
  // Trainings: tell() calls so far.
  [[nodiscard]] std::int64_t n_trainings() const {
    return static_cast<std::int64_t>(history_.size());
  }
  // Training-free score evaluations so far (AREA's; 0 for the others).
  [[nodiscard]] virtual std::int64_t n_scores() const { return 0; }
  // Asks not yet told.
  [[nodiscard]] std::int64_t n_pending() const { return n_pending_; }

 protected:
  Searcher() = default;
  // The algorithm's next proposal.
  virtual spaces::Arch propose() = 0;
  // The algorithm's reaction to one told result (called after history and best are updated).
  virtual void observe(const Evaluation& result) = 0;

 private:
  std::map<spaces::Arch, std::int64_t> pending_;  // arch -> asks not yet told
  std::int64_t n_pending_ = 0;
  std::vector<Evaluation> history_;
  std::optional<Evaluation> best_;
};

}  // namespace naswot::search
