// Scoring reduction, in one forward and one backward sweep over the topological order:
// liveness of sites (reverse reachability over every edge, zero edges included), zero
// folding, forwarding of single-term sums, merging of ReLUs of one tensor, and pruning of
// values no counted site needs. See passes.h for the rules and reference-semantics.md §1.4.
#include "naswot/engine/passes.h"

#include <map>
#include <utility>

#include "naswot/util/error.h"

namespace naswot::engine {

Graph drop_dead_sites(const Graph& g) {
  Graph out = g;
  std::vector<bool> reaches(g.nodes.size(), false);
  if (g.output >= 0) reaches[static_cast<size_t>(g.output)] = true;
  for (std::int64_t i = g.size() - 1; i >= 0; --i) {
    if (!reaches[static_cast<size_t>(i)]) continue;
    for (NodeId in : g.nodes[static_cast<size_t>(i)].inputs)
      reaches[static_cast<size_t>(in)] = true;
  }
  for (std::size_t i = 0; i < out.nodes.size(); ++i) {
    if (out.nodes[i].op == Op::kRelu && !reaches[i]) out.nodes[i].site_weight = 0;
  }
  return out;
}

namespace {

bool is_zero_value(const Graph& g, std::size_t i, const std::vector<bool>& zero) {
  const Node& n = g.nodes[i];
  switch (n.op) {
    case Op::kInput:
      return false;
    case Op::kZero:
      return true;
    case Op::kAdd:
    case Op::kConcat:
      for (NodeId in : n.inputs) {
        if (!zero[static_cast<size_t>(in)]) return false;
      }
      return true;
    case Op::kConv:
    case Op::kLinear:
      return !n.bias && zero[static_cast<size_t>(n.inputs[0])];
    default:
      return zero[static_cast<size_t>(n.inputs[0])];  // BN(0)=0 because β=0 at init
  }
}

}  // namespace

Graph reduce_for_scoring(const Graph& input, const ScoringGraphOptions& options) {
  const Graph g = drop_dead_sites(input);
  const std::size_t n = g.nodes.size();
  std::vector<bool> zero(n, false);
  std::vector<NodeId> alias(n, -1);  // forwarded to this earlier node
  std::vector<std::vector<NodeId>> inputs(n);
  std::vector<std::int32_t> weight(n, 0);
  // (resolved input, clip) -> canonical ReLU: a ReLU and a ReLU6 of one tensor share their sign
  // bits but not their outputs.
  std::map<std::pair<NodeId, double>, NodeId> relu_of;
  auto resolve = [&](NodeId x) {
    return alias[static_cast<size_t>(x)] >= 0 ? alias[static_cast<size_t>(x)] : x;
  };

  for (std::size_t i = 0; i < n; ++i) {
    const Node& node = g.nodes[i];
    zero[i] = is_zero_value(g, i, zero);
    for (NodeId in : node.inputs) {
      const NodeId r = resolve(in);
      if (node.op == Op::kAdd && zero[static_cast<size_t>(r)]) continue;  // x + 0 = x
      inputs[i].push_back(r);
    }
    if (node.op == Op::kAdd && inputs[i].size() == 1) alias[i] = inputs[i][0];
    if (node.op == Op::kRelu) {
      auto [it, fresh] = relu_of.try_emplace({inputs[i][0], node.relu_max}, static_cast<NodeId>(i));
      if (!fresh) alias[i] = it->second;
      weight[static_cast<size_t>(it->second)] += node.site_weight;
    }
  }

  // Backward sweep: which values must be materialised.
  std::vector<bool> need(n, false), site(n, false);
  if (options.keep_output && g.output >= 0) need[static_cast<size_t>(resolve(g.output))] = true;
  for (std::int64_t s = static_cast<std::int64_t>(n) - 1; s >= 0; --s) {
    const auto i = static_cast<std::size_t>(s);
    if (alias[i] >= 0) continue;
    if (g.nodes[i].op == Op::kRelu && weight[i] > 0) {
      site[i] = true;
      if (!zero[i]) need[static_cast<size_t>(inputs[i][0])] = true;
    }
    if (need[i] && !zero[i]) {
      for (NodeId in : inputs[i]) need[static_cast<size_t>(in)] = true;
    }
  }

  Graph out;
  out.given_weights = g.given_weights;
  std::vector<NodeId> new_id(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (alias[i] >= 0 || !(need[i] || site[i])) continue;
    Node node = g.nodes[i];
    node.inputs.clear();
    if (node.op == Op::kRelu) node.site_weight = weight[i];
    if (zero[i]) {
      // A site on zeros keeps its bits (all 0); any other zero value becomes a zero op.
      if (node.op != Op::kRelu || node.site_weight == 0) node.op = Op::kZero;
    } else {
      for (NodeId in : inputs[i]) {
        NASWOT_CHECK(new_id[static_cast<size_t>(in)] >= 0);
        node.inputs.push_back(new_id[static_cast<size_t>(in)]);
      }
    }
    new_id[i] = static_cast<NodeId>(out.nodes.size());
    out.nodes.push_back(std::move(node));
  }
  out.output =
      options.keep_output && g.output >= 0 ? new_id[static_cast<size_t>(resolve(g.output))] : -1;
  return out;
}

}  // namespace naswot::engine
