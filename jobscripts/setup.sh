#!/usr/bin/env bash
# Installs the Debian packages terrain needs (only the missing ones), then configures and
# builds it in build/. Idempotent: a second run with nothing changed takes seconds.
# Usage: bash jobscripts/setup.sh [--tests]   (from anywhere; as root, or with sudo available)
#   --tests also installs what only the test suite needs (PyTorch and scipy, independent oracles).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ make cmake pkg-config                  # toolchain
  openmpi-bin libopenmpi-dev                 # Open MPI 4.1
  petsc-dev slepc-dev                        # PETSc/SLEPc 3.18 (real, with MUMPS and ScaLAPACK)
  libhdf5-openmpi-dev                        # parallel HDF5 1.10 (the serial one cannot be used)
  libscalapack-openmpi-dev                   # ScaLAPACK's pdsyev, linked directly (dense spectra)
  libopenblas-dev zlib1g-dev                 # BLAS kernels, gzipped IDX files
  libboost-test-dev                          # unit tests
  liblemon-dev                               # LEMON's network simplex (the assignment's oracle)
  python3-h5py python3-matplotlib            # terrain-plot and HDF5 read-back tests (/usr/bin/python3)
  dataset-fashion-mnist                      # the real data set of the examples
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(python3-torch)                  # tests only: gradients and Hessians from autograd
  packages+=(python3-scipy)                  # tests only: linear_sum_assignment, the benchmark oracle
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

mkdir -p build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build/configure.log 2>&1 || { cat build/configure.log; exit 1; }
cmake --build build -j"$(nproc)"
