# Bad input to terrain-surface: each case, at 3 ranks and at 1 or 2 (alternating), exits non-zero on
# every rank within the time limit, prints exactly one "terrain-surface: error:" line naming the
# option or file, never changes the run file it was asked to update, and leaves neither a temporary
# nor (for errors found before the first point) a directory of finished points behind.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"

run_mpi 2 "$build/terrain-train" -options_file inputs/quickstart.opts -train_steps 100 -hess_nev 0 \
  -output "$work/good.h5" > "$work/train.log" 2>&1 || { fail "terrain-train"; cat "$work/train.log"; }
run_mpi 2 "$build/terrain-train" -options_file inputs/quickstart.opts -model_widths 1,8,1 -train_steps 10 \
  -hess_nev 0 -output "$work/other_net.h5" > "$work/train.log" 2>&1 || { fail "terrain-train (other net)"; cat "$work/train.log"; }
cp "$work/good.h5" "$work/good.copy"
"$python" - "$work" <<'PY'
import sys, h5py, numpy as np
w = sys.argv[1]
with h5py.File(f"{w}/short.h5", "w") as f:  # a parameter file of the wrong length
    f["params"] = np.zeros(17)
PY

cases=0
expect_error() {
  cases=$((cases + 1))
  expect_error_from terrain-surface "$((1 + cases % 2)) 3" "$@"
  cmp -s "$work/good.h5" "$work/good.copy" || { fail "the run file changed after: $*"; cp "$work/good.copy" "$work/good.h5"; }
  ls "$work" | grep -q "\.tmp\." && fail "a temporary file was left behind by: $*"
  ls "$work" | grep -q "\.surface-" && { fail "a directory of finished points was left by: $*"; rm -rf "$work"/*.surface-*; }
}

good=(-input "$work/good.h5" -surf_x -1:1:3)
expect_error "-input is required" -surf_x -1:1:3
expect_error "-surf_x is required" -input "$work/good.h5"
expect_error "missing.h5" -input "$work/missing.h5" -surf_x -1:1:3
expect_error "-surf_x" -input "$work/good.h5" -surf_x 1:-1:5
expect_error "-surf_x" -input "$work/good.h5" -surf_x -1:1:0
expect_error "-surf_x" -input "$work/good.h5" -surf_x -1:1
expect_error "-surf_y" "${good[@]}" -surf_y 0:0:3
expect_error "-surf_y" "${good[@]}" -surf_ydir random
expect_error "-surf_name" "${good[@]}" -surf_name a/b
expect_error "-surf_chunk" "${good[@]}" -surf_chunk 0
expect_error "-surf_group_size" "${good[@]}" -surf_group_size -1
expect_error "-surf_eig_tol" "${good[@]}" -surf_curvature -surf_eig_tol 0
expect_error "-surf_xdir" "${good[@]}" -surf_xdir sideways
expect_error "-surf_norm" "${good[@]}" -surf_norm l2
expect_error "-surf_xtarget" "${good[@]}" -surf_xdir target
expect_error "short.h5" "${good[@]}" -surf_xdir target -surf_xtarget "$work/short.h5"
expect_error "other_net.h5" "${good[@]}" -surf_xdir target -surf_xtarget "$work/other_net.h5"
expect_error "-surf_xtarget" "${good[@]}" -surf_xdir target -surf_xtarget "$work/good.h5"
expect_error "no /trajectory/params" "${good[@]}" -surf_xdir pca
expect_error "-surf_trajectory" "${good[@]}" -surf_xdir pca -surf_trajectory "$work/other_net.h5"
expect_error "-sharp_eps" "${good[@]}" -surf_sharpness -sharp_eps -1
expect_error "no_such_dir" "${good[@]}" -output "$work/no_such_dir/out.h5"
((cases >= 20)) || fail "only $cases cases ran"
run_mpi 1 "$build/terrain-surface" -help > "$work/help.txt" 2>&1 || fail "terrain-surface -help exited non-zero"
for option in "Sample runs" -input -output -surf_x -surf_y -surf_xdir -surf_norm -surf_bias -surf_curvature \
    -surf_group_size -surf_sharpness -sharp_eps -sharp_subspace -model_widths -data_source; do
  grep -q -- "$option" "$work/help.txt" || fail "terrain-surface -help does not list $option"
done
finish
