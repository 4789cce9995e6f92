// Plan building and execution. prepare() walks the graph once: it finds or creates each
// node's primitive in the cache, lays out buffers in the arena (activations by liveness,
// first fit, so a buffer is reused once its last consumer has run; then weights, weight
// staging, BN statistics, scratchpad and the input), and binds oneDNN memory objects to
// arena offsets. Our kernels replace oneDNN primitives where that saves passes over memory:
// training-mode batch norm (batch_norm.h; lazy when only sums and ReLUs read it), sums
// (tensor_add.h, with batch-norm and avg_pool_3x3 terms applied as they are read), ReLUs with
// sign packing (sign_pack.h; a ReLU of a sum runs inside the sum's step) and the 2x2 average
// pool (avg_pool.h). run() draws the weights, copies the batch in and executes the steps in
// order.
#include "naswot/engine/executor.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "engine/arena.h"
#include "engine/avg_pool.h"
#include "engine/batch_norm.h"
#include "engine/channel_slice.h"
#include "engine/dnnl_ops.h"
#include "engine/fusion.h"
#include "engine/sign_pack.h"
#include "engine/spatial_pad.h"
#include "engine/tensor_add.h"
#include "naswot/util/error.h"
#include "naswot/util/rng.h"

namespace naswot::engine {

using dnnl::memory;

namespace {

constexpr std::size_t kAlign = 64;
constexpr std::size_t kNoAffine = std::numeric_limits<std::size_t>::max();

// The layout of a node's output: the batch arrives as plain NCHW, logits are (N, classes).
memory::desc dst_desc(const Node& n, int graph_block) {
  using tag = memory::format_tag;
  if (n.op == Op::kLinear)
    return memory::desc({n.shape.n, n.shape.c}, memory::data_type::f32, tag::nc);
  return activation_md(n.shape, memory::data_type::f32, graph_block);
}
std::size_t aligned(std::size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

// Bytes of a batch norm's affine patterns: scale then shift, 16 floats per plane each.
std::size_t pattern_bytes(const Planes& t) {
  return aligned(static_cast<std::size_t>(2 * t.planes * 16) * sizeof(float));
}

struct Bound {  // a memory object bound to an arena offset
  int arg;
  memory mem;
  std::size_t offset;
};

// A sum's input: an activation (offset), read through a lazy batch norm's patterns (affine,
// else kNoAffine) or pooled 3x3 (a lazy avg_pool_3x3 of the activation).
struct TermSource {
  std::size_t offset = 0, affine = kNoAffine;
  bool pooled = false;
};

struct Step {
  NodeId node = -1;
  Op op = Op::kInput;
  const Primitive* prim = nullptr;  // null for input, zero and relu
  std::vector<Bound> args;
  std::size_t dst_offset = 0, dst_bytes = 0;
  bool has_dst = false;
  // kAdd: where each term is read from, and the terms filled in at each run (no allocation)
  std::vector<TermSource> sources;
  std::vector<AddTerm> terms;
  // kRelu (src_affine: a lazy batch norm's patterns, or kNoAffine), and our own batch norm
  // (affine: where it writes its patterns)
  std::size_t src_offset = 0, src_affine = kNoAffine, affine = kNoAffine;
  Planes planes;           // kAdd, kRelu, kBatchNorm: the layout our kernels see
  NodeId fused_relu = -1;  // kAdd: the ReLU of this sum, run by this step (add_relu_sign_pack)
  bool in_sum = false;     // kRelu: run by its input's kAdd step
  int own_pool = 0;        // kAvgPool on our kernels (no primitive): 3 (3x3, s1) or 2 (2x2, s2)
  bool zero_input = false;
  std::int64_t units = 0, block = -1, word_offset = 0;
  // kConv / kLinear weights
  std::int64_t rng_offset = 0, n_weights = 0, n_bias = 0, fan_in = 0;
  const dnnl::reorder* weight_reorder = nullptr;  // owned by the executor's cache
  memory user_weights, weights;
  std::size_t user_offset = 0, weights_offset = 0;
};

}  // namespace

struct Plan::Impl {
  Graph graph;
  std::vector<Step> steps;
  std::vector<std::size_t> node_offset;  // activation offset of each computed node
  std::vector<memory::desc> node_md;     // layout and type of each node's output
  std::vector<bool> bf16_out;            // ReLU writing bf16 for its convolutions
  std::vector<bool> node_has_buffer;
  int channel_block = 1;  // graph_channel_block: one activation layout family per plan
  Shape input_shape;
  std::size_t input_offset = 0, total_bytes = 0;
  std::vector<BitMatrix> block_layout;  // weight, n_units, words_per_row (no words)
  std::uint64_t bound_generation = 0;
  dnnl::memory::desc input_md;  // the input node's layout; the batch arrives as NCHW
  const dnnl::reorder* input_reorder = nullptr;
  std::size_t stats_offset = 0, stats_half_bytes = 0;  // inference BN: means 0, then variances 1
  std::size_t patterns_offset = 0;  // our batch norms' affine patterns (offsets relative to it)
  std::uint64_t id = 0;             // unique per Executor (keep_weights)
};

Plan::Plan() : impl_(std::make_unique<Impl>()) {}
Plan::~Plan() = default;
Plan::Plan(Plan&&) noexcept = default;
Plan& Plan::operator=(Plan&&) noexcept = default;
std::int64_t Plan::arena_bytes() const { return static_cast<std::int64_t>(impl_->total_bytes); }
std::int64_t Plan::n_counted_units() const {
  std::int64_t total = 0;
  for (const BitMatrix& b : impl_->block_layout) total += b.weight * b.n_units;
  return total;
}

struct Executor::Impl {
  ExecutorOptions options;
  int threads = 1;  // resolved thread count, applied on the calling thread at every run
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
  std::unordered_map<std::string, std::unique_ptr<Primitive>> cache;
  std::unordered_map<std::string, std::unique_ptr<dnnl::reorder>> reorders;
  Arena arena;
  std::vector<double> bn_scratch;  // batch_norm_affine's, sized for the largest plan's
  std::uint64_t n_plans = 0;
  std::uint64_t weights_of = 0;  // keep_weights: the id of the plan whose weights the arena holds
  std::uint64_t weights_seed = 0, weights_generation = 0;

