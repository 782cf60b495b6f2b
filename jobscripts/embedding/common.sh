# Shared by the embedding study scripts (source it first): arguments, the repository root as the
# working directory (inputs name files relative to it), Open MPI settings, an mpirun wrapper.
#   usage: <study>.sh BUILD_DIR OUTPUT_DIR      (environment: NP ranks, default 2)
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR OUTPUT_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source jobscripts/env.sh
np=${NP:-2}
python=/usr/bin/python3
# run <driver> <options...>: the driver on $np ranks.
run() { mpirun -np "$np" "$build/$1" "${@:2}"; }
started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started)) s"; }
