#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (ASan + UBSan, build/fuzz) and runs each for
# SECONDS (default 60) on a scratch copy of its seed corpus in fuzz/corpus/<target>/. Fails if
# any target crashes; the crashing input is kept as build/fuzz/artifacts/<target>-crash-*.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]      (targets: arch_parse table cifar image_folder
# scan_store; default all). New inputs found stay in the scratch copy, not in the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then TARGETS=(arch_parse table cifar image_folder scan_store); fi
bash scripts/install-deps.sh
BUILD=${NASWOT_FUZZ_BUILD:-build/fuzz}
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNASWOT_FUZZ=ON -DNASWOT_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "${NASWOT_JOBS:-$(nproc)}" --target fuzz_all

# Per-target input size limits: a few CIFAR records, a small image, short text.
declare -A MAX_LEN=([arch_parse]=512 [table]=4096 [cifar]=12800 [image_folder]=8192
                    [scan_store]=4096)
# Scratch files (each input is written to a file) on tmpfs when there is one: the scan store
# fdatasyncs, which on a disk would bound the run to a few hundred inputs a second.
if [ -z "${TMPDIR:-}" ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$BUILD/artifacts"
failed=()
for t in "${TARGETS[@]}"; do
  work=$(mktemp -d)
  cp -r "fuzz/corpus/$t/." "$work/"
  echo "== $t: ${SECS}s from $(ls "$work" | wc -l) seeds"
  if "$BUILD/fuzz/${t}_fuzz" -max_total_time="$SECS" -timeout=30 -rss_limit_mb=4096 \
       -max_len="${MAX_LEN[$t]}" -print_final_stats=1 \
       -artifact_prefix="$BUILD/artifacts/$t-" "$work" >"$BUILD/artifacts/$t.log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^Done" "$BUILD/artifacts/$t.log" || true
  else
    echo "!! $t crashed; log: $BUILD/artifacts/$t.log"
    tail -40 "$BUILD/artifacts/$t.log"
    failed+=("$t")
  fi
  rm -rf "$work"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#TARGETS[@]} targets ran ${SECS}s each without a crash"
