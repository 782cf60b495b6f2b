# Option values PETSc 3.18 would take silently (issue 13 items 5, 6, 13, 14): an integer beyond
# PetscInt (which wraps to another valid number), an option left without its value (last on the
# command line or in a file: PETSc keeps the default), inf for a real, a zero-length cosine horizon,
# a one-step density, and PETSc's own messages for a bad bool or EPS type, which do not say which
# option held the value. Each case, at one of 1, 2 and 3 ranks (cycling through them), exits
# non-zero on every rank within the time limit with one "<driver>: error:" line naming the option.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"

base=(-options_file inputs/quickstart.opts -train_steps 5 -hess_nev 0 -output "$work/out.h5")
printf -- '-train_steps 5\n-train_lr\n' > "$work/dangling_last.opts"
printf -- '-train_lr\n# a comment after the dangling option\n\n' > "$work/dangling_comment.opts"

cases=0
expect_train() {
  cases=$((cases + 1))
  expect_error_from terrain-train "$((1 + cases % 3))" "$1" "${base[@]}" "${@:2}"
}

# 5: integers beyond PetscInt, alone and in a list, both signs; an integer option of another block.
expect_train "-train_steps 99999999999: integer out of range" -train_steps 99999999999
expect_train "-train_seed -99999999999: integer out of range" -train_seed -99999999999
expect_train "-model_widths 1,99999999999,1: integer out of range (99999999999)" -model_widths 1,99999999999,1
expect_train "-hess_nev 4294967301: integer out of range" -hess_nev 4294967301
# The largest PetscInt itself passes (the run then stops at the bad -train_lr, checked later).
expect_train "-train_lr must be positive" -train_steps 2147483647 -train_lr -1

# 6: a value missing for a real, an integer, a list choice and a string; last on the command
# line, last in a file, or followed by a comment.
expect_train "-train_lr needs a value" -train_lr
expect_train "-train_steps needs a value" -train_steps
expect_train "-train_optimizer needs a value" -train_optimizer
expect_train "-model_init_file needs a value" -model_init_file
expect_train "-train_lr needs a value" -options_file "$work/dangling_last.opts"
expect_train "-train_lr needs a value" -options_file "$work/dangling_comment.opts" -hess_nev 0
# A bool given by its bare name stays true (not an error): -train_monitor_lambda_max records
# lambda_max, which a run without it does not.
run_mpi 2 "$build/terrain-train" "${base[@]}" -train_monitor_lambda_max > "$work/flag.log" 2>&1 \
  || fail "a bare bool option failed: $(tail -1 "$work/flag.log")"
"$python" -c "import h5py,sys; assert 'lambda_max' in h5py.File(sys.argv[1])['trajectory']" "$work/out.h5" \
  || fail "a bare -train_monitor_lambda_max did not record lambda_max"

# 13: PETSc's messages for a value it cannot take name the option.
expect_train "-model_bias: Unknown logical value: maybe" -model_bias maybe
expect_train "-hess_eps_type: Unknown EPS type given: bogus" -hess_nev 2 -hess_eps_type bogus

# 14: inf for a real, a cosine schedule of no steps.
expect_train "-model_init_gamma inf: not a finite number" -model_init_gamma inf
expect_train "-train_lr inf: not a finite number" -train_lr inf
expect_train "-train_lr -inf: not a finite number" -train_lr -inf
expect_train "-train_schedule_horizon must be at least 1" -train_schedule cosine -train_schedule_horizon 0

# The same checks hold in every driver: terrain-spectrum on a trained point.
run_mpi 2 "$build/terrain-train" "${base[@]}" -output "$work/good.h5" > /dev/null 2>&1 || fail "terrain-train"
cp "$work/good.h5" "$work/good.copy"
spectrum() {
  cases=$((cases + 1))
  expect_error_from terrain-spectrum "$((1 + cases % 2)) 3" "$1" -input "$work/good.h5" "${@:2}"
}
spectrum "-spectrum_density_steps must be at least 2" -spectrum_density -spectrum_density_steps 1
spectrum "-hess_nev 99999999999: integer out of range" -hess_nev 99999999999
spectrum "-spectrum_density_sigma needs a value" -spectrum_density -spectrum_density_sigma
spectrum "-spectrum_density_sigma nan: not a finite number" -spectrum_density -spectrum_density_sigma nan
cmp -s "$work/good.h5" "$work/good.copy" || fail "a refused terrain-spectrum changed its input file"
ls "$work" | grep -q "\.tmp\." && fail "a temporary file was left behind: $(ls "$work" | grep tmp)"
finish
