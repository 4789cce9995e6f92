// NAS-Bench-101 cell graphs, independent of any network (../shared/docs/spaces.md §2.1-2.4):
// ModelSpec's pruning (keep the vertices on some input-to-output path), the module hash of
// graph_util.hash_module (a Weisfeiler-Lehman-style refinement of MD5 vertex labels, so
// isomorphic cells hash alike), and compute_vertex_channels (the output width is split over
// the vertices feeding the output; other vertices take the widest of their successors).
#include <fmt/format.h>

#include <algorithm>

#include "naswot/spaces/nb101.h"
#include "naswot/util/error.h"
#include "naswot/util/md5.h"

namespace naswot::spaces {

std::int32_t Nb101Spec::n_edges() const {
  return static_cast<std::int32_t>(std::count(matrix.begin(), matrix.end(), 1));
}

Nb101Spec nb101_spec(const Arch& arch) {
  NASWOT_CHECK(!arch.empty());
  const std::int32_t v = arch[0];
  NASWOT_CHECK(v >= 2 && v <= Nb101Space::kMaxVertices);
  NASWOT_CHECK(arch.size() == static_cast<std::size_t>(1 + v * (v - 1) / 2 + (v - 2)));
  Nb101Spec s;
  s.n_vertices = v;
  s.matrix.assign(static_cast<std::size_t>(v * v), 0);
  std::size_t gene = 1;
  for (std::int32_t i = 0; i < v; ++i) {
    for (std::int32_t j = i + 1; j < v; ++j) {
      NASWOT_CHECK(arch[gene] == 0 || arch[gene] == 1);
      s.matrix[static_cast<std::size_t>(i * v + j)] = static_cast<std::uint8_t>(arch[gene++]);
    }
  }
  s.ops.push_back(kNb101Input);
  for (std::int32_t t = 1; t < v - 1; ++t) {
    NASWOT_CHECK(arch[gene] >= 0 &&
                 arch[gene] < static_cast<std::int32_t>(Nb101Space::kOps.size()));
    s.ops.push_back(arch[gene++]);
  }
  s.ops.push_back(kNb101Output);
  return s;
}

std::optional<Nb101Spec> nb101_prune(const Nb101Spec& spec) {
  const std::int32_t v = spec.n_vertices;
  // Vertices are topologically ordered (edges go up), so one sweep each way suffices.
  std::vector<bool> from_input(static_cast<std::size_t>(v), false), to_output = from_input;
  from_input[0] = true;
  for (std::int32_t j = 1; j < v; ++j)
    for (std::int32_t i = 0; i < j; ++i)
      if (from_input[static_cast<std::size_t>(i)] && spec.edge(i, j))
        from_input[static_cast<std::size_t>(j)] = true;
  to_output[static_cast<std::size_t>(v - 1)] = true;
  for (std::int32_t i = v - 2; i >= 0; --i)
    for (std::int32_t j = i + 1; j < v; ++j)
      if (to_output[static_cast<std::size_t>(j)] && spec.edge(i, j))
        to_output[static_cast<std::size_t>(i)] = true;
  std::vector<std::int32_t> keep;
  for (std::int32_t i = 0; i < v; ++i)
    if (from_input[static_cast<std::size_t>(i)] && to_output[static_cast<std::size_t>(i)])
      keep.push_back(i);
  if (keep.empty()) return std::nullopt;  // input and output not connected
  Nb101Spec out;
  out.n_vertices = static_cast<std::int32_t>(keep.size());
  for (std::int32_t i : keep) {
    for (std::int32_t j : keep) out.matrix.push_back(spec.edge(i, j) ? 1 : 0);
    out.ops.push_back(spec.ops[static_cast<std::size_t>(i)]);
  }
  return out;
}

std::string nb101_hash(const Nb101Spec& g) {
  const std::int32_t v = g.n_vertices;
  std::vector<std::string> h;
  for (std::int32_t i = 0; i < v; ++i) {
    std::int32_t in = 0, out = 0;
    for (std::int32_t k = 0; k < v; ++k) {
      in += g.edge(k, i) ? 1 : 0;
      out += g.edge(i, k) ? 1 : 0;
    }
    // Python's printing of the tuple (out_degree, in_degree, label).
    h.push_back(md5_hex(fmt::format("({}, {}, {})", out, in, g.ops[static_cast<std::size_t>(i)])));
  }
  for (std::int32_t round = 0; round < v; ++round) {
    std::vector<std::string> next;
    for (std::int32_t i = 0; i < v; ++i) {
      std::vector<std::string> ins, outs;
      for (std::int32_t k = 0; k < v; ++k) {
        if (g.edge(k, i)) ins.push_back(h[static_cast<std::size_t>(k)]);
        if (g.edge(i, k)) outs.push_back(h[static_cast<std::size_t>(k)]);
      }
      std::sort(ins.begin(), ins.end());
      std::sort(outs.begin(), outs.end());
      std::string text;
      for (const std::string& s : ins) text += s;
      text += '|';
      for (const std::string& s : outs) text += s;
      text += '|' + h[static_cast<std::size_t>(i)];
      next.push_back(md5_hex(text));
    }
    h = std::move(next);
  }
  std::sort(h.begin(), h.end());
  // Python's printing of the sorted list of hex strings.
  std::string list = "[";
  for (std::size_t i = 0; i < h.size(); ++i) list += (i ? ", '" : "'") + h[i] + "'";
  return md5_hex(list + "]");
}

std::vector<std::int64_t> nb101_vertex_channels(std::int64_t c_in, std::int64_t c_out,
                                                const Nb101Spec& g) {
  const std::int32_t v = g.n_vertices;
  std::vector<std::int64_t> vc(static_cast<std::size_t>(v), 0);
  vc[0] = c_in;
  vc[static_cast<std::size_t>(v - 1)] = c_out;
  if (v == 2) return vc;
  std::int64_t feeders = 0;  // interior vertices with an edge to the output
  for (std::int32_t t = 1; t < v - 1; ++t) feeders += g.edge(t, v - 1) ? 1 : 0;
  NASWOT_CHECK(feeders > 0);
  std::int64_t extra = c_out % feeders;  // the first `extra` feeders get one more channel
  for (std::int32_t t = 1; t < v - 1; ++t) {
    if (!g.edge(t, v - 1)) continue;
    vc[static_cast<std::size_t>(t)] = c_out / feeders + (extra > 0 ? 1 : 0);
    extra -= extra > 0 ? 1 : 0;
  }
  for (std::int32_t t = v - 3; t >= 1; --t) {
    if (g.edge(t, v - 1)) continue;
    for (std::int32_t dst = t + 1; dst < v - 1; ++dst) {
      if (g.edge(t, dst))
        vc[static_cast<std::size_t>(t)] =
            std::max(vc[static_cast<std::size_t>(t)], vc[static_cast<std::size_t>(dst)]);
    }
  }
  for (std::int32_t t = 1; t < v - 1; ++t) NASWOT_CHECK(vc[static_cast<std::size_t>(t)] > 0);
  return vc;
}

}  // namespace naswot::spaces
