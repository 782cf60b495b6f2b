# The SLURM job scripts (jobscripts/slurm/) under a stand-in SLURM: srun runs mpirun with
# SLURM_NTASKS ranks, sbatch records what it would submit. USR1 to the batch shell (what
# --signal=B:USR1@120 sends) is forwarded, terrain-train checkpoints and exits 0, the script
# resubmits itself with the job count raised and the resources of the running job (tasks, time,
# --signal lead, account, partition: sbatch options that the script's #SBATCH lines do not say);
# the "next job" continues with -restart and the
# result is bitwise the uninterrupted run — for a single training, for an ensemble, where the
# runs finished before the signal are not redone, and for a surface (surface.sbatch), where the
# second job computes only the missing chunks.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/training.bash"
cd "$source_dir"
slurm=$source_dir/jobscripts/slurm
fake=$work/bin
mkdir -p "$fake"
cat > "$fake/srun" <<SH
#!/bin/bash
while [[ \$1 == --* ]]; do shift; done       # srun's own options
exec mpirun -np "\$SLURM_NTASKS" --oversubscribe --bind-to none "\$@"
SH
cat > "$fake/sbatch" <<SH
#!/bin/bash
echo "\$@" >> "$work/sbatch.log"
SH
# scontrol show job: a 2-minute job that ends 100 s after this call (a job script calls it at its
# start), so the USR1 sent soon after comes about 100 s before the end.
cat > "$fake/scontrol" <<'SH'
#!/bin/bash
[ "$1 $2" = "show job" ] || exit 1
echo "JobId=$3 JobName=terrain-train"
echo "   JobState=RUNNING Reason=None Dependency=(null)"
echo "   RunTime=00:00:20 TimeLimit=00:02:00 TimeMin=N/A"
echo "   SubmitTime=2026-01-01T00:00:00 EligibleTime=2026-01-01T00:00:00"
echo "   StartTime=$(date -d '-20 sec' +%Y-%m-%dT%H:%M:%S) EndTime=$(date -d '+100 sec' +%Y-%m-%dT%H:%M:%S) Deadline=N/A"
echo "   NumNodes=1 NumCPUs=2 NumTasks=2 CPUs/Task=1"
SH
chmod +x "$fake"/*
cat > "$work/profile" <<SH
export TERRAIN_HOME=$source_dir TERRAIN_BUILD=$build OPENBLAS_NUM_THREADS=1 HDF5_USE_FILE_LOCKING=FALSE
SH
export PATH=$fake:$PATH TERRAIN_PROFILE=$work/profile SLURM_SUBMIT_DIR=$source_dir SLURM_JOB_ID=7
export SLURM_NNODES=1 SLURM_JOB_NUM_NODES=1 SLURM_JOB_ACCOUNT=proj42 SLURM_JOB_PARTITION=short SLURM_CPUS_PER_TASK=1

# job <script> <ranks> <signal: 0|1> VAR=value...: one "job". With signal 1, USR1 goes to the
# batch shell once $RUN_WATCH exists (a single run's first checkpoint) or $RUN_WATCH.runs holds 3
# run files (with 2 groups, one group has finished a run and started another).
job() {
  local script=$1 ranks=$2 signal=$3
  shift 3
  env SLURM_NTASKS="$ranks" SLURM_NTASKS_PER_NODE="$ranks" TERRAIN_JOB_SCRIPT="$slurm/$script" "$@" \
    bash "$slurm/$script" > "$work/job.log" 2>&1 &
  local pid=$!
  if ((signal)); then
    for ((i = 0; i < 3000; ++i)); do
      [ -e "$RUN_WATCH" ] && break
      (($(ls "$RUN_WATCH.runs" 2> /dev/null | grep -c '^run_[0-9]*\.h5$') >= 3)) && break
      sleep 0.01
    done
    kill -USR1 "$pid"
  fi
  wait "$pid"
}

# --- a single training ---
cat > "$work/train.opts" <<OPTS
-data_source target1d
-data_n 1000
-model_widths 1,32,32,1
-train_optimizer momentum
-train_batch 100
-train_lr 0.05
-train_steps 2000
-train_monitor_every 10
-train_save_every 200
-train_checkpoint_every 100
-hess_nev 2
-train_print_every 1000
OPTS
run_mpi 2 "$build/terrain-train" -options_file "$work/train.opts" -output "$work/full.h5" > /dev/null 2>&1 || fail "uninterrupted run"
RUN_WATCH=$work/run.h5
job train.sbatch 2 1 OPTIONS="$work/train.opts" RUN="$work/run.h5" || { fail "signalled job exit $?"; cat "$work/job.log"; }
grep -q "caught SIGUSR1: checkpoint of step" "$work/job.log" || fail "no checkpoint line: $(cat "$work/job.log")"
grep -q "JOB_COUNT=2 $slurm/train.sbatch" "$work/sbatch.log" 2>/dev/null || fail "no resubmission: $(cat "$work/sbatch.log" 2>&1)"
grep -q "OPTIONS=$work/train.opts,RUN=$work/run.h5" "$work/sbatch.log" || fail "resubmission lost OPTIONS/RUN"
# The resubmission asks for this job's resources (given to sbatch, not the script's #SBATCH lines).
resources() {
  local line
  line=$(head -n 1 "$work/sbatch.log")
  for want in --nodes=1 "--ntasks=$1" "--ntasks-per-node=$1" --cpus-per-task=1 --account=proj42 \
    --partition=short --time=00:02:00; do
    [[ " $line " == *" $want "* ]] || fail "$2: the resubmission lacks $want: $line"
  done
  local lead
  lead=$(sed -n 's/.*--signal=B:USR1@\([0-9]*\) .*/\1/p' <<< "$line")
  [ -n "$lead" ] && ((lead >= 1 && lead <= 100)) || fail "$2: the resubmission's --signal lead is '$lead' (the job ends 100 s after its start): $line"
}
resources 2 train.sbatch
rm -f "$work/sbatch.log"
job train.sbatch 2 0 OPTIONS="$work/train.opts" RUN="$work/run.h5" JOB_COUNT=2 || { fail "second job"; cat "$work/job.log"; }
grep -q "continuing .*run.h5 at step" "$work/job.log" || fail "the second job did not continue: $(cat "$work/job.log")"
grep -q "run.h5 finished" "$work/job.log" || fail "the second job did not finish"
[ -e "$work/sbatch.log" ] && fail "a finished run was resubmitted"
same_results "$work/full.h5" "$work/run.h5" || fail "the run continued by the second job differs from the uninterrupted one"
# A failing run is not resubmitted.
job train.sbatch 2 0 OPTIONS="$work/train.opts" RUN="$work/run.h5" EXTRA="-train_lr 7" && fail "a failing job exited 0"
[ -e "$work/sbatch.log" ] && fail "a failing run was resubmitted"

