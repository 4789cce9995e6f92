#!/usr/bin/env bash
# Weight-for-weight parity of naswot's `darts` space (pycls NetworkCIFAR / NetworkImageNet cells)
# with the reference algorithm in PyTorch (Debian python3-torch): same seeds, same first CIFAR-10
# images, identical N_A and |score difference| <= 1e-3 on every network (the six published
# genotypes at C=8 L=5 and C=16 L=8, two ImageNet networks, two edge cases, N_RANDOM random cells).
# Usage: repro/parity_darts.sh [N_RANDOM] [SEED] [BATCH]
#   NASWOT_BIN=path  use that binary instead of building build/h-parity (Release, 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
dpkg -s python3-torch >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends python3-torch python3-numpy
if [[ -z "${NASWOT_BIN:-}" ]]; then
  cmake -S . -B build/h-parity -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  nice cmake --build build/h-parity -j2 --target naswot
  NASWOT_BIN=build/h-parity/naswot
fi
DATA=${NASWOT_CIFAR10:-../shared/data/cifar10/data_batch_1.bin}
nice /usr/bin/python3 repro/parity_darts.py "$NASWOT_BIN" "$DATA" "${1:-12}" "${2:-1}" "${3:-64}"
