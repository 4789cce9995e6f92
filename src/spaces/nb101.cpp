// NB101 encoding, sampling, mutation and network. The network is NASWOT's PyTorch port of
// the benchmark's model_builder (reference-semantics.md §3.3): stem ConvBnRelu 3x3, then
// `stacks` stacks of `cells_per_stack` cells, a 2x2 max pool before each stack after the
// first (which doubles the width), global average pool, linear. In a cell with widths vc
// (nb101_vertex_channels), vertex t sums its interior sources truncated to vc[t] channels and,
// last, the 1x1 ConvBnRelu projection of the cell input; the output concatenates the vertices
// feeding it and adds the projection of the cell input if the input feeds it. Every nn.ReLU
// (stem, conv vertices, projections) is one hook site; convs are drawn N(0, sqrt(2/(k^2 C_out))),
// the classifier N(0, 0.01) with bias 0, as the port's explicit init does (not bit-equal to
// torch's normal_; see graph.h WeightInit).
#include "naswot/spaces/nb101.h"

#include <fmt/format.h>

#include <algorithm>

#include "naswot/util/error.h"

namespace naswot::spaces {

namespace {

using engine::NodeId;
using engine::WeightInit;

// Genes of a spec: [V, upper-triangle bits, interior ops].
Arch genes_of(const Nb101Spec& s) {
  Arch arch = {s.n_vertices};
  for (std::int32_t i = 0; i < s.n_vertices; ++i)
    for (std::int32_t j = i + 1; j < s.n_vertices; ++j) arch.push_back(s.edge(i, j) ? 1 : 0);
  for (std::int32_t t = 1; t < s.n_vertices - 1; ++t) arch.push_back(s.ops[static_cast<size_t>(t)]);
  return arch;
}

// The same cell with 7 vertices: unconnected conv3x3-bn-relu vertices before the output.
Arch padded(const Arch& arch) {
  const Nb101Spec s = nb101_spec(arch);
  const std::int32_t v = s.n_vertices, n = Nb101Space::kMaxVertices;
  Nb101Spec p;
  p.n_vertices = n;
  p.matrix.assign(static_cast<std::size_t>(n * n), 0);
  auto moved = [&](std::int32_t i) { return i == v - 1 ? n - 1 : i; };
  for (std::int32_t i = 0; i < v; ++i)
    for (std::int32_t j = i + 1; j < v; ++j)
      p.matrix[static_cast<std::size_t>(moved(i) * n + moved(j))] = s.edge(i, j) ? 1 : 0;
  p.ops.assign(static_cast<std::size_t>(n), 0);
  for (std::int32_t i = 0; i < v; ++i)
    p.ops[static_cast<std::size_t>(moved(i))] = s.ops[static_cast<std::size_t>(i)];
  return genes_of(p);
}

// Why the spec is not a benchmark cell, or "" if it is one.
std::string invalid_reason(const Nb101Spec& spec) {
  const auto pruned = nb101_prune(spec);
  if (!pruned) return "input and output are not connected";
  if (pruned->n_edges() > Nb101Space::kMaxEdges) {
    return fmt::format("{} edges after pruning, at most {} allowed", pruned->n_edges(),
                       Nb101Space::kMaxEdges);
  }
  return "";
}

NodeId conv_bn_relu(engine::GraphBuilder& b, NodeId x, std::int64_t c_out, std::int64_t k) {
  const NodeId conv =
      b.conv(x, c_out, engine::square(k, 1, k / 2), WeightInit::kKaimingNormalFanOut);
  return b.relu(b.batch_norm(conv), 1);  // the inner nn.ReLU: one hook site
}

// The cell on x (c_in channels) with c_out output channels.
NodeId cell(engine::GraphBuilder& b, NodeId x, std::int64_t c_out, const Nb101Spec& g) {
  const std::int32_t v = g.n_vertices;
  const std::vector<std::int64_t> vc = nb101_vertex_channels(b.shape(x).c, c_out, g);
  if (v == 2) return conv_bn_relu(b, x, c_out, 1);  // only the input projection
  std::vector<NodeId> out(static_cast<std::size_t>(v), x);
  for (std::int32_t t = 1; t < v - 1; ++t) {
    const std::int64_t width = vc[static_cast<std::size_t>(t)];
    std::vector<NodeId> terms;
    for (std::int32_t src = 1; src < t; ++src) {
      if (!g.edge(src, t)) continue;
      NodeId term = out[static_cast<std::size_t>(src)];
      // Truncate: keep the first `width` channels; the port allows exactly one extra.
      NASWOT_CHECK(b.shape(term).c == width || b.shape(term).c == width + 1);
      if (b.shape(term).c != width) term = b.slice(term, width);
      terms.push_back(term);
    }
    if (g.edge(0, t)) terms.push_back(conv_bn_relu(b, x, width, 1));
    NASWOT_CHECK(!terms.empty());
    const NodeId in = terms.size() == 1 ? terms[0] : b.add(terms);
    const std::int32_t op = g.ops[static_cast<std::size_t>(t)];
    out[static_cast<std::size_t>(t)] = op == 2 ? b.max_pool(in, engine::square(3, 1, 1))
                                               : conv_bn_relu(b, in, width, op == 0 ? 3 : 1);
  }
  std::vector<NodeId> feeders;
  for (std::int32_t t = 1; t < v - 1; ++t)
    if (g.edge(t, v - 1)) feeders.push_back(out[static_cast<std::size_t>(t)]);
  NASWOT_CHECK(!feeders.empty());
  NodeId y = feeders.size() == 1 ? feeders[0] : b.concat(feeders);
  if (g.edge(0, v - 1)) {
    // Out of place: the reference's `+=` here breaks autograd when y is a conv's ReLU output.
    const NodeId terms[] = {y, conv_bn_relu(b, x, c_out, 1)};
    y = b.add(terms);
  }
  return y;
}

}  // namespace

Nb101Space::Nb101Space(std::int64_t stem_channels, std::int64_t stacks,
                       std::int64_t cells_per_stack)
    : stem_channels_(stem_channels), stacks_(stacks), cells_per_stack_(cells_per_stack) {
  if (stem_channels < 5) {
    throw InputError(fmt::format("stem channels {}", stem_channels),
                     "must be at least 5 (a cell splits its width over up to 5 vertices)");
  }
  if (stacks < 1 || cells_per_stack < 1) {
    throw InputError(fmt::format("{} stacks x {} cells", stacks, cells_per_stack),
                     "need at least one of each");
  }
}

std::unique_ptr<const SearchSpace> Nb101Space::create(SpaceOptions& options) {
  const std::int64_t stem = options.take_int("stem", 5, 4096).value_or(16);
  const std::int64_t stacks = options.take_int("stacks", 1, 100).value_or(3);
  return std::make_unique<Nb101Space>(stem, stacks, options.take_int("cells", 1, 100).value_or(3));
}

Arch Nb101Space::parse(std::string_view text) const {
  const std::string input(text);
  auto fail = [&](const std::string& problem) -> InputError {
    return InputError(input, problem +
                                 " (expected ADJ|OPS: V*V adjacency 0/1 characters, then V "
                                 "comma-separated ops from input to output)");
  };
  const std::size_t bar = text.find('|');
  if (bar == std::string_view::npos) throw fail("no '|' between adjacency and ops");
  const std::string_view adj = text.substr(0, bar), op_list = text.substr(bar + 1);
  std::vector<std::string_view> names;
  for (std::size_t pos = 0;;) {
    const std::size_t comma = op_list.find(',', pos);
    names.push_back(op_list.substr(pos, comma == std::string_view::npos ? comma : comma - pos));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  const auto v = static_cast<std::int32_t>(names.size());
  if (v < 2 || v > kMaxVertices) throw fail(fmt::format("{} ops, expected 2 to 7", v));
  if (adj.size() != static_cast<std::size_t>(v * v)) {
    throw fail(
        fmt::format("adjacency has {} characters, expected {} for {} ops", adj.size(), v * v, v));
  }
  Nb101Spec spec;
  spec.n_vertices = v;
  for (std::int32_t k = 0; k < v * v; ++k) {
    const char c = adj[static_cast<std::size_t>(k)];
    if (c != '0' && c != '1') throw fail(fmt::format("adjacency character '{}' is not 0 or 1", c));
    if (c == '1' && k / v >= k % v) {
      throw fail(fmt::format("edge {} -> {} is not upper-triangular", k / v, k % v));
    }
    spec.matrix.push_back(c == '1' ? 1 : 0);
  }
  for (std::int32_t t = 0; t < v; ++t) {
    const std::string_view name = names[static_cast<std::size_t>(t)];
    const std::string_view want = t == 0 ? "input" : t == v - 1 ? "output" : "";
    if (!want.empty()) {
      if (name != want) throw fail(fmt::format("op {} is '{}', must be '{}'", t, name, want));
      spec.ops.push_back(t == 0 ? kNb101Input : kNb101Output);
      continue;
    }
    const auto it = std::find(kOps.begin(), kOps.end(), name);
    if (it == kOps.end()) {
      throw fail(
          fmt::format("unknown op '{}' (known: conv3x3-bn-relu, conv1x1-bn-relu, "
                      "maxpool3x3)",
                      name));
    }
    spec.ops.push_back(static_cast<std::int32_t>(it - kOps.begin()));
  }
  if (const std::string why = invalid_reason(spec); !why.empty()) throw fail(why);
  return genes_of(spec);
}

std::string Nb101Space::format(const Arch& arch) const {
  const Nb101Spec s = nb101_spec(arch);
  std::string text;
  for (std::uint8_t e : s.matrix) text += e ? '1' : '0';
  for (std::int32_t t = 0; t < s.n_vertices; ++t) {
    text += t == 0 ? "|" : ",";
    const std::int32_t op = s.ops[static_cast<std::size_t>(t)];
    text += op == kNb101Input    ? "input"
            : op == kNb101Output ? "output"
                                 : kOps[static_cast<std::size_t>(op)];
  }
  return text;
}

std::string Nb101Space::hash(const Arch& arch) const {
  const auto pruned = nb101_prune(nb101_spec(arch));
  NASWOT_CHECK(pruned.has_value());
  return nb101_hash(*pruned);
}

Arch Nb101Space::sample(Rng& rng) const {
  for (;;) {
    Arch arch = {kMaxVertices};
    for (std::int32_t k = 0; k < kMaxVertices * (kMaxVertices - 1) / 2; ++k)
      arch.push_back(static_cast<std::int32_t>(rng.below(2)));
    for (std::int32_t t = 1; t < kMaxVertices - 1; ++t)
      arch.push_back(static_cast<std::int32_t>(rng.below(kOps.size())));
    if (invalid_reason(nb101_spec(arch)).empty()) return arch;
  }
}

Arch Nb101Space::mutate(const Arch& given, Rng& rng) const {
  const std::string from = hash(given);
  // Smaller cells are first padded to 7 vertices with unconnected conv3x3 vertices (the same
  // network), so that even input -> output alone has neighbours.
  const Arch arch = padded(given);
  const std::int32_t v = arch[0];
  const std::size_t first_op = 1 + static_cast<std::size_t>(v * (v - 1) / 2);
  std::vector<Arch> valid, changed;  // single edits: valid ones, and those changing the hash
  auto consider = [&](Arch next) {
    if (!invalid_reason(nb101_spec(next)).empty()) return;
    if (hash(next) != from) changed.push_back(next);
    valid.push_back(std::move(next));
  };
  for (std::size_t g = 1; g < arch.size(); ++g) {
    if (g < first_op) {
      Arch next = arch;
      next[g] = 1 - next[g];
      consider(std::move(next));
      continue;
    }
    for (std::int32_t op = 0; op < static_cast<std::int32_t>(kOps.size()); ++op) {
      if (op == arch[g]) continue;
      Arch next = arch;
      next[g] = op;
      consider(std::move(next));
    }
  }
  const std::vector<Arch>& pool = changed.empty() ? valid : changed;
  NASWOT_CHECK(!pool.empty());  // changing an op never breaks validity (if V > 2)
  return pool[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(pool.size())))];
}

engine::Graph Nb101Space::build(const Arch& arch, const NetShape& shape) const {
  const auto spec = nb101_prune(nb101_spec(arch));
  NASWOT_CHECK(spec.has_value());
  engine::GraphBuilder b;
  NodeId x = b.input({shape.batch, 3, shape.image_size, shape.image_size});
  x = conv_bn_relu(b, x, stem_channels_, 3);
  std::int64_t c = stem_channels_;
  for (std::int64_t stack = 0; stack < stacks_; ++stack) {
    if (stack > 0) {
      x = b.max_pool(x, engine::square(2, 2, 0));
      c *= 2;
    }
    for (std::int64_t k = 0; k < cells_per_stack_; ++k) x = cell(b, x, c, *spec);
  }
  const NodeId logits =
      b.linear(b.global_avg_pool(x), shape.classes, /*bias=*/true, WeightInit::kNormal001);
  return std::move(b).finish(logits);
}

}  // namespace naswot::spaces
