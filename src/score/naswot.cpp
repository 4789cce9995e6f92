// The NASWOT score of one batch's sign codes: log|det K| (reference-semantics.md §1.6).
#include "naswot/score/naswot.h"

namespace naswot::score {

double naswot_score(const engine::SignCodes& codes) {
  return log_abs_det(hamming_kernel(codes), codes.n_images);
}

}  // namespace naswot::score
