#include "naswot/search/score_pool.h"

#include <algorithm>

namespace naswot::search {

Parallelism resolve_parallelism(Parallelism r) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Parallelism p = r;
  if (p.jobs <= 0) p.jobs = p.threads <= 1 ? cores : std::max(1, cores / p.threads);
  if (p.threads <= 0) p.threads = r.jobs <= 0 ? 1 : std::max(1, cores / p.jobs);
  return p;
}

ScorePool::ScorePool(const spaces::SearchSpace& space, ScorerOptions options, Parallelism p)
    : space_(space) {
  const Parallelism r = resolve_parallelism(p);
  options.executor.threads = r.threads;
  for (int i = 0; i < r.jobs; ++i) workers_.emplace_back([this, options] { work(options); });
}

ScorePool::~ScorePool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ScorePool::work(ScorerOptions options) {
  Scorer scorer(space_, options);  // built on this thread, used only here
  std::uint64_t seen = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || (generation_ != seen && next_ < archs_.size()); });
    if (stop_) return;
    const std::size_t i = next_++;
    if (next_ == archs_.size()) seen = generation_;
    lock.unlock();
    ScoreResult r;
    std::exception_ptr error;
    try {
      r = scorer.score(archs_[i], *batch_, seed_);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error && !error_) error_ = error;
    (*results_)[i] = r;
    ++finished_;
    done_.notify_all();
  }
}

std::vector<ScoreResult> ScorePool::score(std::span<const spaces::Arch> archs, const Tensor& batch,
                                          std::uint64_t weight_seed,
                                          const std::function<void(std::int64_t)>& on_scored) {
  std::vector<ScoreResult> results(archs.size());
  if (archs.empty()) return results;
  std::unique_lock lock(mu_);
  archs_ = archs;
  batch_ = &batch;
  seed_ = weight_seed;
  results_ = &results;
  next_ = finished_ = 0;
  error_ = nullptr;
  ++generation_;
  wake_.notify_all();
  std::size_t reported = 0;
  while (finished_ < archs.size()) {
    done_.wait(lock, [&] { return finished_ > reported; });
    reported = finished_;
    if (on_scored) {
      lock.unlock();
      on_scored(static_cast<std::int64_t>(reported));
      lock.lock();
    }
  }
  archs_ = {};
  if (error_) std::rethrow_exception(error_);
  return results;
}

}  // namespace naswot::search
