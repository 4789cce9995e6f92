// The network IR: a flat list of nodes in topological order (ggml's idea). A graph is plain
// data that says what to compute; it holds no memory and no weights (bar an imported model's
// shared, immutable initializers), and building one touches neither oneDNN nor any buffer. Executor
// (executor.h) runs it; passes (passes.h) rewrite it.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace naswot::engine {

using NodeId = std::int32_t;

enum class Op : std::int8_t {
  kInput,          // the image batch, NCHW
  kConv,           // 2-D convolution, optional bias
  kBatchNorm,      // training mode: batch mean / biased variance over N,H,W; eps 1e-5; γ=1, β=0
  kRelu,           // min(max(x, 0), relu_max); a counted site records (x > 0) per unit
  kAvgPool,        // average pool, padding not counted in the divisor
  kMaxPool,        // max pool, padding never wins
  kAdd,            // elementwise sum of >= 1 same-shaped inputs
  kConcat,         // channel concatenation
  kZero,           // zeros shaped like (strided) input: the `none` op
  kGlobalAvgPool,  // mean over H, W -> (N, C, 1, 1)
  kLinear,         // fully connected on (N, C, 1, 1) -> (N, out, 1, 1), optional bias
  kSlice,          // the first shape.c channels of the input (NB101's channel truncation)
  kPad,            // zero padding of each side by window.pad_t/l/b/r; negative amounts crop
};

// How a conv/linear node's initial weights are drawn (the executor fills them; see
// executor.cpp). kTorchDefault follows PyTorch bit for bit from the shared stream; the explicit
// normal inits draw from the node's own stream, Rng(derive_seed(seed, rng_offset)), with
// Rng::normal(), so they are deterministic but not bit-equal to torch's normal_.
enum class WeightInit : std::int8_t {
  kTorchDefault,         // weights and bias U(±1/sqrt(fan_in)) (kaiming_uniform a=sqrt(5))
  kKaimingNormalFanOut,  // weights N(0, sqrt(2 / (kh·kw·C_out))), bias 0 (NB101 convs)
  kNormal001,            // weights N(0, 0.01), bias 0 (NB101 classifier)
  // Copied from Graph::given_weights: the weights (PyTorch order) at rng_offset, then the bias
  // (an imported model's initializers, `--weights keep`).
  kGiven,
};

[[nodiscard]] const char* op_name(Op op);

struct Shape {
  std::int64_t n = 0, c = 0, h = 0, w = 0;
  [[nodiscard]] std::int64_t per_image() const { return c * h * w; }
  friend bool operator==(const Shape&, const Shape&) = default;
};

// Convolution and pooling geometry. Padding is symmetric unless pad_b/pad_r say otherwise.
struct Window {
  std::int64_t kh = 1, kw = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  std::int64_t dil_h = 1, dil_w = 1;  // 1 = dense
  std::int64_t groups = 1;            // conv only
  friend bool operator==(const Window&, const Window&) = default;
};

// Square k x k window, stride s, padding p on every side.
[[nodiscard]] Window square(std::int64_t k, std::int64_t s, std::int64_t p);

struct Node {
  Op op = Op::kInput;
  std::vector<NodeId> inputs;
  Shape shape;                   // output shape, inferred when the node is added
  Window window;                 // kConv, kAvgPool, kMaxPool, kZero (stride only), kPad (pads)
  bool bias = false;             // kConv, kLinear
  std::int32_t site_weight = 0;  // kRelu: how many counted ReLU sites read this input
  // kRelu: the upper clip (6 for ReLU6); the sign bit is (x > 0) whatever the clip.
  double relu_max = std::numeric_limits<double>::infinity();
  std::int64_t rng_offset = 0;  // kConv/kLinear: 32-bit draws before its weights (init order)
  WeightInit init = WeightInit::kTorchDefault;  // kConv/kLinear
  friend bool operator==(const Node&, const Node&) = default;
};

struct Graph {
  std::vector<Node> nodes;  // topological: inputs of node i are < i
  NodeId output = -1;       // the logits
  // The parameters of kGiven nodes, each node's weights then bias at its rng_offset; shared
  // and immutable, so copies of a graph (and its passes) share one array. Null when unused.
  std::shared_ptr<const std::vector<float>> given_weights;

  [[nodiscard]] const Node& operator[](NodeId id) const { return nodes[static_cast<size_t>(id)]; }
  [[nodiscard]] std::int64_t size() const { return static_cast<std::int64_t>(nodes.size()); }
  // Trainable parameters (conv and linear weights and biases, BN γ and β), as PyTorch counts.
  [[nodiscard]] std::int64_t n_params() const;
  // Multiply-accumulates per image of the convolutions and linear layers.
  [[nodiscard]] std::int64_t n_macs_per_image() const;
  // N_A: counted units per image, duplicates included (sum of site_weight * units).
  [[nodiscard]] std::int64_t n_counted_units() const;
  // One line per node, e.g. "%4 = conv[3x3 s1 p1 g1](%3) -> 128x16x32x32".
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const Graph&, const Graph&) = default;
};

// Appends nodes, checking inputs and inferring shapes. Each method returns the new node's id.
// Shape errors are bugs in a space's builder and fail NASWOT_CHECK.
class GraphBuilder {
 public:
  NodeId input(Shape shape);
  // A convolution; with `bias`, torch draws the bias U(±1/sqrt(fan_in)) after the weights.
  NodeId conv(NodeId x, std::int64_t c_out, Window w, WeightInit init = WeightInit::kTorchDefault,
              bool bias = false);
  NodeId batch_norm(NodeId x);
  // A ReLU; `site_weight` = how many of the reference's hooked sites see its input (0: none).
  NodeId relu(NodeId x, std::int32_t site_weight);
  // min(max(x, 0), max) (ReLU6 for max = 6): a ReLU site all the same. REQUIRES: max > 0.
  NodeId clipped_relu(NodeId x, std::int32_t site_weight, double max);
  NodeId avg_pool(NodeId x, Window w);
  NodeId max_pool(NodeId x, Window w);
  NodeId add(std::span<const NodeId> xs);
  NodeId concat(std::span<const NodeId> xs);
  NodeId zero(NodeId x, std::int64_t stride = 1);
  NodeId global_avg_pool(NodeId x);
  NodeId linear(NodeId x, std::int64_t out, bool bias, WeightInit init = WeightInit::kTorchDefault);
  // The first `c` channels of x. REQUIRES: 1 <= c <= channels of x.
  NodeId slice(NodeId x, std::int64_t c);
  // x padded with zeros by the given rows/columns on each side; a negative amount removes
  // that many (torch.nn.functional.pad). DARTS' FactorizedReduce reads x[:, :, 1:, 1:] padded
  // back to size as pad(x, -1, -1, 1, 1). REQUIRES: the result is at least 1x1.
  NodeId pad(NodeId x, std::int64_t top, std::int64_t left, std::int64_t bottom,
             std::int64_t right);

  [[nodiscard]] const Shape& shape(NodeId x) const;
  // Ends building; `output` is the logits node.
  [[nodiscard]] Graph finish(NodeId output) &&;
  // The parameters of kGiven nodes (see Graph::given_weights), indexed by rng_offset.
  void set_given_weights(std::shared_ptr<const std::vector<float>> weights);
  // Parameters (32-bit draws) numbered so far: the rng_offset of the next conv/linear node.
  [[nodiscard]] std::int64_t n_draws() const { return rng_draws_; }

 private:
  NodeId push(Node node);
  Graph graph_;
  std::int64_t rng_draws_ = 0;
};

}  // namespace naswot::engine
