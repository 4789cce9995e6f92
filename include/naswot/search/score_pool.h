// Scores many architectures at once on a set of worker threads, each with its own Scorer
// (so its own Executor, primitives and arena, created on that thread). On a 2-core machine two
// 1-thread workers beat one 2-thread worker when the other core is shared (an OpenMP barrier
// waits for a descheduled thread), and match it when the machine is idle (BENCHMARKS.md).
// Results never depend on the number of workers, only (within 1e-3) on threads per worker.
// A ScorePool is used from one thread at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "naswot/search/scorer.h"

namespace naswot::search {

// How many workers and OpenMP threads each: jobs = 0 picks one worker per core when threads
// is 0 or 1, else cores / threads workers; threads = 0 means 1 thread per worker when jobs
// is 0 and all cores / jobs otherwise.
struct Parallelism {
  int jobs = 0;
  int threads = 0;
};
[[nodiscard]] Parallelism resolve_parallelism(Parallelism requested);

class ScorePool {
 public:
  // `space` must outlive the pool. options.executor.threads is replaced by p.threads.
  ScorePool(const spaces::SearchSpace& space, ScorerOptions options, Parallelism p);
  ~ScorePool();
  ScorePool(const ScorePool&) = delete;
  ScorePool& operator=(const ScorePool&) = delete;

  // Scores every arch on `batch` with weights from `weight_seed`; results in input order.
  // `on_scored(n)` is called on the calling thread as results come in (n = finished so far).
  // Rethrows the first exception a worker hit.
  std::vector<ScoreResult> score(std::span<const spaces::Arch> archs, const Tensor& batch,
                                 std::uint64_t weight_seed,
                                 const std::function<void(std::int64_t)>& on_scored = {});

  [[nodiscard]] int jobs() const { return static_cast<int>(workers_.size()); }

 private:
  void work(ScorerOptions options);

  const spaces::SearchSpace& space_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  // The current batch of work, guarded by mu_.
  std::span<const spaces::Arch> archs_;
  const Tensor* batch_ = nullptr;
  std::uint64_t seed_ = 0;
  std::vector<ScoreResult>* results_ = nullptr;
  std::size_t next_ = 0, finished_ = 0;
  std::uint64_t generation_ = 0;
  std::exception_ptr error_;
  bool stop_ = false;
};

}  // namespace naswot::search
