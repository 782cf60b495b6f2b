# Checkpoints and restarts through terrain-train at 2 ranks: SIGTERM to the ranks and SIGUSR1 to
# mpirun make every rank stop at the same step boundary, write a checkpoint, print a line and
# exit 0, and the continued run (-restart) is bitwise the uninterrupted one; SIGKILL at random
# moments (several trials) always leaves either no file yet or a loadable checkpoint, and the run
# continued from it still ends bitwise equal; -restart into another -output leaves the original.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/training.bash"
cd "$source_dir"
train=("$build/terrain-train" -data_source target1d -data_n 1000 -data_n_test 100 -model_widths 1,32,32,1
  -model_activation tanh -train_optimizer nesterov -train_batch 125 -train_lr 0.05 -train_steps 2000
  -train_monitor_every 10 -train_save_every 100 -train_checkpoint_every 100 -train_monitor_lambda_max
  -hess_nev 0 -train_print_every 1000)
run_mpi 2 "${train[@]}" -output "$work/full.h5" > "$work/full.log" 2>&1 || { fail "uninterrupted run"; cat "$work/full.log"; }

# stop_with <signal> <to: ranks|mpirun> <file>: start, signal once the first checkpoint is on disk
# (so surely mid-run), expect exit 0.
stop_with() {
  local sig=$1 to=$2 file=$3
  start_mpi 2 "${train[@]}" -output "$file" > "$work/stop.log" 2>&1
  local pid=$mpi_pid
  for ((i = 0; i < 3000; ++i)); do [ -e "$file" ] && break; sleep 0.01; done
  if [ "$to" = ranks ]; then signal_ranks "$sig" "$pid"; else kill "-$sig" "$pid"; fi
  wait "$pid"
  local rc=$?
  ((rc == 0)) || { fail "$sig to $to: exit $rc"; cat "$work/stop.log"; }
  grep -q "caught SIG$sig: checkpoint of step [0-9]* written to" "$work/stop.log" \
    || fail "$sig to $to: no checkpoint line ($(tail -1 "$work/stop.log"))"
  checkpoint_ok "$file" || fail "$sig to $to: the checkpoint does not load"
  "$python" -c "import h5py,sys; assert h5py.File(sys.argv[1])['checkpoint'].attrs['status'] == 'running'" "$file" \
    || fail "$sig to $to: the run finished before the signal (make it longer)"
  run_mpi 2 "${train[@]}" -restart "$file" > "$work/resume.log" 2>&1 || { fail "$sig: resume"; cat "$work/resume.log"; }
  grep -q "continuing .* at step" "$work/resume.log" || fail "$sig: the resumed run did not say where it continues"
  same_results "$work/full.h5" "$file" || fail "$sig to $to: the continued run differs from the uninterrupted one"
}
stop_with TERM ranks "$work/term.h5"
stop_with USR1 mpirun "$work/usr1.h5"

# SIGKILL: no clean-up at all. The next session continues from whatever is on disk, and removes
# the temporaries of killed writers (one planted here, named after a pid that is surely dead).
sleep 0 &
dead=$!
wait "$dead"
: > "$work/kill.h5.tmp.$(hostname).$dead"
for trial in 1 2 3 4; do
  args=()
  [ -e "$work/kill.h5" ] && args=(-restart "$work/kill.h5")
  start_mpi 2 "${train[@]}" -output "$work/kill.h5" "${args[@]}" > "$work/kill.log" 2>&1
  pid=$mpi_pid
  sleep "0.$((RANDOM % 9 + 1))"
  signal_ranks KILL "$pid"
  wait "$pid"
  if [ -e "$work/kill.h5" ]; then
    checkpoint_ok "$work/kill.h5" || fail "SIGKILL trial $trial left a checkpoint that does not load"
  fi
done
args=()
[ -e "$work/kill.h5" ] && args=(-restart "$work/kill.h5")
run_mpi 2 "${train[@]}" -output "$work/kill.h5" "${args[@]}" > "$work/kill.log" 2>&1 || { fail "after SIGKILL"; cat "$work/kill.log"; }
same_results "$work/full.h5" "$work/kill.h5" || fail "the run continued after SIGKILLs differs"
ls "$work" | grep -q "\.tmp\." && fail "temporary files left behind: $(ls "$work" | grep tmp)"
[ -e "$work/kill.h5" ] || fail "no run file after the SIGKILL trials"

# Continue into another file at 3 ranks: the original stays, the result agrees to rounding.
run_mpi 2 "${train[@]}" -train_steps 800 -output "$work/short.h5" > /dev/null 2>&1 || fail "short run"
cp "$work/short.h5" "$work/short.copy"
run_mpi 3 "${train[@]}" -restart "$work/short.h5" -output "$work/long.h5" > "$work/long.log" 2>&1 \
  || { fail "-restart with -output"; cat "$work/long.log"; }
cmp -s "$work/short.h5" "$work/short.copy" || fail "-restart with another -output changed the original"
same_results "$work/full.h5" "$work/long.h5" 1e-9 || fail "continued at 3 ranks: not equal to rounding"
# A finished run is not redone.
run_mpi 2 "${train[@]}" -restart "$work/full.h5" > "$work/again.log" 2>&1 || fail "restart of a finished run"
grep -q "already holds the finished run" "$work/again.log" || fail "a finished run was not recognised"
finish
