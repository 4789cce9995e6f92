#!/usr/bin/env bash
# Installs every Debian package naswot needs to build, test, fuzz (clang, libFuzzer and its
# sanitizer runtimes, LLVM's OpenMP) and benchmark. Idempotent.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config git
  libdnnl-dev ocl-icd-opencl-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev libstb-dev libsqlite3-dev
  libpng-dev libturbojpeg0-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format time
  clang libclang-rt-14-dev libomp-dev
)
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
