// Runs graphs on the CPU: convolutions, linear layers, max pools and the odd pooling or batch
// norm on oneDNN; training-mode batch norm, sums, NB201's average pools and the ReLU + sign
// capture on naswot's own fused kernels (a batch norm read only by sums and ReLUs is applied
// by them, a ReLU of a sum runs inside the sum). An Executor owns one oneDNN engine and stream, a
// cache of primitives keyed by shape (created once, reused by every later network of that shape)
// and one arena holding every activation, weight and scratch buffer. prepare() does all creation
// and sizing; run() only initialises weights and executes: no allocation once the arena is
// large enough, no primitive creation. Not thread-safe: one Executor per thread (each worker
// makes its own). A Plan is valid only with the Executor that made it, while it lives.
#pragma once

#include <cstdint>
#include <memory>

#include "naswot/engine/graph.h"
#include "naswot/engine/sign_codes.h"
#include "naswot/util/tensor.h"

namespace naswot::engine {

enum class Precision : std::int8_t {
  kF32,  // reference numerics
  // bf16 convolution inputs/weights, f32 accumulation, BN and sums (opt-in, inexact). Graphs
  // whose widths are multiples of 8 but not all of 16 (nChw8c) stay f32: oneDNN 2.6 has no
  // fast bf16 convolution for that layout.
  kBF16,
};

enum class Init : std::int8_t {
  // PyTorch's defaults drawn exactly as torch.manual_seed(seed) would (reference-semantics
  // §1.10): conv weights, then linear weight and bias, each U(±1/sqrt(fan_in)), in
  // construction order; BN γ=1, β=0.
  kTorch,
};

struct ExecutorOptions {
  int threads = 0;  // OpenMP threads for this executor; 0 = all cores
  Precision precision = Precision::kF32;
  // Batch norm with running statistics mean 0, variance 1 (a fresh network in eval mode)
  // instead of batch statistics (training mode, the reference's scoring). For latency.
  bool inference_bn = false;
  // run() initialises weights only when the plan, seed or arena changed since the last run,
  // so repeated runs of one plan time the forward pass alone. For latency.
  bool keep_weights = false;
};

struct PrepareOptions {
  bool keep_all_buffers = false;  // give every node its own buffer so read() works (tests)
};

class Executor;

class Plan {
 public:
  Plan();
  ~Plan();
  Plan(Plan&&) noexcept;
  Plan& operator=(Plan&&) noexcept;
  [[nodiscard]] std::int64_t arena_bytes() const;  // activations + weights + scratch
  [[nodiscard]] std::int64_t n_counted_units() const;

 private:
  friend class Executor;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Executor {
 public:
  explicit Executor(ExecutorOptions options = {});
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Creates (or finds) every primitive the graph needs and lays out its buffers, growing the
  // arena if needed. `g` is usually reduce_for_scoring(network). The graph has at most one
  // kInput node (none when no counted site depends on the images). Throws dnnl::error if oneDNN
  // cannot implement a node.
  [[nodiscard]] Plan prepare(const Graph& g, const PrepareOptions& options = {});

  // Initialises the weights from `weight_seed`, runs the plan on `batch` (NCHW, the graph's
  // input shape) and writes the sign codes of every counted ReLU site into `codes` (whose
  // vectors are reused). REQUIRES: batch shape equals the plan's input shape.
  void run(const Plan& plan, const Tensor& batch, std::uint64_t weight_seed, SignCodes& codes);

  // The value of node `id` after the last run, in NCHW. REQUIRES: the plan was prepared with
  // keep_all_buffers, and `id` is a node that was computed.
  [[nodiscard]] Tensor read(const Plan& plan, NodeId id);

  [[nodiscard]] std::int64_t n_cached_primitives() const;
  [[nodiscard]] std::int64_t arena_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace naswot::engine
