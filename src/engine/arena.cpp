#include "engine/arena.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace naswot::engine {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
// Address space only (PROT_NONE, not committed): far more than any plan here needs.
constexpr std::size_t kRange = std::size_t{64} << 30;
std::size_t round_up(std::size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
}  // namespace

Arena::~Arena() {
  if (mapping_start_ != nullptr) ::munmap(mapping_start_, mapped_ + kHugePage);
}

bool Arena::reserve(std::size_t bytes) {
  if (bytes <= bytes_) return false;
  const std::size_t want = round_up(bytes);
  bool moved = false;
  if (want > mapped_) {  // first use, or larger than the whole range: map a new one
    if (mapping_start_ != nullptr) ::munmap(mapping_start_, mapped_ + kHugePage);
    mapped_ = std::max(kRange, round_up(want * 2));
    void* p = ::mmap(nullptr, mapped_ + kHugePage, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      mapping_start_ = base_ = nullptr;
      bytes_ = mapped_ = 0;
      throw std::bad_alloc();
    }
    mapping_start_ = static_cast<char*>(p);
    const auto addr = reinterpret_cast<std::uintptr_t>(p);
    base_ = mapping_start_ + (round_up(addr) - addr);
    bytes_ = 0;
    moved = generation_ > 0;
    ++generation_;
  }
  char* grow = base_ + bytes_;
  const std::size_t extra = want - bytes_;
  if (::mprotect(grow, extra, PROT_READ | PROT_WRITE) != 0) throw std::bad_alloc();
  ::madvise(grow, extra, MADV_HUGEPAGE);
  std::memset(grow, 0, extra);  // touch every new page now, not during a run
  bytes_ = want;
  return moved;
}

}  // namespace naswot::engine
