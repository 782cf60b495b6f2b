#!/bin/bash -l
# The loss-surface study (issue 12, item 10): Li et al. 2018 at our scale. Four deep ReLU MLPs of
# width 32 on 2000 Fashion-MNIST images (10 and 20 hidden layers, without and with skip
# connections) and a second seed of both 10-layer nets, trained by Adam to a low loss
# (inputs/surfaces/li2018_train_*.opts); then for each of the four:
#   surface2d      the filter-normalised 41 x 41 surface on [-1, 1]^2 (li2018_surface2d.opts)
#   curvature      lambda_min, lambda_max and |lambda_min/lambda_max| on 7 x 7 points of the same
#                  plane (li2018_curvature.opts)
#   interp_init    the 1-D line from the solution (x = 0) to the initialisation (x = 1)
#                  (li2018_interp_init.opts, target: the run's step-0 snapshot)
# for both 10-layer nets the line between the minima of seeds 0 and 1 (interp_seeds,
# li2018_interp_seeds.opts), and for the plain 10-layer net the PCA plane of its trajectory with
# the projected path (pca, li2018_pca.opts). All surfaces go into the run files (/surface/<name>);
# jobscripts/surfaces/li2018_summary.sh prints the statistics (into li2018_summary.txt), and
# terrain-plot draws every surface (OUT/<net>_<surface>.png).
#
# Local (17 min on 2 cores shared with another job: trainings 6 min, each net's surfaces 2.5-3 min):
#   bash jobscripts/surfaces/li2018.sh BUILD_DIR OUTPUT_DIR          (environment: NP, default 2)
# SLURM (the account from terrain.profile's SBATCH_ACCOUNT; edit the node shape; TERRAIN_PROFILE as in jobscripts/slurm/terrain.profile):
#   sbatch --export=ALL,OUT=$SCRATCH/li2018 jobscripts/surfaces/li2018.sh
# Shrunk (tests/cli/surface_inputs.sh runs it so, in about a minute):
#   STEPS=100 SAVE_EVERY=50 N_TRAIN=100 N_TEST=50 N2D=5 NCURV=3 N1D=7 NPCA=4 bash jobscripts/surfaces/li2018.sh ...
# Other knobs: GROUP_SIZE (ranks per surface work group, default 1), TRAIN_NP (ranks per
# training, default 2), EIG_TOL (the curvature map's residual), SKIP_TRAIN=1 (reuse the run files).
#
#SBATCH --job-name=terrain-li2018
# The account comes from SBATCH_ACCOUNT, set in terrain.profile (source it before sbatch), or
# from sbatch --account=NAME; an #SBATCH --account line here would override the profile.
#SBATCH --time=01:00:00
#   on one 32-core node the trainings take ~2 min (six at once) and the surfaces ~1 min each:
#   an hour leaves room; a surface cut by the limit resumes from its done mask when rerun
#SBATCH --nodes=1
#   the nets have 35k-45k parameters and 3000 samples: one node has more than enough ranks
#SBATCH --ntasks-per-node=32
#   one rank per physical core (set it to your nodes' core count)
#SBATCH --cpus-per-task=1
#   one core per rank; OPENBLAS_NUM_THREADS=1 (terrain.profile) keeps BLAS on it
#SBATCH --hint=nomultithread
#   physical cores only: small dense kernels gain nothing from hardware threads
#SBATCH --signal=B:USR1@60
#   60 s before the limit USR1 to this shell only (B:), forwarded to the running surface, which
#   writes its finished points and exits 0; resubmitting with SKIP_TRAIN=1 finishes the rest
#SBATCH --output=%x-%j.out
set -euo pipefail

