# Bad input to terrain-critical: each case (at 1 or 2 ranks, alternating; every check is made
# identically on every rank before any work) exits non-zero within the time limit, prints
# exactly one "terrain-critical: error:" line naming the option or file, and writes no output.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"

run_mpi 2 "$build/terrain-train" -options_file inputs/critical/relu_1_4_1_train.opts \
  -train_steps 10 -train_save_every 0 -output "$work/good.h5" > "$work/train.log" 2>&1 \
  || { fail "terrain-train"; cat "$work/train.log"; }

cases=0
expect_error() {
  cases=$((cases + 1))
  expect_error_from terrain-critical "$((1 + cases % 2))" "$@"
  [ -e "$work/out.h5" ] && { fail "an output was written by: $*"; rm -f "$work/out.h5"; }
  ls "$work" | grep -q "\.tmp\." && fail "a temporary file was left behind by: $*"
}

good=(-input "$work/good.h5" -output "$work/out.h5")
expect_error "-input is required" -output "$work/out.h5"
expect_error "-output must differ from -input" -input "$work/good.h5" -output "$work/good.h5"
expect_error "-critical_gtol" "${good[@]}" -critical_gtol -1
expect_error "-critical_method" "${good[@]}" -critical_method bogus
expect_error "missing.h5" -input "$work/missing.h5" -output "$work/out.h5"
finish
