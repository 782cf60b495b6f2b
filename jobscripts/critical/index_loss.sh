#!/bin/bash
# The index-loss study (issue 14 part 2): 8 training runs of a 147-parameter tanh net on a
# teacher (seeds 0-3 at the usual initialisation, 4-7 at -model_init_scale 0.05), a census of
# the critical points Newton reaches from their 72 snapshots, and the figure alpha = n-/n
# against the loss. About 1.5 min on 2 cores.
#   usage: jobscripts/critical/index_loss.sh BUILD_DIR OUTPUT_DIR
#   environment: NP ranks (default 2); CENSUS_OPTIONS more options for the census (e.g.
#   "-critical_method sfn" or "-critical_census_every 2").
# The arguments, the repository root as working directory, env.sh, $np, $build, $out, $python:
source "$(dirname "${BASH_SOURCE[0]}")/../embedding/common.sh"

# The training runs, one rank each, $np at a time.
inputs=()
for seed in 0 1 2 3 4 5 6 7; do
  scale=1
  ((seed >= 4)) && scale=0.05
  mpirun -np 1 "$build/terrain-train" -options_file inputs/critical/index_loss/train.opts \
    -model_seed "$seed" -model_init_scale "$scale" -output "$out/index_loss_run$seed.h5" \
    > "$out/index_loss_run$seed.log" 2>&1 &
  inputs+=("$out/index_loss_run$seed.h5")
  (((seed + 1) % np == 0)) && wait
done
wait
echo "training: 8 runs in $(($(date +%s) - started)) s"

list=$(IFS=,; echo "${inputs[*]}")
mpirun -np "$np" "$build/terrain-critical" -options_file inputs/critical/index_loss/census.opts \
  -input "$list" -output "$out/index_loss.h5" ${CENSUS_OPTIONS:-} | tee "$out/index_loss_census.log" \
  | grep -v "^Newton-Krylov\|^census group\|^census: start"
"$build/terrain-plot" "$out/index_loss.h5" --kind index_loss -o "$out/index_loss.png"
echo "index-loss study done in $(($(date +%s) - started)) s: $out/index_loss.png"
