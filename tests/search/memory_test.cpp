// Memory estimates: the extrapolated arena matches a real prepare, the shape bound is above the
// measurement, and impossible batch sizes are refused with the amount they would need.
#include "naswot/search/memory.h"

#include <gtest/gtest.h>

#include "naswot/engine/executor.h"
#include "naswot/engine/passes.h"
#include "naswot/spaces/nb201.h"
#include "naswot/util/error.h"

namespace naswot::search {
namespace {

constexpr const char* kAllConv =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~"
    "2|";

std::int64_t real_arena(const spaces::SearchSpace& space, const spaces::Arch& arch,
                        spaces::NetShape shape, const ScorerOptions& options) {
  engine::Executor ex(options.executor);
  return ex.prepare(engine::reduce_for_scoring(space.build(arch, shape))).arena_bytes();
}

TEST(MemoryEstimate, ExtrapolatedArenaMatchesARealPrepare) {
  const spaces::Nb201Space space;
  ScorerOptions options;
  options.executor.threads = 1;
  for (const spaces::Arch& arch : {space.parse(kAllConv), space.at(7812), space.at(15624)}) {
    spaces::NetShape shape;
    shape.batch = 24;
    const std::int64_t real = real_arena(space, arch, shape, options);
    const MemoryEstimate e = estimate_scoring_memory(space, arch, shape, options);
    EXPECT_NEAR(static_cast<double>(e.arena_bytes), static_cast<double>(real), 0.05 * real)
        << space.format(arch);
    EXPECT_GE(bound_scoring_memory(space, arch, shape).total(), e.total()) << space.format(arch);
    EXPECT_EQ(e.kernel_bytes, 16 * 24 * 24);
    EXPECT_EQ(e.batch_bytes, 24 * 3 * 32 * 32 * 4);
  }
}

TEST(MemoryEstimate, LargestNb201ArchIsTheAllConvCell) {
  const spaces::Nb201Space space;
  EXPECT_EQ(space.format(largest_arch(space)), kAllConv);
  spaces::NetShape shape;
  const std::int64_t biggest = bound_scoring_memory(space, largest_arch(space), shape).total();
  for (std::int64_t i = 0; i < 15625; i += 97) {
    EXPECT_LE(bound_scoring_memory(space, space.at(i), shape).total(), biggest) << i;
  }
}

TEST(MemoryEstimate, RefusesABatchBeyondThisMachineSayingHowMuch) {
  const spaces::Nb201Space space;
  EXPECT_NO_THROW(check_batch_memory(space, 128, 32, {}, "--batch-size 128"));
  try {
    check_batch_memory(space, 2'000'000, 32, {}, "--batch-size 2000000");
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("--batch-size 2000000: needs about ", 0), 0u) << msg;
    EXPECT_NE(msg.find("GiB of memory; this machine has "), std::string::npos) << msg;
  }
  EXPECT_GT(physical_memory_bytes(), std::int64_t{1} << 28);
}

}  // namespace
}  // namespace naswot::search
