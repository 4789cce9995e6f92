// Scores architectures of one space: build the graph, reduce it for scoring, run it on an
// Executor, and compute log|det K| from the sign codes. Owns its Executor, so it is not
// thread-safe: one Scorer per worker thread. Reuses primitives, arena and code buffers across
// calls, so scoring many networks allocates nothing after the first few.
#pragma once

#include <cstdint>

#include "naswot/engine/executor.h"
#include "naswot/engine/sign_codes.h"
#include "naswot/spaces/space.h"
#include "naswot/util/tensor.h"

namespace naswot::search {

struct ScorerOptions {
  spaces::SiteCounting counting = spaces::SiteCounting::kReference;
  engine::ExecutorOptions executor;
};

struct ScoreResult {
  double score = 0.0;        // log|det K|; -inf when K is singular
  std::int64_t n_units = 0;  // N_A, counted units per image (duplicates included)
  double seconds = 0.0;      // wall time of build + run + K + log det
};

class Scorer {
 public:
  // `space` must outlive the Scorer.
  Scorer(const spaces::SearchSpace& space, ScorerOptions options = {});

  // Scores arch on the batch (NCHW, 3 channels, square) with weights drawn from weight_seed.
  ScoreResult score(const spaces::Arch& arch, const Tensor& batch, std::uint64_t weight_seed);

  [[nodiscard]] const engine::Executor& executor() const { return executor_; }

 private:
  const spaces::SearchSpace& space_;
  ScorerOptions options_;
  engine::Executor executor_;
  engine::SignCodes codes_;
};

}  // namespace naswot::search