if [ -n "${SLURM_JOB_ID:-}" ]; then
  # Under SLURM: the environment of terrain.profile, counts from the allocation.
  source "${TERRAIN_PROFILE:-$HOME/terrain.profile}"
  build=${TERRAIN_BUILD:?set TERRAIN_BUILD (terrain.profile)}
  out=${OUT:-${SLURM_SUBMIT_DIR:-.}/li2018}
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  cd "${TERRAIN_HOME:?set TERRAIN_HOME (terrain.profile)}"  # inputs name files relative to it
  ranks=${SLURM_NTASKS:-$((SLURM_NNODES * SLURM_NTASKS_PER_NODE))}
  # --cpu-bind=cores: a rank stays on its core; --exact: a step gets only the cores it asks for,
  # so several trainings share the node at once. Always started in the background (&), where
  # exec makes srun itself the job that signals are forwarded to.
  launch() { local n=$1; shift; exec srun --exact --ntasks="$n" --cpu-bind=cores "$@"; }
else
  # Arguments, the repository root as the working directory, env.sh, $build, $out, $np, $python
  # and elapsed: the embedding studies' preamble.
  source "$(dirname "${BASH_SOURCE[0]}")/../embedding/common.sh"
  ranks=$np
  launch() { local n=$1; shift; exec mpirun -np "$n" --bind-to none "$@"; }  # (in the background)
fi
python=/usr/bin/python3
started=${started:-$(date +%s)}
elapsed() { echo "$(($(date +%s) - started)) s"; }
log() { echo "== $* ($(elapsed))"; }

# Trainings: 2 ranks each (batches of 100 samples: more ranks per run would only add reductions
# to a step of 50 samples per rank); under SLURM as many at once as the allocation holds.
train_np=${TRAIN_NP:-2}
((train_np > ranks)) && train_np=$ranks
concurrent=$((ranks / train_np))
# Surfaces: groups of GROUP_SIZE ranks over the grid points. 1: a point of these small nets is a
# few ms of BLAS on one core, every rank computes whole points and nothing is reduced.
group=${GROUP_SIZE:-1}
eig_tol=(${EIG_TOL:+-surf_eig_tol "$EIG_TOL"})
# Shrinking for tests (empty: the inputs' own sizes).
train_shrink=(${STEPS:+-train_steps "$STEPS"} ${SAVE_EVERY:+-train_save_every "$SAVE_EVERY"} ${N_TRAIN:+-data_n "$N_TRAIN"} ${N_TEST:+-data_n_test "$N_TEST"})
grid() { [ -n "${!1:-}" ] && echo "-surf_x $2:$3:${!1} ${4:+-surf_y $4:$5:${!1}}"; true; }

