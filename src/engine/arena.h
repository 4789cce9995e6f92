// One growable, 2 MiB-aligned block of memory that every buffer of a plan lives in. Memory is
// touched once when the block grows (page faults cost ~11 µs per 4 KiB page on the project
// VMs, performance-notes.md), so running a plan never faults. Growing moves the block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace naswot::engine {

class Arena {
 public:
  // Makes sure at least `bytes` are available. Returns true if the block moved.
  bool reserve(std::size_t bytes);
  [[nodiscard]] char* base() const { return base_.get(); }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }
  [[nodiscard]] std::uint64_t generation() const { return generation_; }

 private:
  struct Free {
    void operator()(char* p) const;
  };
  std::unique_ptr<char, Free> base_;
  std::size_t bytes_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace naswot::engine
