#!/usr/bin/env bash
# Times `naswot search --samples 100` end to end (start-up and data loading included) on
# CIFAR-10, REPS times, and prints each wall time and peak RSS, then the median.
# Usage: bench/scripts/time_search.sh [BUILD_DIR] [REPS]   (env NASWOT_DATA: the cifar10 path)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build/release}
REPS=${2:-5}
DATA=${NASWOT_DATA:-../shared/data/cifar10}
BIN="$BUILD/naswot"
[ -x "$BIN" ] || { echo "time_search.sh: $BIN: not built (cmake --build $BUILD)" >&2; exit 2; }
times=()
for i in $(seq 1 "$REPS"); do
  out=$( { /usr/bin/time -f "%e %M" "$BIN" search --space nb201 --samples 100 --seed "$i" \
          --data "cifar10:$DATA" -q >/dev/null; } 2>&1 | tail -1)
  set -- $out
  echo "run $i: wall ${1} s, peak RSS $(( $2 / 1024 )) MiB"
  times+=("$1")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median wall: " a[int((NR+1)/2)] " s over " NR " runs"}'
