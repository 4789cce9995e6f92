#!/usr/bin/env bash
# Scores well-known DARTS-family genotypes (../shared/docs/spaces.md §4.3) at C=16 L=8 on
# CIFAR-10 (batch 128, seed 1) and prints one markdown table row per genotype:
# | genotype | score | N_A | seconds |. Usage: repro/darts.sh [naswot binary] [cifar10 dir]
set -euo pipefail
B=${1:-build/release/naswot}
DATA=${2:-../shared/data/cifar10}
SHAPE=${SHAPE:-C=16 L=8}

g() {  # name, normal, normal_concat, reduce, reduce_concat (pairs as "op input, op input")
  python3 - "$@" <<'PY'
import sys
name, normal, nc, reduce_, rc = sys.argv[1:6]
pairs = lambda s: ", ".join("('%s', %s)" % tuple(p.split()) for p in s.split(","))
print("%s\tGenotype(normal=[%s], normal_concat=[%s], reduce=[%s], reduce_concat=[%s])"
      % (name, pairs(normal), nc, pairs(reduce_), rc))
PY
}

PNAS="sep_conv_5x5 0, max_pool_3x3 0, sep_conv_7x7 1, max_pool_3x3 1, sep_conv_5x5 1, sep_conv_3x3 1, sep_conv_3x3 4, max_pool_3x3 1, sep_conv_3x3 0, skip_connect 1"
{
  g DARTS_V2 "sep_conv_3x3 0, sep_conv_3x3 1, sep_conv_3x3 0, sep_conv_3x3 1, sep_conv_3x3 1, skip_connect 0, skip_connect 0, dil_conv_3x3 2" "2, 3, 4, 5" \
    "max_pool_3x3 0, max_pool_3x3 1, skip_connect 2, max_pool_3x3 1, max_pool_3x3 0, skip_connect 2, skip_connect 2, max_pool_3x3 1" "2, 3, 4, 5"
  g DARTS_V1 "sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2" "2, 3, 4, 5" \
    "max_pool_3x3 0, max_pool_3x3 1, skip_connect 2, max_pool_3x3 0, max_pool_3x3 0, skip_connect 2, skip_connect 2, avg_pool_3x3 0" "2, 3, 4, 5"
  g NASNet "sep_conv_5x5 1, sep_conv_3x3 0, sep_conv_5x5 0, sep_conv_3x3 0, avg_pool_3x3 1, skip_connect 0, avg_pool_3x3 0, avg_pool_3x3 0, sep_conv_3x3 1, skip_connect 1" "2, 3, 4, 5, 6" \
    "sep_conv_5x5 1, sep_conv_7x7 0, max_pool_3x3 1, sep_conv_7x7 0, avg_pool_3x3 1, sep_conv_5x5 0, skip_connect 3, avg_pool_3x3 2, sep_conv_3x3 2, max_pool_3x3 1" "4, 5, 6"
  g AmoebaNet "avg_pool_3x3 0, max_pool_3x3 1, sep_conv_3x3 0, sep_conv_5x5 2, sep_conv_3x3 0, avg_pool_3x3 3, sep_conv_3x3 1, skip_connect 1, skip_connect 0, avg_pool_3x3 1" "4, 5, 6" \
    "avg_pool_3x3 0, sep_conv_3x3 1, max_pool_3x3 0, sep_conv_7x7 2, sep_conv_7x7 0, avg_pool_3x3 1, max_pool_3x3 0, max_pool_3x3 1, conv_7x1_1x7 0, sep_conv_3x3 5" "3, 4, 6"
  g PNASNet "$PNAS" "2, 3, 4, 5, 6" "$PNAS" "2, 3, 4, 5, 6"
  g "ENAS (a)" "sep_conv_3x3 1, skip_connect 1, sep_conv_5x5 1, skip_connect 0, avg_pool_3x3 0, sep_conv_3x3 1, sep_conv_3x3 0, avg_pool_3x3 0, sep_conv_5x5 1, avg_pool_3x3 0" "2, 3, 4, 5, 6" \
    "sep_conv_5x5 0, avg_pool_3x3 1, sep_conv_3x3 1, avg_pool_3x3 1, avg_pool_3x3 1, sep_conv_3x3 1, sep_conv_5x5 4, avg_pool_3x3 1, sep_conv_3x3 5, sep_conv_5x5 0" "2, 3, 6"
} | while IFS=$'\t' read -r name genotype; do
  "$B" score --space darts --arch "$genotype $SHAPE" --data "cifar10:$DATA" --json |
    python3 -c 'import json, sys; r = json.load(sys.stdin); print("| %s | %.2f | %d | %.2f |" % (sys.argv[1], r["score"], r["n_units"], r["seconds"]))' "$name"
done
