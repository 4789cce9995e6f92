// Synthetic fitness for search tests: cheap functions of NB201 genes (op ids: 0 none,
// 1 skip_connect, 2 nor_conv_1x1, 3 nor_conv_3x3, 4 avg_pool_3x3), and a loop that drives an
// ask/tell search with one.
#pragma once

#include <cstdint>
#include <functional>

#include "naswot/search/searcher.h"
#include "naswot/spaces/space.h"

namespace naswot::search::testing {

// Number of conv edges (1x1 or 3x3): 0..6, the optimum 6 is reached by 2^6 architectures.
inline double conv_edges(const spaces::Arch& arch) {
  double n = 0;
  for (std::int32_t op : arch) n += (op == 2 || op == 3) ? 1 : 0;
  return n;
}

// 10 per 3x3 conv edge + 1 per 1x1 conv edge: a unique optimum (all 3x3) of 60.
inline double graded(const spaces::Arch& arch) {
  double f = 0;
  for (std::int32_t op : arch) f += op == 3 ? 10 : op == 2 ? 1 : 0;
  return f;
}

// Asks and tells `trainings` times with fitness f, the way an external training loop would.
inline void drive(Searcher& s, const std::function<double(const spaces::Arch&)>& f,
                  std::int64_t trainings) {
  for (std::int64_t i = 0; i < trainings; ++i) {
    const spaces::Arch arch = s.ask();
    s.tell(arch, f(arch));
  }
}

}  // namespace naswot::search::testing
