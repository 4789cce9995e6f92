// Which nodes the executor runs on naswot's own kernels instead of oneDNN primitives, and which
// of those it folds into their consumers so that a tensor is not written only to be read back
// once (executor.cpp applies the choice; BENCHMARKS.md has what each saves).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/planes.h"
#include "naswot/engine/graph.h"

namespace naswot::engine {

// How our kernels see a node's output under the plan's channel block (planes.h).
[[nodiscard]] Planes planes_of(const Shape& s, int graph_block);

struct Fusion {
  std::vector<bool> own_bn;     // training-mode batch norm on batch_norm.h
  std::vector<bool> lazy_bn;    // ... not applied by itself: the sums and ReLUs reading it do
  std::vector<int> own_pool;    // 3: avg_pool_3x3 stride 1 (a sum term); 2: avg_pool 2x2 s2; 0: no
  std::vector<bool> lazy_pool;  // an avg_pool_3x3 computed inside the sums reading it
  std::vector<NodeId> fused_relu;  // for a kAdd: the ReLU run inside its step, else -1
};

struct FusionOptions {
  int graph_block = 16;           // dnnl_ops.h's graph_channel_block
  bool inference_bn = false;      // ExecutorOptions::inference_bn: batch norm stays on oneDNN
  bool keep_all_buffers = false;  // PrepareOptions: nothing lazy, every node readable
};

// Decides the fusion of g, given each node's consumers, and updates last_use (each node's last
// reader, -1 for no buffer): a lazy node gets no buffer and its input lives until the lazy
// node's last reader; a sum read only by its fused ReLU gets no buffer.
[[nodiscard]] Fusion plan_fusion(const Graph& g, const std::vector<std::vector<NodeId>>& consumers,
                                 const FusionOptions& options, std::vector<std::int64_t>& last_use);

}  // namespace naswot::engine
