#include "engine/arena.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace naswot::engine {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}

void Arena::Free::operator()(char* p) const { std::free(p); }

bool Arena::reserve(std::size_t bytes) {
  if (bytes <= bytes_) return false;
  // Grow by at least 1.5x so a sequence of slightly larger plans does not re-fault each time.
  std::size_t want = std::max(bytes, bytes_ + bytes_ / 2);
  want = (want + kHugePage - 1) / kHugePage * kHugePage;
  base_.reset();
  char* p = static_cast<char*>(std::aligned_alloc(kHugePage, want));
  if (p == nullptr) throw std::bad_alloc();
  ::madvise(p, want, MADV_HUGEPAGE);
  std::memset(p, 0, want);  // touch every page now, not during a run
  base_.reset(p);
  bytes_ = want;
  ++generation_;
  return true;
}

}  // namespace naswot::engine
