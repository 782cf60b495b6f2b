# Bad input to terrain-train at 3 ranks and at 1 or 2: each case exits non-zero on every rank within
# the time limit, prints exactly one "terrain-train: error:" line naming the option or file, and
# a failed run never replaces a good run file.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"

# --- fixtures ---
printf 'a,b,label\n1,2,x\n3,4\n' > "$work/short_row.csv"
printf 'a,b,y\n1,2,3\n4,nan,6\n' > "$work/nan.csv"
head -c 1000 /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz > "$work/truncated.gz" 2>/dev/null \
  || printf '\x00\x00\x08\x03\x00\x00\x00\x0a\x00\x00\x00\x1c\x00\x00\x00\x1c\x01\x02' > "$work/truncated.gz"
printf 'this is not HDF5\n' > "$work/garbage.h5"
"$python" - "$work" <<'PY'
import sys, h5py, numpy as np
w = sys.argv[1]
with h5py.File(f"{w}/shapes.h5", "w") as f:
    f["X"] = np.zeros((10, 3))
    f["Y"] = np.zeros((9, 1))
with h5py.File(f"{w}/short_params.h5", "w") as f:
    f["params"] = np.zeros(7)
PY
base=(-options_file inputs/quickstart.opts -train_steps 5 -hess_nev 0)
iris=(-data_source csv -data_file inputs/data/iris.csv -model_widths 4,8,3 -model_loss cross_entropy -train_steps 5 -hess_nev 0)

# expect_error <what the message must contain> <terrain-train arguments...>
# Every case at 3 ranks and, alternately, at 1 or 2 (a failing mpirun takes ~2 s to wind down).
cases=0
expect_error() {
  cases=$((cases + 1))
  expect_error_from terrain-train "$((1 + cases % 2)) 3" "$1" -output "$work/out.h5" "${@:2}"
}

expect_error "-model_widths is required" -data_source target1d
expect_error "-model_widths must have at least 2" "${base[@]}" -model_widths 4
expect_error "-model_activation" "${base[@]}" -model_activation cubic
expect_error "-train_lr" "${base[@]}" -train_lr abc
expect_error "-train_lr must be positive" "${base[@]}" -train_lr -1
expect_error "-train_steps" "${base[@]}" -train_steps -3
expect_error "-hess_nev" "${base[@]}" -hess_nev -1
expect_error "-data_source is required" -model_widths 1,4,1
expect_error "-data_source" "${base[@]}" -data_source parquet
expect_error "missing.csv" "${iris[@]}" -data_file "$work/missing.csv"
expect_error "short_row.csv" -data_source csv -data_file "$work/short_row.csv" -model_widths 2,4,2 -hess_nev 0
expect_error "nan.csv" -data_source csv -data_file "$work/nan.csv" -model_widths 2,4,1 -hess_nev 0
expect_error "truncated.gz" -data_source idx -data_file "$work/truncated.gz" \
  -data_labels_file /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz -model_widths 784,10 -hess_nev 0
expect_error "shapes.h5" -data_source hdf5 -data_file "$work/shapes.h5" -model_widths 3,1 -hess_nev 0
expect_error "-model_widths ends with 2" "${iris[@]}" -model_widths 4,8,2
expect_error "garbage.h5" "${base[@]}" -model_init_file "$work/garbage.h5"
expect_error "short_params.h5" "${base[@]}" -model_init_file "$work/short_params.h5"
expect_error "no_such_dir" "${base[@]}" -output "$work/no_such_dir/run.h5"

# A diverging run stops with the step, and the good file it would have replaced survives.
run_mpi 2 "$build/terrain-train" "${base[@]}" -output "$work/good.h5" > /dev/null 2>&1 || fail "good run failed"
cp "$work/good.h5" "$work/good.copy"
run_mpi 2 "$build/terrain-train" "${base[@]}" -train_lr 1e8 -train_steps 50 -output "$work/good.h5" \
  > /dev/null 2> "$work/diverge.err" && fail "a diverging run exited 0"
grep -q "^terrain-train: error: the loss became .* at step" "$work/diverge.err" || fail "no divergence line: $(cat "$work/diverge.err")"
cmp -s "$work/good.h5" "$work/good.copy" || fail "a failed run changed the existing run file"
ls "$work" | grep -q "good.h5.tmp" && fail "a temporary file was left behind"

# A misspelt option is reported (the run itself succeeds with the default).
run_mpi 2 "$build/terrain-train" "${base[@]}" -train_lrr 0.5 -output "$work/typo.h5" > "$work/typo.log" 2>&1 \
  || fail "a run with an unused option failed"
grep -q "warning: option -train_lrr was given but never used" "$work/typo.log" || fail "no warning for a misspelt option"
finish
