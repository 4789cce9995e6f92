#!/usr/bin/env bash
# Weight-for-weight parity of naswot's NB201 scores with the reference algorithm in PyTorch
# (Debian python3-torch): same seeds, same 128 CIFAR-10 images, identical N_A and
# |score difference| <= 1e-3 on every architecture. Usage: repro/parity_torch.sh [N_ARCHS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
dpkg -s python3-torch >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends python3-torch python3-numpy
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release --target naswot
DATA=${NASWOT_CIFAR10:-../shared/data/cifar10/data_batch_1.bin}
/usr/bin/python3 repro/parity_torch.py build/release/naswot "$DATA" "${1:-24}" "${2:-1}"
