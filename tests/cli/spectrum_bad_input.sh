# Bad input to terrain-spectrum: each case, at 3 ranks and at 1 or 2 (alternating, to keep the test
# short; every case is detected before or in collective calls, identically on every rank), exits
# non-zero on every rank within the time limit, prints exactly one "terrain-spectrum: error:" line naming the option or file, and
# never changes the run file it was asked to update (nor leaves a temporary behind).
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"

# --- fixtures ---
run_mpi 2 "$build/terrain-train" -options_file inputs/quickstart.opts -train_steps 100 -hess_nev 0 \
  -output "$work/good.h5" > "$work/train.log" 2>&1 || { fail "terrain-train"; cat "$work/train.log"; }
cp "$work/good.h5" "$work/good.copy"
printf 'this is not HDF5\n' > "$work/garbage.h5"
"$python" - "$work" <<'PY'
import sys, h5py, numpy as np
w = sys.argv[1]
with h5py.File(f"{w}/good.h5", "r") as good:
    params = good["params"][:]
    with h5py.File(f"{w}/no_options.h5", "w") as f:  # a run file that records no -data_ options
        for key in ("model", "params"):
            good.copy(key, f)
        f.attrs["schema_version"] = np.int64(1)
with h5py.File(f"{w}/torch.h5", "w") as f:  # a bare parameter file (no /model)
    f["params"] = params
for name, bad in (("nan", np.nan), ("inf", np.inf)):  # a run whose point is not finite
    with h5py.File(f"{w}/good.h5", "r") as good, h5py.File(f"{w}/{name}.h5", "w") as f:
        for key in good:
            good.copy(key, f)
        for key, value in good.attrs.items():
            f.attrs[key] = value
        p = f["params"][...]
        p[[17, 40]] = bad
        f["params"][...] = p
PY

# expect_error <what the message must contain> <terrain-spectrum arguments...>
cases=0
expect_error() {
  cases=$((cases + 1))
  expect_error_from terrain-spectrum "$((1 + cases % 2)) 3" "$@"
  cmp -s "$work/good.h5" "$work/good.copy" || { fail "the run file changed after: $*"; cp "$work/good.copy" "$work/good.h5"; }
  ls "$work" | grep -q "\.tmp\." && fail "a temporary file was left behind by: $*"
}

good=(-input "$work/good.h5" -hess_nev 2)
expect_error "-input is required" -hess_nev 2
expect_error "missing.h5" -input "$work/missing.h5"
expect_error "garbage.h5" -input "$work/garbage.h5"
expect_error "-spectrum_full_max 100" "${good[@]}" -spectrum_full -spectrum_full_max 100
expect_error "-spectrum_inertia" "${good[@]}" -spectrum_inertia -spectrum_full_max 100
expect_error "no /trajectory/params" "${good[@]}" -spectrum_step 7
expect_error "-spectrum_step" "${good[@]}" -spectrum_step -5
expect_error "-spectrum_zero_tol" "${good[@]}" -spectrum_zero_tol -1
expect_error "-spectrum_zero_tol" "${good[@]}" -spectrum_zero_tol abc
expect_error "-spectrum_name" "${good[@]}" -spectrum_name a/b
expect_error "-spectrum_dense_solver" "${good[@]}" -spectrum_dense_solver magma
expect_error "-spectrum_trace_probes" "${good[@]}" -spectrum_trace -spectrum_trace_probes 2
expect_error "-spectrum_count_max" "${good[@]}" -spectrum_count -spectrum_count_nev 8 -spectrum_count_max 4
expect_error "-hess_operator" "${good[@]}" -hess_operator fisher
expect_error "-hess_nev" "${good[@]}" -hess_nev -1
expect_error "no_such_dir" "${good[@]}" -output "$work/no_such_dir/out.h5"
expect_error "records no -data_ options" -input "$work/no_options.h5" -hess_nev 2
expect_error "-model_widths" -input "$work/torch.h5" -data_source target1d -hess_nev 2
expect_error "-model_widths ends with 1" "${good[@]}" -data_source teacher -data_teacher_widths 1,4,2
expect_error "-data_source" "${good[@]}" -data_source parquet
expect_error "params has 321 entries" -input "$work/torch.h5" -model_widths 1,8,1 -data_source target1d
# Non-finite parameters are an input error naming the file (they read as an "indefinite matrix"
# from PETSc on every rank, or exited 0 with results); training from them likewise.
expect_error "nan.h5: dataset params: 2 entries are not a finite number, the first is entry 17 (nan)" -input "$work/nan.h5"
expect_error "inf.h5: dataset params: 2 entries are not a finite number, the first is entry 17 (inf)" -input "$work/inf.h5"
for np in 1 3; do
  expect_error_from terrain-train "$np" "inf.h5: dataset params: 2 entries are not a finite number" \
    -options_file inputs/quickstart.opts -train_steps 5 -model_init_file "$work/inf.h5" -output "$work/from_inf.h5"
  expect_error_from terrain-surface "$np" "nan.h5: dataset params" -input "$work/nan.h5" -surf_x -1:1:3
done
# 2 samples on 3 ranks: a rank has no shard.
for np in 3; do
  run_mpi "$np" "$build/terrain-spectrum" "${good[@]}" -data_n 2 -spectrum_shards > /dev/null 2> "$work/stderr" \
    && fail "empty shard accepted"
  grep -q "^terrain-spectrum: error: -spectrum_shards: a rank holds no samples" "$work/stderr" \
    || fail "no empty-shard line: $(cat "$work/stderr")"
done
cmp -s "$work/good.h5" "$work/good.copy" || fail "the run file changed"

# A good run after all that updates the file in place, keeping what was there.
run_mpi 2 "$build/terrain-spectrum" "${good[@]}" > /dev/null 2>&1 || fail "the good run failed"
"$python" - "$work/good.h5" <<'PY' || fail "the updated run file"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert "analysis" in f["spectrum"] and "trajectory" in f and "params" in f
PY
finish