  // A reorder between two layouts, created once per pair.
  const dnnl::reorder* reorder(const std::string& key, const memory::desc& from,
                               const memory::desc& to) {
    auto it = reorders.find(key);
    if (it == reorders.end()) {
      dnnl::reorder::primitive_desc pd(eng, from, eng, to);
      it = reorders.emplace(key, std::make_unique<dnnl::reorder>(pd)).first;
    }
    return it->second.get();
  }

  const Primitive* primitive(const Graph& g, const Node& n, int graph_block, Precision precision) {
    const std::string key = primitive_key(g, n, graph_block, precision, options.inference_bn);
    auto it = cache.find(key);
    if (it == cache.end()) {
      it = cache
               .emplace(key, std::make_unique<Primitive>(make_primitive(
                                 eng, g, n, graph_block, precision, options.inference_bn)))
               .first;
    }
    return it->second.get();
  }

  void bind(Plan::Impl& p) {
    if (p.bound_generation == arena.generation()) return;
    for (Step& s : p.steps) {
      for (Bound& b : s.args) b.mem.set_data_handle(arena.base() + b.offset);
      if (s.weight_reorder) {
        s.user_weights.set_data_handle(arena.base() + s.user_offset);
        s.weights.set_data_handle(arena.base() + s.weights_offset);
      }
    }
    p.bound_generation = arena.generation();
  }
};

Executor::Executor(ExecutorOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->threads = options.threads > 0 ? options.threads : omp_get_num_procs();
}

Executor::~Executor() = default;

std::int64_t Executor::n_cached_primitives() const {
  return static_cast<std::int64_t>(impl_->cache.size());
}
std::int64_t Executor::arena_bytes() const {
  return static_cast<std::int64_t>(impl_->arena.bytes());
}

namespace {

// First-fit placement of activation buffers given each node's last use.
class Placer {
 public:
  std::size_t place(std::size_t bytes, std::int64_t now, std::int64_t last_use) {
    std::erase_if(live_, [&](const Live& l) { return l.last_use < now; });
    std::sort(live_.begin(), live_.end(),
              [](const Live& a, const Live& b) { return a.offset < b.offset; });
    std::size_t offset = 0;
    for (const Live& l : live_) {
      if (l.offset >= offset + bytes) break;
      offset = std::max(offset, l.offset + l.bytes);
    }
    live_.push_back({offset, bytes, last_use});
    high_ = std::max(high_, offset + bytes);
    return offset;
  }
  [[nodiscard]] std::size_t high() const { return high_; }

