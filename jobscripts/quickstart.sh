#!/usr/bin/env bash
# The default study: set up (install, build), train a small network on the 1-D target on 2 MPI
# ranks, print the final loss and the extreme Hessian eigenvalues, write build/quickstart.h5
# and draw build/quickstart.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash jobscripts/setup.sh
source jobscripts/env.sh
mpirun -np 2 build/terrain-train -options_file inputs/quickstart.opts -output build/quickstart.h5
build/terrain-plot build/quickstart.h5 -o build/quickstart.png
echo "quickstart: wrote build/quickstart.h5 and build/quickstart.png"
