// Pure Graph -> Graph rewrites that turn a network as the reference builds it into the
// smallest graph that yields the same sign codes (reference-semantics.md §1.2-1.4):
//  - a ReLU site counts only if its output reaches the network output; a `none` (zero) edge
//    does not cut that path (the reference multiplies by 0, which autograd still traverses);
//  - values that are identically zero (zero ops and everything computed only from them) are
//    folded; a counted site on a zero tensor records all-zero bits;
//  - sums with one remaining term forward that term; ReLUs of the same tensor merge, their
//    site weights adding up (a tensor seen by m sites is counted m times);
//  - nodes whose values reach no counted site are dropped (the head, the logits).
#pragma once

#include "naswot/engine/graph.h"

namespace naswot::engine {

struct ScoringGraphOptions {
  bool keep_output = false;  // also compute the network output (tests, latency)
};

// Returns the graph reduced for scoring. Conv/linear nodes keep their rng_offset, so initial
// weights do not depend on what was dropped. A counted ReLU site whose input is identically
// zero has no inputs in the result. Its output node id is -1 unless keep_output.
[[nodiscard]] Graph reduce_for_scoring(const Graph& g, const ScoringGraphOptions& options = {});

// The counted-site liveness rule alone: ReLU sites whose output does not reach g.output get
// site_weight 0. Exposed for tests.
[[nodiscard]] Graph drop_dead_sites(const Graph& g);

}  // namespace naswot::engine
