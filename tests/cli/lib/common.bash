# Shared by the script tests: paths, an mpirun that works as root on small machines, and a
# failure counter. Source it with the build and source directories as $1 and $2.
set -u
build=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# mpirun with a time limit, so a hang fails the test instead of stalling CI.
run_mpi() {
  local np=$1
  shift
  timeout 300 mpirun -np "$np" --oversubscribe --bind-to none "$@"
}
finish() {
  if ((failures)); then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
}
