// REINFORCE over independent categorical decisions. For a softmax p = softmax(θ) and the
// chosen option a, ∂ log p_a / ∂θ_k = [k = a] - p_k, so the loss -(r - b) log p(arch) has
// gradient -(r - b)([k = a_e] - p_ek) for decision e. Adam uses torch's defaults (β1 0.9,
// β2 0.999, ε 1e-8, bias-corrected). The baseline is the bias-corrected EMA of AutoDL's
// ExponentialMovingAverage, updated with r before the advantage is taken, so the first
// advantage is 0. Draws use our Rng, not torch's: runs are not bit-identical to the baseline.
#include "naswot/search/reinforce.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"

namespace naswot::search {

namespace {

constexpr int kPolicyTries = 1000;  // policy draws before falling back to a uniform allowed one

std::vector<double> softmax(const std::vector<double>& logits) {
  double max = logits[0];
  for (double x : logits) max = std::max(max, x);
  std::vector<double> p(logits.size());
  double sum = 0.0;
  for (std::size_t k = 0; k < p.size(); ++k) sum += p[k] = std::exp(logits[k] - max);
  for (double& x : p) x /= sum;
  return p;
}

double uniform01(Rng& rng) {  // 53 random bits in [0, 1)
  const std::uint64_t hi = rng.next_u32() >> 5, lo = rng.next_u32() >> 6;
  return (static_cast<double>(hi) * 67108864.0 + static_cast<double>(lo)) / 9007199254740992.0;
}

}  // namespace

std::vector<std::int32_t> decisions_of(const spaces::SearchSpace& space) {
  if (dynamic_cast<const spaces::Nb201Space*>(&space)) {
    return std::vector<std::int32_t>(spaces::Nb201Space::kEdges,
                                     static_cast<std::int32_t>(spaces::Nb201Space::kOps.size()));
  }
  // TODO(#6): other spaces need their decision structure exposed by the space.
  throw InputError(fmt::format("--space {}", space.name()),
                   "REINFORCE supports only nb201 (independent per-edge op choices)");
}

Reinforce::Reinforce(const spaces::SearchSpace& space, const ReinforceOptions& options)
    : options_(options), constrained_(space, options.limits), rng_(options.seed) {
  if (!(options_.learning_rate > 0.0) || !std::isfinite(options_.learning_rate)) {
    throw InputError(fmt::format("--learning-rate {}", options_.learning_rate), "must be positive");
  }
  if (!(options_.ema_momentum >= 0.0 && options_.ema_momentum < 1.0)) {
    throw InputError(fmt::format("--ema-momentum {}", options_.ema_momentum), "must be in [0, 1)");
  }
  for (std::int32_t n : decisions_of(space)) {
    std::vector<double> row(static_cast<std::size_t>(n));
    for (double& x : row) x = 1e-3 * rng_.normal();
    logits_.push_back(row);
    adam_m_.emplace_back(row.size(), 0.0);
    adam_v_.emplace_back(row.size(), 0.0);
  }
}

std::vector<std::vector<double>> Reinforce::probabilities() const {
  std::vector<std::vector<double>> out;
  for (const auto& row : logits_) out.push_back(softmax(row));
  return out;
}

spaces::Arch Reinforce::propose() {
  const auto probs = probabilities();
  for (int attempt = 0; attempt < kPolicyTries; ++attempt) {
    spaces::Arch arch;
    for (const auto& p : probs) {
      const double u = uniform01(rng_);
      double cumulative = 0.0;
      std::size_t k = 0;
      while (k + 1 < p.size() && u >= (cumulative += p[k])) ++k;
      arch.push_back(static_cast<std::int32_t>(k));
    }
    if (constrained_.allows(arch)) return arch;
  }
  return constrained_.sample(rng_);
}

void Reinforce::observe(const Evaluation& result) {
  const double r = result.fitness;
  if (!std::isfinite(r)) return;  // a failed training teaches nothing and would poison Adam
  const double mom = options_.ema_momentum;
  ema_numerator_ = mom * ema_numerator_ + (1.0 - mom) * r;
  ema_denominator_ = mom * ema_denominator_ + (1.0 - mom);
  const double advantage = r - ema_numerator_ / ema_denominator_;
  ++n_steps_;
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
  const double c1 = 1.0 - std::pow(kBeta1, static_cast<double>(n_steps_));
  const double c2 = 1.0 - std::pow(kBeta2, static_cast<double>(n_steps_));
  for (std::size_t e = 0; e < logits_.size(); ++e) {
    const std::vector<double> p = softmax(logits_[e]);
    const auto chosen = static_cast<std::size_t>(result.arch[e]);
    for (std::size_t k = 0; k < p.size(); ++k) {
      const double grad = -advantage * ((k == chosen ? 1.0 : 0.0) - p[k]);
      double& m = adam_m_[e][k];
      double& v = adam_v_[e][k];
      m = kBeta1 * m + (1.0 - kBeta1) * grad;
      v = kBeta2 * v + (1.0 - kBeta2) * grad * grad;
      logits_[e][k] -= options_.learning_rate * (m / c1) / (std::sqrt(v / c2) + kEps);
    }
  }
}

}  // namespace naswot::search
