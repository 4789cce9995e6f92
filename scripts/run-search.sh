#!/usr/bin/env bash
# Installs the dependencies, builds naswot (Release) and runs the main job: a best-of-100
# NAS-Bench-201 search. With no arguments it scores on Gaussian inputs; extra arguments go to
# `naswot search` (e.g. --data cifar10:PATH --bench TABLE --metric cifar10_test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc)" --target naswot
exec build/release/naswot search --space nb201 --samples 100 "$@"