 private:
  struct Live {
    std::size_t offset, bytes;
    std::int64_t last_use;
  };
  std::vector<Live> live_;
  std::size_t high_ = 0;
};

}  // namespace

Plan Executor::prepare(const Graph& g, const PrepareOptions& options) {
  omp_set_num_threads(impl_->threads);  // oneDNN sizes its kernels for the current count
  Plan plan;
  Plan::Impl& p = *plan.impl_;
  p.graph = g;
  p.id = ++impl_->n_plans;
  const std::int64_t n_nodes = g.size();
  constexpr std::int64_t kForever = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> last_use(static_cast<size_t>(n_nodes), -1);
  for (std::int64_t i = 0; i < n_nodes; ++i) {
    for (NodeId in : g.nodes[static_cast<size_t>(i)].inputs) last_use[static_cast<size_t>(in)] = i;
  }
  if (g.output >= 0) last_use[static_cast<size_t>(g.output)] = kForever;
  if (options.keep_all_buffers) std::fill(last_use.begin(), last_use.end(), kForever);

  // Sign-code blocks: one per distinct site weight, sites appended in node order.
  std::unordered_map<std::int32_t, std::int64_t> block_of;
  Placer placer;
  p.node_offset.assign(static_cast<size_t>(n_nodes), 0);
  p.node_has_buffer.assign(static_cast<size_t>(n_nodes), false);
  std::size_t max_scratch = 0, max_stats = 0, max_user_weights = 0, max_mean = 0;
  int n_inputs = 0;

  // bf16: a ReLU whose every consumer is a convolution writes bf16, and those convolutions
  // run in bf16 (f32 accumulation); BN, sums, pools and the sign bits stay f32. oneDNN 2.6 has
  // bf16 convolutions for nChw16c (jit) and nchw (gemm) only, so graphs in nChw8c stay f32.
  std::vector<std::vector<NodeId>> consumers(static_cast<size_t>(n_nodes));
  for (std::int64_t i = 0; i < n_nodes; ++i) {
    for (NodeId in : g.nodes[static_cast<size_t>(i)].inputs)
      consumers[static_cast<size_t>(in)].push_back(static_cast<NodeId>(i));
  }
  p.bf16_out.assign(static_cast<size_t>(n_nodes), false);
  p.channel_block = graph_channel_block(g);
  p.node_md.resize(static_cast<size_t>(n_nodes));
  for (std::int64_t i = 0; i < n_nodes; ++i) {
    const Node& n = g.nodes[static_cast<size_t>(i)];
    const auto& uses = consumers[static_cast<size_t>(i)];
    p.bf16_out[static_cast<size_t>(i)] =
        impl_->options.precision == Precision::kBF16 && p.channel_block != 8 && n.op == Op::kRelu &&
        std::isinf(n.relu_max) && !uses.empty() && i != g.output && !options.keep_all_buffers &&
        std::all_of(uses.begin(), uses.end(), [&](NodeId u) { return g[u].op == Op::kConv; });
    p.node_md[static_cast<size_t>(i)] =
        p.bf16_out[static_cast<size_t>(i)]
            ? activation_md(n.shape, memory::data_type::bf16, p.channel_block)
            : dst_desc(n, p.channel_block);
  }
  // Our kernels and what they fold into their consumers (fusion.h); then where each of our
  // batch norms writes its affine patterns (offsets in the plan's pattern region) and the
  // scratch its statistics need. A lazy batch norm has no buffer: its readers read its input
  // through those patterns (lazy_affine).
  const Fusion fusion = plan_fusion(
      g, consumers, {p.channel_block, impl_->options.inference_bn, options.keep_all_buffers},
      last_use);
  std::vector<std::size_t> patterns(static_cast<size_t>(n_nodes), kNoAffine);
  std::size_t pattern_total = 0, bn_scratch = 0;
  for (std::int64_t i = 0; i < n_nodes; ++i) {
    if (!fusion.own_bn[static_cast<size_t>(i)]) continue;
    const Planes t = planes_of(g[static_cast<NodeId>(i)].shape, p.channel_block);
    bn_scratch = std::max(bn_scratch, static_cast<std::size_t>(batch_norm_scratch(t)));
    patterns[static_cast<size_t>(i)] = pattern_total;
    pattern_total += pattern_bytes(t);
  }
  if (impl_->bn_scratch.size() < bn_scratch) impl_->bn_scratch.resize(bn_scratch);
  auto lazy_affine = [&](NodeId id) {
    return fusion.lazy_bn[static_cast<size_t>(id)] ? patterns[static_cast<size_t>(id)] : kNoAffine;
  };
  std::vector<bool> placed_early(static_cast<size_t>(n_nodes), false);

  auto precision_of = [&](const Node& n) {
    const bool bf16 = n.op == Op::kConv && p.bf16_out[static_cast<size_t>(n.inputs[0])];
    return bf16 ? Precision::kBF16 : Precision::kF32;
  };

  for (std::int64_t i = 0; i < n_nodes; ++i) {
    const Node& n = g.nodes[static_cast<size_t>(i)];
    Step s;
    s.node = static_cast<NodeId>(i);
    s.op = n.op;
    const memory::desc dst_md = p.node_md[static_cast<size_t>(i)];
    if (n.op == Op::kInput) {
      ++n_inputs;
      p.input_shape = n.shape;
      p.input_md = dst_md;
    }
    s.has_dst = last_use[static_cast<size_t>(i)] >= 0 || n.op == Op::kInput;
    auto place = [&](NodeId id) {
      const std::size_t at =
          placer.place(aligned(p.node_md[static_cast<size_t>(id)].get_size()), i,
                       std::max<std::int64_t>(last_use[static_cast<size_t>(id)], id));
      p.node_offset[static_cast<size_t>(id)] = at;
      p.node_has_buffer[static_cast<size_t>(id)] = true;
    };
    if (s.has_dst) {
      s.dst_bytes = dst_md.get_size();
      if (!placed_early[static_cast<size_t>(i)]) place(s.node);
      s.dst_offset = p.node_offset[static_cast<size_t>(i)];
    }
    s.fused_relu = fusion.fused_relu[static_cast<size_t>(i)];
    if (s.fused_relu >= 0 && last_use[static_cast<size_t>(s.fused_relu)] >= 0) {
      place(s.fused_relu);
      placed_early[static_cast<size_t>(s.fused_relu)] = true;
    }
    s.in_sum = n.op == Op::kRelu && !n.inputs.empty() &&
               fusion.fused_relu[static_cast<size_t>(n.inputs[0])] == static_cast<NodeId>(i);
    auto bind_arg = [&](int arg, const memory::desc& md, std::size_t offset) {
      s.args.push_back({arg, memory(md, impl_->eng, nullptr), offset});
    };
    if (n.op == Op::kRelu) {
      NASWOT_CHECK(n.site_weight > 0 || !n.inputs.empty());
      s.zero_input = n.inputs.empty();
      s.planes = planes_of(n.shape, p.channel_block);
      if (!s.zero_input) {
        s.src_offset = p.node_offset[static_cast<size_t>(n.inputs[0])];
        s.src_affine = lazy_affine(n.inputs[0]);
      }
      s.units = n.shape.per_image();
      if (n.site_weight > 0) {
        auto [it, fresh] =
            block_of.try_emplace(n.site_weight, static_cast<std::int64_t>(p.block_layout.size()));
        if (fresh) p.block_layout.push_back(BitMatrix{n.site_weight, 0, 0, {}});
        BitMatrix& b = p.block_layout[static_cast<size_t>(it->second)];
        s.block = it->second;
        s.word_offset = b.words_per_row;
        b.n_units += s.units;
        b.words_per_row += (s.units + 63) / 64;
      }
    } else if (n.op == Op::kSlice || n.op == Op::kPad) {
      s.src_offset = p.node_offset[static_cast<size_t>(n.inputs[0])];
    } else if (n.op == Op::kAdd) {
      for (NodeId in : n.inputs) {
        NASWOT_CHECK(p.node_md[static_cast<size_t>(in)] == dst_md);  // same shape and layout
        s.sources.push_back({p.node_offset[static_cast<size_t>(in)], lazy_affine(in),
                             fusion.lazy_pool[static_cast<size_t>(in)]});
      }
      s.terms.resize(s.sources.size());
      s.planes = planes_of(n.shape, p.channel_block);
    } else if (fusion.lazy_pool[static_cast<size_t>(i)]) {  // its sums read its input
      p.node_offset[static_cast<size_t>(i)] = p.node_offset[static_cast<size_t>(n.inputs[0])];
    } else if (fusion.own_pool[static_cast<size_t>(i)] > 0) {
      s.src_offset = p.node_offset[static_cast<size_t>(n.inputs[0])];
      s.planes = planes_of(g[n.inputs[0]].shape, p.channel_block);  // the input's
      s.own_pool = fusion.own_pool[static_cast<size_t>(i)];
    } else if (fusion.own_bn[static_cast<size_t>(i)]) {
      s.src_offset = p.node_offset[static_cast<size_t>(n.inputs[0])];
      s.planes = planes_of(n.shape, p.channel_block);
      s.affine = patterns[static_cast<size_t>(i)];
      if (fusion.lazy_bn[static_cast<size_t>(i)])  // read through its input
        p.node_offset[static_cast<size_t>(i)] = s.src_offset;
    } else if (n.op != Op::kInput && n.op != Op::kZero) {
      s.prim = impl_->primitive(g, n, p.channel_block, precision_of(n));
      max_scratch = std::max(max_scratch, s.prim->scratch_bytes);
      for (std::size_t k = 0; k < n.inputs.size(); ++k) {
        const int arg =
            n.op == Op::kConcat ? DNNL_ARG_MULTIPLE_SRC + static_cast<int>(k) : DNNL_ARG_SRC;
        bind_arg(arg, p.node_md[static_cast<size_t>(n.inputs[k])],
                 p.node_offset[static_cast<size_t>(n.inputs[k])]);
      }
      bind_arg(DNNL_ARG_DST, dst_md, s.dst_offset);
      if (n.op == Op::kBatchNorm) {
        max_stats = std::max(max_stats, aligned(s.prim->mean_md.get_size()) +
                                            aligned(s.prim->variance_md.get_size()));
        max_mean = std::max(max_mean, aligned(s.prim->mean_md.get_size()));
      }
      if (n.op == Op::kConv || n.op == Op::kLinear) {
        const Shape& in = g[n.inputs[0]].shape;
        s.rng_offset = n.rng_offset;
        s.fan_in =
            n.op == Op::kConv ? in.c / n.window.groups * n.window.kh * n.window.kw : in.per_image();
        s.n_weights = n.shape.c * s.fan_in;
        s.n_bias = n.bias ? n.shape.c : 0;
        max_user_weights = std::max(max_user_weights, aligned(s.prim->user_weights_md.get_size()));
      }
    }
    p.steps.push_back(std::move(s));
  }
  NASWOT_CHECK(n_inputs <= 1);  // 0 when no counted site depends on the images
  const Shape& is = p.input_shape;
  if (n_inputs == 1)
    p.input_reorder = impl_->reorder(
        fmt::format("input|{}x{}x{}x{}", is.n, is.c, is.h, is.w),
        memory::desc({is.n, is.c, is.h, is.w}, memory::data_type::f32, memory::format_tag::nchw),
        p.input_md);

  // Regions after the activations: weights (per step), staging, stats, scratch.
  std::size_t offset = aligned(placer.high());
  for (Step& s : p.steps) {
    if (s.op != Op::kConv && s.op != Op::kLinear) continue;
    s.weights_offset = offset;
    offset += aligned(s.prim->weights_md.get_size());
    s.args.push_back(
        {DNNL_ARG_WEIGHTS, memory(s.prim->weights_md, impl_->eng, nullptr), s.weights_offset});
    if (s.n_bias > 0) {
      const memory::desc bias_md({s.n_bias}, memory::data_type::f32, memory::format_tag::x);
      s.args.push_back({DNNL_ARG_BIAS, memory(bias_md, impl_->eng, nullptr), offset});
      offset += aligned(bias_md.get_size());
    }
  }
  p.patterns_offset = offset;
  offset += pattern_total;
  const std::size_t staging = offset;
  offset += max_user_weights;
  const std::size_t stats = offset;
  // Inference BN reads its statistics: every BN shares one array of zeros and one of ones.
  const bool inference_bn = impl_->options.inference_bn;
  if (inference_bn) max_stats = 2 * max_mean;
  p.stats_offset = stats;
  p.stats_half_bytes = inference_bn ? max_mean : 0;
  offset += max_stats;
  const std::size_t scratch = offset;
  offset += aligned(max_scratch);
  p.total_bytes = offset;

  for (Step& s : p.steps) {
    if (s.prim == nullptr) continue;
    s.args.push_back({DNNL_ARG_SCRATCHPAD,
                      memory(memory::desc({static_cast<memory::dim>(
                                              std::max<std::size_t>(s.prim->scratch_bytes, 1))},
                                          memory::data_type::u8, memory::format_tag::x),
                             impl_->eng, nullptr),
                      scratch});
    if (s.op == Op::kBatchNorm) {
      s.args.push_back({DNNL_ARG_MEAN, memory(s.prim->mean_md, impl_->eng, nullptr), stats});
      s.args.push_back({DNNL_ARG_VARIANCE, memory(s.prim->variance_md, impl_->eng, nullptr),
                        stats + (inference_bn ? max_mean : aligned(s.prim->mean_md.get_size()))});
    }
    if (s.op == Op::kConv || s.op == Op::kLinear) {
      s.user_offset = staging;
      s.user_weights = memory(s.prim->user_weights_md, impl_->eng, nullptr);
      s.weights = memory(s.prim->weights_md, impl_->eng, nullptr);
      s.weight_reorder = impl_->reorder(
          primitive_key(g, g[s.node], p.channel_block, precision_of(g[s.node])) + "|w",
          s.prim->user_weights_md, s.prim->weights_md);
    }
  }
  impl_->arena.reserve(p.total_bytes);
  impl_->bind(p);
  return plan;
}

namespace {

// PyTorch's kaiming_uniform_(a=sqrt(5)) bound, computed as torch does in Python doubles.
double kaiming_bound(std::int64_t fan_in) {
  const double a = std::sqrt(5.0);
  const double gain = std::sqrt(2.0 / (1.0 + a * a));
  return std::sqrt(3.0) * (gain / std::sqrt(static_cast<double>(fan_in)));
}

void fill_uniform(Rng& rng, float* out, std::int64_t count, double bound) {
  rng.fill_uniform(out, count, static_cast<float>(-bound), static_cast<float>(bound));
}

// The explicit normal inits (WeightInit): weights N(0, std) from the node's own stream, so they
// need no draw accounting (Box-Muller may reject), bias 0.
void fill_normal_init(const Node& n, std::uint64_t weight_seed, std::int64_t n_weights,
                      float* weights, float* bias, std::int64_t n_bias) {
  double sigma = 0.01;
  if (n.init == WeightInit::kKaimingNormalFanOut) {
    sigma = std::sqrt(2.0 / static_cast<double>(n.window.kh * n.window.kw * n.shape.c));
  }
  Rng rng(derive_seed(weight_seed, static_cast<std::uint64_t>(n.rng_offset)));
  for (std::int64_t k = 0; k < n_weights; ++k)
    weights[k] = static_cast<float>(sigma * rng.normal());
  std::fill_n(bias, n_bias, 0.0f);
}

// WeightInit::kGiven: the graph's own parameters (weights then bias at rng_offset).
void copy_given_weights(const Graph& g, std::int64_t at, std::int64_t n_weights, float* weights,
                        float* bias, std::int64_t n_bias) {
  NASWOT_CHECK(g.given_weights != nullptr &&
               at + n_weights + n_bias <= static_cast<std::int64_t>(g.given_weights->size()));
  const float* from = g.given_weights->data() + at;
  std::copy_n(from, n_weights, weights);
  std::copy_n(from + n_weights, n_bias, bias);
}

}  // namespace

void Executor::run(const Plan& plan, const Tensor& batch, std::uint64_t weight_seed,
                   SignCodes& codes) {
  Plan::Impl& p = *plan.impl_;
  Impl& ex = *impl_;
  // OpenMP's thread count is a per-thread setting: apply ours on whichever thread runs us.
  omp_set_num_threads(ex.threads);
  NASWOT_CHECK(p.input_reorder == nullptr ||
               (batch.n == p.input_shape.n && batch.c == p.input_shape.c &&
                batch.h == p.input_shape.h && batch.w == p.input_shape.w));
  NASWOT_CHECK(ex.arena.bytes() >= p.total_bytes);
  ex.bind(p);
  char* base = ex.arena.base();
  if (p.stats_half_bytes > 0) {  // cheap (a few KB), and other plans may reuse the region
    std::memset(base + p.stats_offset, 0, p.stats_half_bytes);
    std::fill_n(reinterpret_cast<float*>(base + p.stats_offset + p.stats_half_bytes),
                p.stats_half_bytes / sizeof(float), 1.0f);
  }
  const bool init_weights = !ex.options.keep_weights || ex.weights_of != p.id ||
                            ex.weights_seed != weight_seed ||
                            ex.weights_generation != ex.arena.generation();
  ex.weights_of = p.id;
  ex.weights_seed = weight_seed;
  ex.weights_generation = ex.arena.generation();

  codes.n_images = batch.n;
  codes.blocks.resize(p.block_layout.size());
  for (std::size_t b = 0; b < p.block_layout.size(); ++b) {
    BitMatrix& m = codes.blocks[b];
    m.weight = p.block_layout[b].weight;
    m.n_units = p.block_layout[b].n_units;
    m.words_per_row = p.block_layout[b].words_per_row;
    m.words.resize(static_cast<size_t>(batch.n * m.words_per_row));
  }

  // A batch norm's patterns (planes.h) at an offset in the plan's pattern region: scale, then
  // shift.
  auto pattern_at = [&](std::size_t offset) {
    return reinterpret_cast<float*>(base + p.patterns_offset + offset);
  };
  auto affine_at = [&](std::size_t offset, const Planes& t) {
    if (offset == kNoAffine) return ChannelAffine{};
    const float* scale = pattern_at(offset);
    return ChannelAffine{scale, scale + t.planes * 16};
  };
  // Where a ReLU step writes its rectified output (bf16 when only convolutions read it).
  auto relu_output = [&](const Step& s) {
    ReluOutput out;
    if (s.has_dst && p.bf16_out[static_cast<size_t>(s.node)]) {
      out.bf16 = reinterpret_cast<std::uint16_t*>(base + s.dst_offset);
    } else if (s.has_dst) {
      out.f32 = reinterpret_cast<float*>(base + s.dst_offset);
    }
    return out;
  };
  Rng rng(weight_seed);
  std::int64_t drawn = 0;
  // A oneDNN step; a conv/linear one first draws its weights when the plan needs fresh ones.
  auto run_primitive = [&](Step& s) {
    if (init_weights && s.weight_reorder) {
      auto* staging = reinterpret_cast<float*>(base + s.user_offset);
      auto* bias = reinterpret_cast<float*>(base + s.weights_offset +
                                            aligned(s.prim->weights_md.get_size()));
      const Node& n = p.graph[s.node];
      if (n.init == WeightInit::kGiven) {
        copy_given_weights(p.graph, s.rng_offset, s.n_weights, staging, bias, s.n_bias);
      } else if (n.init != WeightInit::kTorchDefault) {
        fill_normal_init(n, weight_seed, s.n_weights, staging, bias, s.n_bias);
      } else {
        NASWOT_CHECK(s.rng_offset >= drawn);
        rng.discard(static_cast<std::uint64_t>(s.rng_offset - drawn));
        fill_uniform(rng, staging, s.n_weights, kaiming_bound(s.fan_in));
        fill_uniform(rng, bias, s.n_bias, 1.0 / std::sqrt(static_cast<double>(s.fan_in)));
        drawn = s.rng_offset + s.n_weights + s.n_bias;
      }
      s.weight_reorder->execute(ex.strm, s.user_weights, s.weights);
    }
    std::unordered_map<int, memory> args;
    for (const Bound& b : s.args) args.emplace(b.arg, b.mem);
    s.prim->prim.execute(ex.strm, args);
    ex.strm.wait();
  };
  for (Step& s : p.steps) {
    switch (s.op) {
      case Op::kInput: {
        memory user(memory::desc({batch.n, batch.c, batch.h, batch.w}, memory::data_type::f32,
                                 memory::format_tag::nchw),
                    ex.eng, const_cast<float*>(batch.data.data()));
        memory dst(p.input_md, ex.eng, base + s.dst_offset);
        p.input_reorder->execute(ex.strm, user, dst);
        ex.strm.wait();
        break;
      }
      case Op::kZero:
        std::memset(base + s.dst_offset, 0, s.dst_bytes);
        break;
      case Op::kSlice: {
        const Node& n = p.graph[s.node];
        slice_channels(p.graph[n.inputs[0]].shape,
                       reinterpret_cast<const float*>(base + s.src_offset), n.shape,
                       reinterpret_cast<float*>(base + s.dst_offset), p.channel_block);
        break;
      }
      case Op::kPad: {
        const Node& n = p.graph[s.node];
        pad_spatial(p.graph[n.inputs[0]].shape, reinterpret_cast<const float*>(base + s.src_offset),
                    n.window, n.shape, reinterpret_cast<float*>(base + s.dst_offset),
                    p.channel_block);
        break;
      }
      case Op::kAdd: {
        for (std::size_t k = 0; k < s.terms.size(); ++k) {
          const TermSource& from = s.sources[k];
          s.terms[k] = {reinterpret_cast<const float*>(base + from.offset),
                        affine_at(from.affine, s.planes), from.pooled};
        }
        auto* sum = s.has_dst ? reinterpret_cast<float*>(base + s.dst_offset) : nullptr;
        if (s.fused_relu < 0) {
          add_tensors(s.terms, sum, s.planes);
          break;
        }
        const Step& r = p.steps[static_cast<size_t>(s.fused_relu)];
        BitMatrix* m = r.block >= 0 ? &codes.blocks[static_cast<size_t>(r.block)] : nullptr;
        add_relu_sign_pack(s.terms, s.planes, sum, relu_output(r),
                           m ? m->words.data() + r.word_offset : nullptr, m ? m->words_per_row : 0);
        break;
      }
      case Op::kRelu: {
        if (s.in_sum) break;
        const ReluOutput out = relu_output(s);
        BitMatrix* m = s.block >= 0 ? &codes.blocks[static_cast<size_t>(s.block)] : nullptr;
        if (s.zero_input) {  // all bits 0, output 0
          if (s.has_dst) std::memset(base + s.dst_offset, 0, s.dst_bytes);
          for (std::int64_t i = 0; m && i < batch.n; ++i) {
            std::fill_n(m->words.data() + i * m->words_per_row + s.word_offset, (s.units + 63) / 64,
                        0);
          }
          break;
        }
        relu_sign_pack(reinterpret_cast<const float*>(base + s.src_offset),
                       affine_at(s.src_affine, s.planes), s.planes, out,
                       m ? m->words.data() + s.word_offset : nullptr, m ? m->words_per_row : 0);
        if (const double max = p.graph[s.node].relu_max; out.f32 && !std::isinf(max))
          clip_above(out.f32, static_cast<std::int64_t>(s.dst_bytes / sizeof(float)),
                     static_cast<float>(max));
        break;
      }
      case Op::kAvgPool: {
        if (s.prim != nullptr) {
          run_primitive(s);
        } else if (s.has_dst) {  // ours (a lazy pool has no buffer: its sums compute it)
          const auto* x = reinterpret_cast<const float*>(base + s.src_offset);
          auto* y = reinterpret_cast<float*>(base + s.dst_offset);
          const AddTerm pooled{x, {}, true};
          if (s.own_pool == 2) avg_pool_2x2(x, s.planes, y);
          if (s.own_pool == 3) add_tensors({&pooled, 1}, y, s.planes);
        }
        break;
      }
      case Op::kBatchNorm: {
        if (s.prim != nullptr) {
          run_primitive(s);
          break;
        }
        // Ours: the affine, then the normalised tensor if something reads it.
        const auto* x = reinterpret_cast<const float*>(base + s.src_offset);
        float* scale = pattern_at(s.affine);
        batch_norm_affine(x, s.planes, scale, scale + s.planes.planes * 16, ex.bn_scratch.data());
        if (s.has_dst) {
          const AddTerm term{x, affine_at(s.affine, s.planes)};
          add_tensors({&term, 1}, reinterpret_cast<float*>(base + s.dst_offset), s.planes);
        }
        break;
      }
      default:
        run_primitive(s);
        break;
    }
  }
}

Tensor Executor::read(const Plan& plan, NodeId id) {
  const Plan::Impl& p = *plan.impl_;
  NASWOT_CHECK(id >= 0 && id < p.graph.size() && p.node_has_buffer[static_cast<size_t>(id)]);
  const Node& n = p.graph[id];
  Tensor t(n.shape.n, n.shape.c, n.shape.h, n.shape.w);
  memory::desc from = p.node_md[static_cast<size_t>(id)];
  memory src(from, impl_->eng, impl_->arena.base() + p.node_offset[static_cast<size_t>(id)]);
  memory dst(memory::desc(from.dims(), memory::data_type::f32,
                          n.op == Op::kLinear ? memory::format_tag::nc : memory::format_tag::nchw),
             impl_->eng, t.data.data());
  dnnl::reorder(src, dst).execute(impl_->strm, src, dst);
  impl_->strm.wait();
  return t;
}

}  // namespace naswot::engine
