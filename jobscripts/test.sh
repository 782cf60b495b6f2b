#!/usr/bin/env bash
# Set up (install, build), then run the whole test suite: every MPI test at 1, 2 and 3 ranks,
# every driver on its inputs, the HDF5 files read back with h5py.
set -euo pipefail
cd "$(dirname "$0")/.."
bash jobscripts/setup.sh --tests
source jobscripts/env.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
