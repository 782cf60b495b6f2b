# The paths study end to end (jobscripts/paths/teacher.sh runs every inputs/paths/teacher_*.opts),
# read back with h5py: the three students are minima (n- = 0); the naive line between two of
# them rises (barrier > 1e-3) and the weight-matched one does not (the students found the
# teacher: ends within 1e-9, barrier <= 1e-20, L(g theta) = L(theta) along it); the trained Bezier
# curve is lower than the line; the NEB band is lower than the line and its saddle is a refined
# critical point whose index matches the inertia it reports; lambda_min and the index at every
# image; the three minima are one up to symmetry and the tree has two edges; the figures exist;
# the width study runs (shrunk) and writes the naive and both aligned lines per width.
source "$(dirname "$0")/lib/common.bash"
out="$work/out"
bash "$source_dir/jobscripts/paths/teacher.sh" "$build" "$out" > "$work/study.log" 2>&1 \
  || { fail "jobscripts/paths/teacher.sh"; tail -30 "$work/study.log"; }
for png in profiles lambda tree plane; do [ -s "$out/teacher_$png.png" ] || fail "no teacher_$png.png"; done
"$python" - "$out" <<'PY' || fail "h5py checks"
import sys
import h5py, numpy as np
o = sys.argv[1]
for s in "abc":
    sp = h5py.File(f"{o}/teacher_{s}.h5", "r")["spectrum/minimum"]
    assert int(sp.attrs["index"]) == 0 and sp.attrs["lambda_min"] > 0, (s, dict(sp.attrs))
line = h5py.File(f"{o}/teacher_linear.h5", "r")["path/linear"]
aligned = h5py.File(f"{o}/teacher_aligned.h5", "r")["path/aligned"]
bezier = h5py.File(f"{o}/teacher_bezier.h5", "r")["path/bezier"]
neb = h5py.File(f"{o}/teacher_neb.h5", "r")["path/neb"]
assert line.attrs["train_barrier"] > 1e-3, line.attrs["train_barrier"]
assert aligned.attrs["end_distance"] < 1e-9, aligned.attrs["end_distance"]
assert aligned.attrs["train_barrier"] <= 1e-20 and aligned.attrs["train_height"] <= 1e-20
assert aligned.attrs["align_objective_after"] > aligned.attrs["align_objective_before"]
for l in range(1):
    perm = aligned[f"permutation/layer{l}"][...]
    assert sorted(perm) == list(range(4)) and set(aligned[f"permutation/sign{l}"][...]) <= {-1, 1}
assert bezier.attrs["train_barrier"] < line.attrs["train_barrier"], "the curve is not lower"
assert neb.attrs["train_barrier"] < line.attrs["train_barrier"], "the band is not lower"
assert len(neb["lambda_min"]) == neb["pivots"].shape[0] == len(neb["index"])
assert neb["index"][0] == 0 and neb["index"][-1] == 0, "the ends are minima"
s = neb["saddle"].attrs
assert s["converged"] == 1 and s["grad_norm"] <= 1e-10, (s["converged"], s["grad_norm"])
assert s["index"] == s["n_neg"] >= 1 and s["n_neg"] + s["n_zero"] + s["n_pos"] == 26
assert s["lambda_min"] < 0 and 0 <= s["cosine_tangent"] <= 1
assert neb["saddle/params"].shape == (26,)
c = h5py.File(f"{o}/teacher_tree.h5", "r")["connectivity"]
assert c.attrs["n_minima"] == 3 and c.attrs["n_distinct"] == 1, dict(c.attrs)
assert c["tree_edges"].shape == (2, 2) and c["barriers"].shape == (3, 3)
assert np.allclose(c["barriers"][...], c["barriers"][...].T)
plane = h5py.File(f"{o}/teacher_plane.h5", "r")["surface/plane"]
assert plane["done"][...].all()
PY

# The width study (jobscripts/paths/width_barrier.sh, inputs/paths/width_*.opts), shrunk: one
# width, a few SGD steps; the file of the width holds the naive and both aligned lines.
WIDTHS="16" TRAIN_OPTIONS="-train_steps 20" bash "$source_dir/jobscripts/paths/width_barrier.sh" \
  "$build" "$work/width" > "$work/width.log" 2>&1 || { fail "width_barrier.sh"; tail -20 "$work/width.log"; }
[ -s "$work/width/width_barrier.png" ] || fail "no width_barrier.png"
"$python" - "$work/width" <<'PY' || fail "width study file"
import sys, h5py
f = h5py.File(f"{sys.argv[1]}/w16.h5", "r")
names = sorted(f["path"].keys())
assert names == ["activations", "naive", "weights"], names
aligns = {f["path"][n].attrs["align"] for n in names}
assert aligns == {"none", "weights", "activations"}, aligns
for n in names:
    assert "test_barrier" in f["path"][n].attrs
PY
finish
