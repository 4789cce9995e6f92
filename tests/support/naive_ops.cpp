#include "support/naive_ops.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "naswot/util/error.h"
#include "naswot/util/rng.h"

namespace naswot::testing {

using engine::Graph;
using engine::Node;
using engine::NodeId;
using engine::Op;

NaiveTensor::NaiveTensor(const engine::Shape& s)
    : n(s.n), c(s.c), h(s.h), w(s.w), data(static_cast<std::size_t>(s.n * s.c * s.h * s.w)) {}

namespace {

// torch.nn.init.kaiming_uniform_(a = sqrt(5)) as torch computes it, in Python doubles.
double kaiming_bound(std::int64_t fan_in) {
  const double a = std::sqrt(5.0);
  const double gain = std::sqrt(2.0 / (1.0 + a * a));
  const double std = gain / std::sqrt(static_cast<double>(fan_in));
  return std::sqrt(3.0) * std;
}

std::int64_t fan_in(const Graph& g, const Node& n) {
  const engine::Shape& in = g[n.inputs[0]].shape;
  if (n.op == Op::kConv) return in.c / n.window.groups * n.window.kh * n.window.kw;
  return in.per_image();
}

NaiveTensor conv(const Graph& g, NodeId id, const NaiveTensor& x, std::uint64_t seed) {
  const Node& n = g[id];
  const engine::Window& k = n.window;
  const NaiveParams p = naive_params(g, id, seed);
  NaiveTensor y(n.shape);
  const std::int64_t cin_per_group = x.c / k.groups, cout_per_group = y.c / k.groups;
  for (std::int64_t in = 0; in < y.n; ++in) {
    for (std::int64_t oc = 0; oc < y.c; ++oc) {
      const std::int64_t group = oc / cout_per_group;
      for (std::int64_t oh = 0; oh < y.h; ++oh) {
        for (std::int64_t ow = 0; ow < y.w; ++ow) {
          double sum = 0.0;
          for (std::int64_t ic = 0; ic < cin_per_group; ++ic) {
            for (std::int64_t i = 0; i < k.kh; ++i) {
              for (std::int64_t j = 0; j < k.kw; ++j) {
                const std::int64_t ih = oh * k.stride_h - k.pad_t + i * k.dil_h;
                const std::int64_t iw = ow * k.stride_w - k.pad_l + j * k.dil_w;
                if (ih < 0 || ih >= x.h || iw < 0 || iw >= x.w) continue;
                const double wgt = p.weights[static_cast<std::size_t>(
                    ((oc * cin_per_group + ic) * k.kh + i) * k.kw + j)];
                sum += wgt * x.at(in, group * cin_per_group + ic, ih, iw);
              }
            }
          }
          y.at(in, oc, oh, ow) = sum + (n.bias ? p.bias[static_cast<std::size_t>(oc)] : 0.0);
        }
      }
    }
  }
  return y;
}

NaiveTensor batch_norm(const NaiveTensor& x) {
  NaiveTensor y = x;
  const double count = static_cast<double>(x.n * x.h * x.w);
  for (std::int64_t c = 0; c < x.c; ++c) {
    double mean = 0.0;
    for (std::int64_t n = 0; n < x.n; ++n)
      for (std::int64_t h = 0; h < x.h; ++h)
        for (std::int64_t w = 0; w < x.w; ++w) mean += x.at(n, c, h, w);
    mean /= count;
    double var = 0.0;
    for (std::int64_t n = 0; n < x.n; ++n)
      for (std::int64_t h = 0; h < x.h; ++h)
        for (std::int64_t w = 0; w < x.w; ++w)
          var += (x.at(n, c, h, w) - mean) * (x.at(n, c, h, w) - mean);
    var /= count;  // biased
    const double inv = 1.0 / std::sqrt(var + 1e-5);
    for (std::int64_t n = 0; n < x.n; ++n)
      for (std::int64_t h = 0; h < x.h; ++h)
        for (std::int64_t w = 0; w < x.w; ++w) y.at(n, c, h, w) = (x.at(n, c, h, w) - mean) * inv;
  }
  return y;
}

// Average pool with padding excluded from the divisor, or max pool where padding never wins.
NaiveTensor pool(const Node& node, const NaiveTensor& x) {
  const engine::Window& k = node.window;
  NaiveTensor y(node.shape);
  for (std::int64_t n = 0; n < y.n; ++n) {
    for (std::int64_t c = 0; c < y.c; ++c) {
      for (std::int64_t oh = 0; oh < y.h; ++oh) {
        for (std::int64_t ow = 0; ow < y.w; ++ow) {
          double sum = 0.0, max = -std::numeric_limits<double>::infinity();
          std::int64_t count = 0;
          for (std::int64_t i = 0; i < k.kh; ++i) {
            for (std::int64_t j = 0; j < k.kw; ++j) {
              const std::int64_t ih = oh * k.stride_h - k.pad_t + i;
              const std::int64_t iw = ow * k.stride_w - k.pad_l + j;
              if (ih < 0 || ih >= x.h || iw < 0 || iw >= x.w) continue;
              sum += x.at(n, c, ih, iw);
              max = std::max(max, x.at(n, c, ih, iw));
              ++count;
            }
          }
          y.at(n, c, oh, ow) = node.op == Op::kMaxPool ? max : sum / static_cast<double>(count);
        }
      }
    }
  }
  return y;
}

NaiveTensor global_avg_pool(const Node& node, const NaiveTensor& x) {
  NaiveTensor y(node.shape);
  for (std::int64_t n = 0; n < x.n; ++n) {
    for (std::int64_t c = 0; c < x.c; ++c) {
      double sum = 0.0;
      for (std::int64_t h = 0; h < x.h; ++h)
        for (std::int64_t w = 0; w < x.w; ++w) sum += x.at(n, c, h, w);
      y.at(n, c, 0, 0) = sum / static_cast<double>(x.h * x.w);
    }
  }
  return y;
}

NaiveTensor linear(const Graph& g, NodeId id, const NaiveTensor& x, std::uint64_t seed) {
  const Node& node = g[id];
  const NaiveParams p = naive_params(g, id, seed);
  NaiveTensor y(node.shape);
  const std::int64_t features = x.per_image();
  for (std::int64_t n = 0; n < y.n; ++n) {
    for (std::int64_t o = 0; o < y.c; ++o) {
      double sum = node.bias ? p.bias[static_cast<std::size_t>(o)] : 0.0;
      for (std::int64_t f = 0; f < features; ++f) {
        sum += p.weights[static_cast<std::size_t>(o * features + f)] *
               x.data[static_cast<std::size_t>(n * features + f)];
      }
      y.at(n, o, 0, 0) = sum;
    }
  }
  return y;
}

NaiveTensor concat(const Node& node, const std::vector<NaiveTensor>& values) {
  NaiveTensor y(node.shape);
  std::int64_t c0 = 0;
  for (NodeId in : node.inputs) {
    const NaiveTensor& x = values[static_cast<std::size_t>(in)];
    for (std::int64_t n = 0; n < x.n; ++n)
      for (std::int64_t c = 0; c < x.c; ++c)
        for (std::int64_t h = 0; h < x.h; ++h)
          for (std::int64_t w = 0; w < x.w; ++w) y.at(n, c0 + c, h, w) = x.at(n, c, h, w);
    c0 += x.c;
  }
  return y;
}

}  // namespace

NaiveParams naive_params(const Graph& g, NodeId id, std::uint64_t weight_seed) {
  const Node& n = g[id];
  NASWOT_CHECK(n.op == Op::kConv || n.op == Op::kLinear);
  const std::int64_t fan = fan_in(g, n);
  NaiveParams p;
  const std::int64_t n_bias = n.bias ? n.shape.c : 0;
  if (n.init == engine::WeightInit::kGiven) {  // the graph's own, weights then bias
    NASWOT_CHECK(g.given_weights != nullptr);
    const float* from = g.given_weights->data() + n.rng_offset;
    p.weights.assign(from, from + n.shape.c * fan);
    p.bias.assign(from + n.shape.c * fan, from + n.shape.c * fan + n_bias);
    return p;
  }
  if (n.init != engine::WeightInit::kTorchDefault) {
    // The explicit normal inits: the node's own stream, bias 0 (executor.cpp).
    const double sigma =
        n.init == engine::WeightInit::kNormal001
            ? 0.01
            : std::sqrt(2.0 / static_cast<double>(n.window.kh * n.window.kw * n.shape.c));
    Rng own(derive_seed(weight_seed, static_cast<std::uint64_t>(n.rng_offset)));
    for (std::int64_t k = 0; k < n.shape.c * fan; ++k)
      p.weights.push_back(static_cast<float>(sigma * own.normal()));
    p.bias.assign(static_cast<std::size_t>(n_bias), 0.0);
    return p;
  }
  Rng rng(weight_seed);
  rng.discard(static_cast<std::uint64_t>(n.rng_offset));
  const double wb = kaiming_bound(fan);
  for (std::int64_t k = 0; k < n.shape.c * fan; ++k)
    p.weights.push_back(rng.uniform(static_cast<float>(-wb), static_cast<float>(wb)));
  if (n.bias) {
    const double bb = 1.0 / std::sqrt(static_cast<double>(fan));
    for (std::int64_t k = 0; k < n.shape.c; ++k)
      p.bias.push_back(rng.uniform(static_cast<float>(-bb), static_cast<float>(bb)));
  }
  return p;
}

std::vector<NaiveTensor> naive_forward(const Graph& g, const Tensor& input,
                                       std::uint64_t weight_seed) {
  std::vector<NaiveTensor> v;
  for (NodeId id = 0; id < g.size(); ++id) {
    const Node& node = g[id];
    auto in = [&](std::size_t k) -> const NaiveTensor& {
      return v[static_cast<std::size_t>(node.inputs[k])];
    };
    NaiveTensor y(node.shape);
    if (node.op == Op::kInput) {
      NASWOT_CHECK(input.n == y.n && input.c == y.c && input.h == y.h && input.w == y.w);
      y.data.assign(input.data.begin(), input.data.end());
    } else if (node.inputs.empty() || node.op == Op::kZero) {
      // zeros: the `none` op, or a value the scoring reduction folded to zero
    } else {
      switch (node.op) {
        case Op::kConv:
          y = conv(g, id, in(0), weight_seed);
          break;
        case Op::kBatchNorm:
          y = batch_norm(in(0));
          break;
        case Op::kRelu:
          for (std::size_t k = 0; k < y.data.size(); ++k)
            y.data[k] = std::min(in(0).data[k] > 0.0 ? in(0).data[k] : 0.0, node.relu_max);
          break;
        case Op::kAvgPool:
        case Op::kMaxPool:
          y = pool(node, in(0));
          break;
        case Op::kAdd:
          for (std::size_t k = 0; k < node.inputs.size(); ++k)
            for (std::size_t e = 0; e < y.data.size(); ++e) y.data[e] += in(k).data[e];
          break;
        case Op::kConcat:
          y = concat(node, v);
          break;
        case Op::kGlobalAvgPool:
          y = global_avg_pool(node, in(0));
          break;
        case Op::kLinear:
          y = linear(g, id, in(0), weight_seed);
          break;
        case Op::kSlice:
          for (std::int64_t n = 0; n < y.n; ++n)
            for (std::int64_t c = 0; c < y.c; ++c)
              for (std::int64_t h = 0; h < y.h; ++h)
                for (std::int64_t w = 0; w < y.w; ++w) y.at(n, c, h, w) = in(0).at(n, c, h, w);
          break;
        case Op::kPad:  // y[h][w] = x[h - pad_t][w - pad_l], zero outside x
          for (std::int64_t n = 0; n < y.n; ++n)
            for (std::int64_t c = 0; c < y.c; ++c)
              for (std::int64_t h = 0; h < y.h; ++h)
                for (std::int64_t w = 0; w < y.w; ++w) {
                  const std::int64_t ih = h - node.window.pad_t, iw = w - node.window.pad_l;
                  if (ih >= 0 && ih < in(0).h && iw >= 0 && iw < in(0).w)
                    y.at(n, c, h, w) = in(0).at(n, c, ih, iw);
                }
          break;
        default:
          ADD_FAILURE() << "naive_forward: unexpected op " << engine::op_name(node.op);
      }
    }
    v.push_back(std::move(y));
  }
  return v;
}

std::vector<NaiveSite> naive_counted_sites(const Graph& g) {
  NASWOT_CHECK(g.output >= 0);
  // reaches[i]: node i's output is read, directly or not, by the output node.
  std::vector<bool> reaches(static_cast<std::size_t>(g.size()), false);
  std::vector<NodeId> stack = {g.output};
  while (!stack.empty()) {
    const NodeId id = stack.back();
    stack.pop_back();
    if (reaches[static_cast<std::size_t>(id)]) continue;
    reaches[static_cast<std::size_t>(id)] = true;
    for (NodeId in : g[id].inputs) stack.push_back(in);
  }
  std::vector<NaiveSite> sites;
  for (NodeId id = 0; id < g.size(); ++id) {
    if (g[id].op == Op::kRelu && g[id].site_weight > 0 && reaches[static_cast<std::size_t>(id)])
      sites.push_back({id, g[id].site_weight});
  }
  return sites;
}

std::vector<NaiveSite> naive_weighted_sites(const Graph& g) {
  std::vector<NaiveSite> sites;
  for (NodeId id = 0; id < g.size(); ++id) {
    if (g[id].op == Op::kRelu && g[id].site_weight > 0) sites.push_back({id, g[id].site_weight});
  }
  return sites;
}

std::int64_t naive_n_units(const Graph& g, const std::vector<NaiveSite>& sites) {
  std::int64_t total = 0;
  for (const NaiveSite& s : sites) total += s.weight * g[s.node].shape.per_image();
  return total;
}

std::vector<std::uint8_t> naive_signs(const Graph& g, const std::vector<NaiveTensor>& values,
                                      NodeId relu) {
  const Node& node = g[relu];
  NASWOT_CHECK(node.op == Op::kRelu);
  std::vector<std::uint8_t> bits(static_cast<std::size_t>(node.shape.n * node.shape.per_image()));
  if (node.inputs.empty()) return bits;
  const NaiveTensor& x = values[static_cast<std::size_t>(node.inputs[0])];
  for (std::size_t k = 0; k < bits.size(); ++k) bits[k] = x.data[k] > 0.0 ? 1 : 0;
  return bits;
}

std::vector<double> naive_kernel(const Graph& g, const std::vector<NaiveTensor>& values,
                                 const std::vector<NaiveSite>& sites) {
  NASWOT_CHECK(!values.empty());
  const std::int64_t n = values[0].n;
  std::vector<double> k(static_cast<std::size_t>(n * n), 0.0);
  for (const NaiveSite& s : sites) {
    const std::vector<std::uint8_t> bits = naive_signs(g, values, s.node);
    const std::int64_t units = g[s.node].shape.per_image();
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        std::int64_t same = 0;
        for (std::int64_t u = 0; u < units; ++u) {
          same += bits[static_cast<std::size_t>(i * units + u)] ==
                  bits[static_cast<std::size_t>(j * units + u)];
        }
        k[static_cast<std::size_t>(i * n + j)] += static_cast<double>(s.weight * same);
      }
    }
  }
  return k;
}

}  // namespace naswot::testing
