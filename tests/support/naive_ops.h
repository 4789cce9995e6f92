// A naive double-precision NCHW interpreter of engine::Graph: the oracle that the executor and
// the scorer are checked against (style.md §2.10, the ggml test-backend-ops idea). Every op is
// the textbook loop over NCHW indices, and the weights are drawn from the same random stream
// as the executor draws them, so the two agree up to float rounding. Sign codes and K follow
// reference-semantics.md §1.2-1.5 directly: one bit (x > 0) per unit of every counted site,
// a site counted site_weight times, liveness by reverse reachability from the output.
// Slow on purpose; keep shapes tiny.
#pragma once

#include <cstdint>
#include <vector>

#include "naswot/engine/graph.h"
#include "naswot/util/tensor.h"

namespace naswot::testing {

// A double-precision NCHW tensor.
struct NaiveTensor {
  std::int64_t n = 0, c = 0, h = 0, w = 0;
  std::vector<double> data;  // n*c*h*w values, row-major NCHW

  NaiveTensor() = default;
  explicit NaiveTensor(const engine::Shape& s);  // zeros
  [[nodiscard]] std::int64_t per_image() const { return c * h * w; }
  double& at(std::int64_t in, std::int64_t ic, std::int64_t ih, std::int64_t iw) {
    return data[static_cast<std::size_t>(((in * c + ic) * h + ih) * w + iw)];
  }
  [[nodiscard]] double at(std::int64_t in, std::int64_t ic, std::int64_t ih,
                          std::int64_t iw) const {
    return data[static_cast<std::size_t>(((in * c + ic) * h + ih) * w + iw)];
  }
};

// The initial parameters of conv/linear node `id` as the executor draws them: Rng(seed), skip
// the node's rng_offset draws, weights U(±kaiming_bound(fan_in)) in PyTorch order (conv
// OIHW with I = C_in/groups, linear out x C*H*W), then the bias U(±1/sqrt(fan_in)). For the
// explicit normal inits (WeightInit): Rng(derive_seed(seed, rng_offset)), weights
// sigma * normal() in the same order, bias 0. kGiven: the graph's given_weights at rng_offset.
struct NaiveParams {
  std::vector<double> weights, bias;
};
[[nodiscard]] NaiveParams naive_params(const engine::Graph& g, engine::NodeId id,
                                       std::uint64_t weight_seed);

// The value of every node of `g` on `input` (which must have the kInput node's shape, if the
// graph has one). Nodes without inputs other than kInput (reduced sites, folded zeros) are 0.
[[nodiscard]] std::vector<NaiveTensor> naive_forward(const engine::Graph& g, const Tensor& input,
                                                     std::uint64_t weight_seed);

// A counted ReLU site and how many times the reference counts it.
struct NaiveSite {
  engine::NodeId node = -1;
  std::int32_t weight = 0;
};

// The sites of a network as the reference builds it (g.output >= 0): ReLUs with site_weight > 0
// whose output has a path to g.output, through any op, `none` included.
[[nodiscard]] std::vector<NaiveSite> naive_counted_sites(const engine::Graph& g);

// Every ReLU with site_weight > 0, for graphs already reduced (liveness applied).
[[nodiscard]] std::vector<NaiveSite> naive_weighted_sites(const engine::Graph& g);

// N_A: sum over sites of weight * units per image.
[[nodiscard]] std::int64_t naive_n_units(const engine::Graph& g,
                                         const std::vector<NaiveSite>& sites);

// Bit (x > 0) of every unit of the ReLU node's input, image-major, units in NCHW order:
// bits[i * c*h*w + u]. A ReLU with no input (a site on zeros) gives all zeros.
[[nodiscard]] std::vector<std::uint8_t> naive_signs(const engine::Graph& g,
                                                    const std::vector<NaiveTensor>& values,
                                                    engine::NodeId relu);

// K (n x n, row-major): K_ij = sum over sites of weight * #units on which images i and j
// have the same bit.
[[nodiscard]] std::vector<double> naive_kernel(const engine::Graph& g,
                                               const std::vector<NaiveTensor>& values,
                                               const std::vector<NaiveSite>& sites);

}  // namespace naswot::testing
