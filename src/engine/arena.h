// One growable, 2 MiB-aligned block of memory that every buffer of a plan lives in. Memory is
// touched once when the block grows (page faults cost ~11 µs per 4 KiB page on the project
// VMs, performance-notes.md), so running a plan never faults. The block sits at the start of a
// large reserved address range and grows in place, so growing touches only the new pages and
// keeps the contents; it moves only when a request outgrows the whole range.
#pragma once

#include <cstddef>
#include <cstdint>

namespace naswot::engine {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena();

  // Makes sure at least `bytes` are available. Returns true if the block moved (its contents
  // are then lost and generation() changes).
  bool reserve(std::size_t bytes);
  [[nodiscard]] char* base() const { return base_; }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }
  [[nodiscard]] std::uint64_t generation() const { return generation_; }

 private:
  char* base_ = nullptr;           // mapping_start_ rounded up to a huge page
  std::size_t bytes_ = 0;          // usable (read-write, touched)
  std::size_t mapped_ = 0;         // reserved range from base_, inaccessible beyond bytes_
  char* mapping_start_ = nullptr;  // the mmap: mapped_ plus a huge page of alignment slack
  std::uint64_t generation_ = 0;
};

}  // namespace naswot::engine
