#!/usr/bin/env bash
# Runs every speed benchmark quoted in BENCHMARKS.md (Release build, benchmarks on) and writes
# the raw outputs to OUT_DIR (default /tmp/naswot-bench). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/naswot-bench}
mkdir -p "$OUT"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DNASWOT_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build/release
DATA=${NASWOT_CIFAR10:-../shared/data/cifar10}
NASWOT_CIFAR10=$DATA build/release/bench/search_bench --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_out="$OUT/search_bench.json" \
  --benchmark_out_format=json | tee "$OUT/search_bench.txt"
build/release/bench/score_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  | tee "$OUT/score_bench.txt"
for p in f32 bf16; do
  for jt in "1 2" "2 1"; do
    set -- $jt
    echo "== search --samples 100 --precision $p --jobs $1 --threads $2" | tee -a "$OUT/search_cli.txt"
    for s in 1 2 3 4 5; do
      /usr/bin/time -f "wall %e s, peak RSS %M KB" build/release/naswot search --space nb201 \
        --samples 100 --seed "$s" --data "cifar10:$DATA" --precision "$p" --jobs "$1" \
        --threads "$2" -q 2>&1 | tail -1 | tee -a "$OUT/search_cli.txt"
    done
  done
done
NASWOT_CIFAR10=$DATA build/release/bench/bf16_signs_bench | tee "$OUT/bf16_signs.txt"
