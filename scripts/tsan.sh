#!/usr/bin/env bash
# Builds the search-layer tests with ThreadSanitizer (clang, build/tsan) and runs the tests that
# score from several threads at once, each thread with one OpenMP thread. Multi-threaded OpenMP
# regions are left out: Debian's libomp is not built for TSan, so its barriers are invisible to
# it and every parallel region would be reported as a race.  Usage: scripts/tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD=${NASWOT_TSAN_BUILD:-build/tsan}
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
  -DNASWOT_BUILD_TESTS=ON >/dev/null
cmake --build "$BUILD" -j "${NASWOT_JOBS:-$(nproc)}" --target search_tests
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
"$BUILD/tests/search_tests" --gtest_filter='ConcurrentScoring.*:ScorePool.*'
