# Bad training, restart and ensemble options at 3 ranks (some also at 1): each case exits non-zero on
# every rank within the time limit and prints exactly one "terrain-train: error:" line naming the
# option or file; a refused restart leaves the run file as it was.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"
base=(-options_file inputs/quickstart.opts -data_n 50 -data_n_test 0 -train_steps 5 -hess_nev 0)
"$python" - "$work" <<'PY'
import sys, h5py, numpy as np
with h5py.File(f"{sys.argv[1]}/foreign.h5", "w") as f:
    f["params"] = np.zeros(305)
PY
run_mpi 2 "$build/terrain-train" "${base[@]}" -output "$work/good.h5" > /dev/null 2>&1 || fail "good run"
cp "$work/good.h5" "$work/good.copy"

# expect_error <ranks> <what the message must contain> <terrain-train arguments...>
expect_error() { expect_error_from terrain-train "$1" "$2" "${@:3}"; }

out=(-output "$work/out.h5")
# Every case at 3 ranks (the most ranks to disagree); a few also alone (an mpirun of one failing
# rank takes seconds to wind down, so not all of them).
expect_error 3 "-train_optimizer sgd needs -train_batch" "${base[@]}" "${out[@]}" -train_optimizer sgd
expect_error 3 "-train_optimizer gd is full-batch" "${base[@]}" "${out[@]}" -train_batch 8
expect_error 3 "-train_optimizer" "${base[@]}" "${out[@]}" -train_optimizer rmsprop
expect_error 3 "-train_batch 80 must lie in [1, 50]" "${base[@]}" "${out[@]}" -train_optimizer sgd -train_batch 80
expect_error 3 "-train_momentum must lie in [0, 1)" "${base[@]}" "${out[@]}" -train_optimizer momentum -train_momentum 1
expect_error 3 "-train_schedule step needs -train_schedule_step" "${base[@]}" "${out[@]}" -train_schedule step
expect_error 3 "-train_clip_norm must be non-negative" "${base[@]}" "${out[@]}" -train_clip_norm -1
expect_error 3 "-train_adam_beta2 must lie in [0, 1)" "${base[@]}" "${out[@]}" -train_optimizer adam -train_adam_beta2 1
expect_error "1 3" "missing.h5: no such file" "${base[@]}" -restart "$work/missing.h5"
expect_error 3 "give one" "${base[@]}" -restart "$work/good.h5" -model_init_file "$work/good.h5"
expect_error 3 "foreign.h5" "${base[@]}" -restart "$work/foreign.h5"
expect_error "1 3" "-train_lr 0.2, this run has 0.3" "${base[@]}" -restart "$work/good.h5" -train_lr 0.3
expect_error 3 "-model_widths 1,16,16,1, this run has 1,8,1" "${base[@]}" -restart "$work/good.h5" -model_widths 1,8,1
expect_error 3 "-ensemble_group_size 9 must lie in [1," "${base[@]}" "${out[@]}" -ensemble_seeds 2 -ensemble_group_size 9
expect_error 3 "-ensemble_widths entries must be positive" "${base[@]}" "${out[@]}" -ensemble_widths 4,0
expect_error 3 "-ensemble_widths needs a hidden layer" "${base[@]}" "${out[@]}" -model_widths 1,1 -ensemble_widths 4
expect_error 3 "cannot start an ensemble" "${base[@]}" "${out[@]}" -ensemble_seeds 2 -model_init_file "$work/good.h5"
expect_error 3 "nothing to continue" "${base[@]}" -ensemble_seeds 2 -restart "$work/missing.h5" -output "$work/missing.h5"
expect_error 3 "good.h5 is not an ensemble file" "${base[@]}" -ensemble_seeds 2 -restart "$work/good.h5" -output "$work/good.h5"
expect_error "1 3" "no_such_dir" "${base[@]}" -ensemble_seeds 2 -output "$work/no_such_dir/e.h5"
cmp -s "$work/good.h5" "$work/good.copy" || fail "a refused restart changed the run file"
ls "$work" | grep -q "\.tmp\." && fail "temporary files left behind: $(ls "$work" | grep tmp)"
finish