nets=(d10_plain d10_skip d20_plain d20_skip)
seeds=(d10_plain_seed1 d10_skip_seed1)
if [ -z "${SKIP_TRAIN:-}" ]; then
  log "training ${#nets[@]} + ${#seeds[@]} networks, $concurrent at a time"
  pids=()
  wait_all() {  # the trainings in flight; any failure stops the study
    local p
    for p in "${pids[@]}"; do wait "$p" || { echo "a training failed (see $out/train_*.log)" >&2; exit 1; }; done
    pids=()
  }
  for net in "${nets[@]}" "${seeds[@]}"; do
    rm -f "$out/li2018_$net.h5"
    echo "terrain-train -options_file inputs/surfaces/li2018_train_$net.opts ${train_shrink[*]}"
    launch "$train_np" "$build/terrain-train" -options_file "inputs/surfaces/li2018_train_$net.opts" \
      "${train_shrink[@]}" -output "$out/li2018_$net.h5" < /dev/null > "$out/train_$net.log" 2>&1 &
    pids+=($!)
    ((${#pids[@]} < concurrent)) || wait_all
  done
  ((${#pids[@]} == 0)) || wait_all
  for net in "${nets[@]}" "${seeds[@]}"; do
    [ -e "$out/li2018_$net.h5" ] || { echo "training $net failed:"; cat "$out/train_$net.log"; exit 1; } >&2
    echo "$net: $(grep '^final loss' "$out/train_$net.log")"
  done
fi

# USR1 or TERM to this script (SLURM's warning above, or kill): USR1 to the running surface, which
# mpirun and srun forward to every rank; it writes its finished points and exits 0, and this
# script stops after it.
stop=0
trap 'stop=1; [ -n "${pid:-}" ] && kill -USR1 "$pid" 2>/dev/null' USR1 TERM
surface() {  # surface RUN OPTS [more options]: one terrain-surface into the run file
  local run=$1 opts=$2
  shift 2
  ((stop)) && return 0
  echo "terrain-surface -input $(basename "$run") -options_file $opts $*"
  launch "$ranks" "$build/terrain-surface" -input "$run" -options_file "$opts" -surf_group_size "$group" \
    "$@" < /dev/null > "$out/surface.log" 2>&1 &
  pid=$!
  wait "$pid" || { kill -0 "$pid" 2>/dev/null && wait "$pid"; } || { cat "$out/surface.log"; exit 1; }
  pid=
  tail -1 "$out/surface.log"
  if ((stop)); then echo "stopped by a signal: rerun with SKIP_TRAIN=1 to finish"; exit 0; fi
}

for net in "${nets[@]}"; do
  run=$out/li2018_$net.h5
  log "$net: surfaces"
  # shellcheck disable=SC2046
  surface "$run" inputs/surfaces/li2018_surface2d.opts $(grid N2D -1 1 -1 1)
  # shellcheck disable=SC2046
  surface "$run" inputs/surfaces/li2018_curvature.opts $(grid NCURV -1 1 -1 1) "${eig_tol[@]}"
  # shellcheck disable=SC2046
  surface "$run" inputs/surfaces/li2018_interp_init.opts -surf_xtarget "$run:0" $(grid N1D -0.25 1.25)
done
for pair in d10_plain:d10_plain_seed1 d10_skip:d10_skip_seed1; do
  log "${pair%%:*}: to its second seed"
  # shellcheck disable=SC2046
  surface "$out/li2018_${pair%%:*}.h5" inputs/surfaces/li2018_interp_seeds.opts \
    -surf_xtarget "$out/li2018_${pair##*:}.h5" $(grid N1D -0.25 1.25)
done

# The PCA plane of the plain 10-layer net: a 2 x 2 probe (into its own file) gives the projected
# path, whose bounding box with a 10% margin (at least 1 on each side) is the plane's range.
log "d10_plain: PCA plane"
run=$out/li2018_d10_plain.h5
surface "$run" inputs/surfaces/li2018_pca.opts -surf_x -1:1:2 -surf_y -1:1:2 -surf_name pca_probe \
  -surf_test false -output "$out/pca_probe.h5"
read -r xr yr < <("$python" - "$out/pca_probe.h5" "${NPCA:-31}" <<'PY'
import sys, h5py
p = h5py.File(sys.argv[1], "r")["surface/pca_probe/pca"]
n = sys.argv[2]
out = []
for c in ("proj_xcoord", "proj_ycoord"):
    v = list(p[c][...]) + [0.0]
    lo, hi = min(v), max(v)
    m = max(0.1 * (hi - lo), 1.0)
    out.append(f"{lo - m:.6g}:{hi + m:.6g}:{n}")
print(*out)
PY
)
surface "$run" inputs/surfaces/li2018_pca.opts -surf_x "$xr" -surf_y "$yr"

log "summary"
bash jobscripts/surfaces/li2018_summary.sh "$out" | tee "$out/li2018_summary.txt"

# Figures: one terrain-plot per surface (a failed figure is reported, the study still stands).
plot() {  # plot KIND RUN SURFACE PNG
  "$build/terrain-plot" "$2" --kind "$1" --surface "$3" -o "$out/$4" > /dev/null || echo "terrain-plot --kind $1 $3 failed"
}
for net in "${nets[@]}"; do
  plot contour "$out/li2018_$net.h5" surface2d "${net}_contour.png"
  plot surface3d "$out/li2018_$net.h5" surface2d "${net}_surface3d.png"
  plot curvature_map "$out/li2018_$net.h5" curvature "${net}_curvature.png"
  plot surface1d "$out/li2018_$net.h5" interp_init "${net}_interp_init.png"
done
for net in d10_plain d10_skip; do
  plot surface1d "$out/li2018_$net.h5" interp_seeds "${net}_interp_seeds.png"
done
plot pca "$out/li2018_d10_plain.h5" pca d10_plain_pca.png
log "li2018 study done: $out"
