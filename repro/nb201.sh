#!/usr/bin/env bash
# Reproduces the paper's NAS-Bench-201 results with naswot and writes docs/results/nb201.md
# (tables, τ/ρ, ablations) and docs/results/nb201_scatter.svg. Steps: a resumable scan of all
# 15,625 networks on CIFAR-10 (docs/results/nb201_scores.csv; re-running skips what is done),
# correlate, simulate best-of-N (N = 10, 100, 1000; 500 runs), ablations.
# Usage: repro/nb201.sh        (env NASWOT_CIFAR10: CIFAR-10 folder, default ../shared/data/cifar10)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release --target naswot
python3 repro/nb201_report.py --naswot build/release/naswot \
  --cifar10 "${NASWOT_CIFAR10:-../shared/data/cifar10}" \
  --table ../shared/data/nb201/accuracy.csv --out docs/results
