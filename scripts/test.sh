#!/usr/bin/env bash
# Installs the dependencies, builds the whole test suite with AddressSanitizer and
# UndefinedBehaviorSanitizer (Debug), and runs it with ctest. Usage: scripts/test.sh [ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD=${NASWOT_TEST_BUILD:-build/asan}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNASWOT_SANITIZE=ON -DNASWOT_BUILD_TESTS=ON >/dev/null
cmake --build "$BUILD" -j "$(nproc)"
# oneDNN's JIT code and OpenMP runtime are not instrumented; leak checks on their pools are noise.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$BUILD" --output-on-failure -j 2 "$@"
