# terrain-train on the default study at 1, 2 and 3 ranks: the run file reads back with h5py
# with the documented schema, training lowered the loss, the eigenpairs have small residuals,
# the ranks agree to rounding, and terrain-plot draws it.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
for np in 1 2 3; do
  run_mpi "$np" "$build/terrain-train" -options_file inputs/quickstart.opts -output "$work/q$np.h5" \
    > "$work/q$np.log" 2>&1 || { fail "np=$np terrain-train exited non-zero"; cat "$work/q$np.log"; }
  grep -q "largest hessian eigenvalues" "$work/q$np.log" || fail "np=$np printed no eigenvalues"
done
"$python" - "$work" <<'PY' || fail "run-file checks"
import sys, h5py, numpy as np
work = sys.argv[1]
runs = [h5py.File(f"{work}/q{np}.h5", "r") for np in (1, 2, 3)]
for np_, f in zip((1, 2, 3), runs):
    assert f.attrs["schema_version"] == 1
    assert f.attrs["nranks"] == np_, f.attrs["nranks"]
    assert "-model_widths" in f.attrs["options"]
    widths = list(f["model"].attrs["widths"])
    assert widths == [1, 16, 16, 1], widths
    n = int(f["model"].attrs["n_params"])
    assert n == 16 * 2 + 16 * 17 + 17, n
    assert f["params"].shape == (n,)
    t = f["trajectory"]
    length = t["step"].shape[0]
    for column in ("loss", "grad_norm", "lr", "wall_time", "test_loss"):
        assert t[column].shape == (length,), column
    assert t["step"][0] == 0 and t["step"][-1] == 20000
    assert t["loss"][-1] < 1e-2 * t["loss"][0], (t["loss"][0], t["loss"][-1])
    s = f["spectrum/final"]
    largest, smallest = s["largest"][:], s["smallest"][:]
    assert len(largest) == 5 and len(smallest) == 5
    assert np.all(np.diff(largest) <= 0) and np.all(np.diff(smallest) >= 0)
    assert np.all(s["largest_residuals"][:] <= 1e-9) and np.all(s["smallest_residuals"][:] <= 1e-9)
    assert s.attrs["n_matvec"] > 0
# Different rank counts: equal to rounding after 20000 steps.
ref = runs[0]
for f in runs[1:]:
    for path in ("params", "trajectory/loss", "spectrum/final/largest"):
        a, b = ref[path][:], f[path][:]
        err = np.max(np.abs(a - b)) / np.max(np.abs(a))
        assert err < 1e-9, (path, err)
print("run files OK")
PY
run_mpi 2 "$build/terrain-train" -options_file inputs/quickstart.opts -output "$work/again.h5" > /dev/null 2>&1
"$python" - "$work" <<'PY' || fail "same rank count is not bitwise reproducible"
import sys, h5py, numpy as np
a, b = (h5py.File(f"{sys.argv[1]}/{n}.h5", "r") for n in ("q2", "again"))
for path in ("params", "trajectory/loss", "spectrum/final/eigenvalues"):
    assert np.array_equal(a[path][:], b[path][:]), path
PY
"$build/terrain-plot" "$work/q2.h5" -o "$work/q2.png" || fail "terrain-plot failed"
[ -s "$work/q2.png" ] || fail "terrain-plot wrote no PNG"
# Restarting from the run file's final parameters with 0 steps evaluates the same loss.
run_mpi 3 "$build/terrain-train" -options_file inputs/quickstart.opts -model_init_file "$work/q2.h5" \
  -train_steps 0 -hess_nev 0 -output "$work/eval.h5" > "$work/eval.log" 2>&1 || fail "evaluation run failed"
"$python" - "$work" <<'PY' || fail "0-step evaluation from -model_init_file disagrees"
import sys, h5py, numpy as np
a, b = (h5py.File(f"{sys.argv[1]}/{n}.h5", "r") for n in ("q2", "eval"))
assert b["trajectory/loss"].shape == (1,)
assert abs(b["trajectory/loss"][0] - a["trajectory/loss"][-1]) <= 1e-12 * a["trajectory/loss"][-1]
assert "spectrum" not in b
PY
finish