# --- an ensemble: 3 ranks in groups of 2 and 1 ---
cat > "$work/ens.opts" <<OPTS
-data_source target1d
-data_n 200
-model_widths 1,8,1
-model_activation relu
-train_lr 0.05
-train_steps 6000
-train_monitor_every 1
-train_monitor_curvature false
-train_checkpoint_every 500
-hess_nev 0
-ensemble_seeds 3
-ensemble_widths 4,8,16
OPTS
run_mpi 3 "$build/terrain-train" -options_file "$work/ens.opts" -ensemble_group_size 2 -output "$work/ens_full.h5" \
  > /dev/null 2>&1 || fail "uninterrupted ensemble"
RUN_WATCH=$work/ens.h5
job ensemble.sbatch 3 1 OPTIONS="$work/ens.opts" RUN="$work/ens.h5" GROUP_SIZE=2 || { fail "signalled ensemble job"; cat "$work/job.log"; }
grep -q "caught SIGUSR1" "$work/job.log" || fail "ensemble: no signal line: $(cat "$work/job.log")"
grep -q "GROUP_SIZE=2,JOB_COUNT=2 $slurm/ensemble.sbatch" "$work/sbatch.log" || fail "ensemble: no resubmission"
resources 3 ensemble.sbatch
[ -d "$work/ens.h5.runs" ] || fail "ensemble: no run directory after the signal"
rm -f "$work/sbatch.log"
job ensemble.sbatch 3 0 OPTIONS="$work/ens.opts" RUN="$work/ens.h5" GROUP_SIZE=2 JOB_COUNT=2 || { fail "second ensemble job"; cat "$work/job.log"; }
todo=$(sed -n 's/.*ensemble of 9 runs.*, \([0-9]*\) to do.*/\1/p' "$work/job.log")
[ -n "$todo" ] && ((todo < 9)) || fail "the second ensemble job redid finished runs (to do: '$todo')"
grep -q "ensemble done" "$work/job.log" || fail "the second ensemble job did not finish: $(cat "$work/job.log")"
[ -e "$work/sbatch.log" ] && fail "a finished ensemble was resubmitted"
same_results "$work/ens_full.h5" "$work/ens.h5" || fail "the continued ensemble differs from the uninterrupted one"

# --- a surface: 3 ranks in groups of 1, chunks of 2 points saved after each ---
cat > "$work/surf.opts" <<OPTS
-surf_x -1:1:9
-surf_y -1:1:8
-surf_curvature
-surf_eig_rtol 0
-surf_chunk 2
-surf_save_every 0
OPTS
cp "$work/full.h5" "$work/surf_full.h5"
cp "$work/full.h5" "$work/surf.h5"
run_mpi 3 "$build/terrain-surface" -input "$work/surf_full.h5" -options_file "$work/surf.opts" -surf_group_size 1 \
  > /dev/null 2>&1 || fail "uninterrupted surface"
RUN_WATCH=$work/surf.h5.surface-loss/part_s0000_g0000.h5
job surface.sbatch 3 1 OPTIONS="$work/surf.opts" RUN="$work/surf.h5" || { fail "signalled surface job"; cat "$work/job.log"; }
grep -q "stopped by a signal" "$work/job.log" || fail "surface: no stop line: $(cat "$work/job.log")"
grep -q "JOB_COUNT=2 $slurm/surface.sbatch" "$work/sbatch.log" || fail "surface: no resubmission: $(cat "$work/sbatch.log" 2>&1)"
resources 3 surface.sbatch
rm -f "$work/sbatch.log"
job surface.sbatch 3 0 OPTIONS="$work/surf.opts" RUN="$work/surf.h5" JOB_COUNT=2 || { fail "second surface job"; cat "$work/job.log"; }
grep -q "resuming: [0-9]* done" "$work/job.log" || fail "the second surface job did not resume: $(cat "$work/job.log")"
grep -q "is complete" "$work/job.log" || fail "the second surface job did not complete"
[ -e "$work/sbatch.log" ] && fail "a complete surface was resubmitted"
"$python" - "$work/surf_full.h5" "$work/surf.h5" <<'PY' || fail "the surface continued by the second job differs from the uninterrupted one"
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r")["surface/loss"] for p in sys.argv[1:])
for n in a:
    if isinstance(a[n], h5py.Dataset) and not np.array_equal(a[n][...], b[n][...], equal_nan=True):
        sys.exit(f"{n} differs")
PY
finish
