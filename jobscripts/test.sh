#!/usr/bin/env bash
# Set up (install, build), then run the whole test suite: every MPI test at 1, 2 and 3 ranks,
# every driver on its inputs, the HDF5 files read back with h5py. The malformed-input and fault
# tests (label "fault") run in the sanitizer build instead (build-sanitize/, AddressSanitizer and
# UBSan): the same checks of exits and files, and every memory access checked too.
# Arguments go to both ctest runs (e.g. -R train).
set -euo pipefail
cd "$(dirname "$0")/.."
bash jobscripts/setup.sh --tests
source jobscripts/env.sh
rc=0  # both suites run even when the first fails, so one CI log shows every failure
(cd build && ctest --output-on-failure -j"$(nproc)" -LE fault "$@") || rc=1
mkdir -p build-sanitize
cmake --preset sanitize > build-sanitize/configure.log 2>&1 || { cat build-sanitize/configure.log; exit 1; }
cmake --build build-sanitize -j"$(nproc)"
ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)" "$@" || rc=1
exit "$rc"
