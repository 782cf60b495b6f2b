# terrain-surface end to end at 1, 2 and 3 ranks and with 1 to 3 work groups, read back with
# h5py: every point equals an independent numpy forward pass at θ + x·d_x + y·d_y (1e-13), the
# centre equals the run's final loss, the plane cache equals direct evaluation, the storage order
# of a non-square grid, rank counts agree, groups of one rank are bitwise one rank, the curvature
# at a point equals terrain-spectrum's there with residuals below the tolerance, SIGTERM and
# SIGKILL mid-surface then the same command again give bitwise the uninterrupted surface, and
# resuming with other options is refused.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/training.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"
oracle="$source_dir/tests/cli/lib/surface_oracle.py"

# Data the oracle can read: 3 classes in 3-D (with a held-out test set), and a regression.
"$python" - "$work" <<'PY'
import sys, h5py, numpy as np
rng = np.random.default_rng(7)
with h5py.File(f"{sys.argv[1]}/class.h5", "w") as f:
    X = rng.normal(size=(90, 3))
    f["X"] = X
    f["labels"] = (np.argmax(X @ rng.normal(size=(3, 3)), axis=1)).astype(np.int64)
with h5py.File(f"{sys.argv[1]}/reg.h5", "w") as f:
    X = rng.uniform(-1, 1, size=(60, 2))
    f["X"] = X
    f["Y"] = np.sin(2 * X[:, :1]) + X[:, 1:] ** 2
PY
classify=(-data_source hdf5 -data_file "$work/class.h5" -model_widths 3,6,5,3 -model_activation tanh
  -model_loss cross_entropy -train_lr 0.2 -train_steps 300 -train_print_every 1000 -hess_nev 0)
run_mpi 2 "$build/terrain-train" "${classify[@]}" -output "$work/c.h5" > "$work/train.log" 2>&1 \
  || { fail "terrain-train (classification)"; cat "$work/train.log"; }
run_mpi 2 "$build/terrain-train" "${classify[@]}" -data_test_fraction 0.2 -output "$work/ct.h5" \
  > "$work/train.log" 2>&1 || { fail "terrain-train (with a test set)"; cat "$work/train.log"; }

# 1. A non-square 2-D surface with every per-point measure, at 1, 2 and 3 ranks.
surf=(-surf_x -1:1:5 -surf_y -0.5:1:4 -surf_curvature -surf_grad_norm -surf_trace -surf_eig_tol 1e-9 -surf_eig_rtol 0
  -surf_chunk 3)
for np in 1 2 3; do
  run_mpi "$np" "$build/terrain-surface" -input "$work/c.h5" "${surf[@]}" -output "$work/c.$np.h5" \
    > "$work/s.$np.log" 2>&1 || { fail "surface np=$np"; cat "$work/s.$np.log"; }
  "$python" "$oracle" "$work/c.$np.h5" loss "$work/class.h5" 1e-13 || fail "np=$np: numpy oracle"
  [ -e "$work/c.$np.h5.surface-loss" ] && fail "np=$np: the finished surface left its directory"
done
# Groups: 3 groups of 1 rank and 2 groups of 1 are bitwise 1 rank; 1 group of 2 and 2 of 2.
run_mpi 3 "$build/terrain-surface" -input "$work/c.h5" "${surf[@]}" -surf_group_size 1 \
  -output "$work/c.g3.h5" > "$work/g3.log" 2>&1 || { fail "3 groups"; cat "$work/g3.log"; }
grep -q "on 3 group(s) of 1 rank(s)" "$work/g3.log" || fail "3 groups: not on 3 groups ($(grep chunks "$work/g3.log"))"
same_results "$work/c.1.h5" "$work/c.g3.h5" || fail "3 groups of 1 rank differ from 1 rank"
run_mpi 2 "$build/terrain-surface" -input "$work/c.h5" "${surf[@]}" -surf_group_size 1 \
  -output "$work/c.g2.h5" > "$work/g2.log" 2>&1 || { fail "2 groups"; cat "$work/g2.log"; }
same_results "$work/c.1.h5" "$work/c.g2.h5" || fail "2 groups of 1 rank differ from 1 rank"

"$python" - "$work" <<'PY' || fail "surface checks"
import sys, h5py, numpy as np
w = sys.argv[1]
runs = {n: h5py.File(f"{w}/c.{n}.h5", "r") for n in ("1", "2", "3", "g3")}
g = runs["1"]["surface/loss"]
bad = []
# Layout: x first, non-square, every quantity, everything done.
if g["train_loss"].shape != (5, 4) or g.attrs["nx"] != 5 or g.attrs["ny"] != 4 or g.attrs["dims"] != 2:
    bad.append(f"shape {g['train_loss'].shape}, nx {g.attrs['nx']}, ny {g.attrs['ny']}")
if not np.array_equal(g["xcoordinates"][...], np.linspace(-1, 1, 5)) or not np.allclose(g["ycoordinates"][...], np.linspace(-0.5, 1, 4), rtol=0, atol=1e-15):
    bad.append("coordinates")
for name in ("train_loss", "train_acc", "grad_norm", "lambda_min", "lambda_max", "lambda_min_residual",
             "lambda_max_residual", "lambda_ratio", "n_matvec", "trace", "trace_stderr", "done"):
    if name not in g:
        bad.append(f"no {name}")
if "test_loss" in g:
    bad.append("test_loss without a test set")
if g.attrs["complete"] != 1 or not np.all(g["done"][...] == 1):
    bad.append("not complete")
# The centre (0, y=0 is not on this grid: use x = 0 and compare with a 1-D line later).
# Curvature: residuals below the tolerance, ratio consistent.
if np.max(g["lambda_max_residual"][...]) > 1e-9 or np.max(g["lambda_min_residual"][...]) > 1e-9:
    bad.append("residuals above -surf_eig_tol")
if not np.allclose(g["lambda_ratio"][...], np.abs(g["lambda_min"][...] / g["lambda_max"][...]), rtol=1e-15):
    bad.append("lambda_ratio")
# Rank counts agree to rounding (curvature to the solver tolerance).
for n in ("2", "3"):
    h = runs[n]["surface/loss"]
    for name, tol in (("train_loss", 1e-12), ("train_acc", 0), ("grad_norm", 1e-10), ("lambda_max", 1e-8),
                      ("lambda_min", 1e-8), ("trace", 1e-10)):
        a, b = g[name][...], h[name][...]
        err = np.max(np.abs(a - b)) / max(np.max(np.abs(a)), 1e-300)
        if not err <= tol:
            bad.append(f"np={n} {name} differs by {err:.3g}")
if bad:
    sys.exit("; ".join(bad))
PY

# 2. The curvature at a point equals terrain-spectrum's at θ + x·d_x + y·d_y (a copy of the run
#    file with that point as /params); the gradient norm equals its |grad L|.
"$python" - "$work" <<'PY' || fail "writing the point file"
import sys, shutil, h5py
w = sys.argv[1]
shutil.copy(f"{w}/c.h5", f"{w}/point.h5")
s = h5py.File(f"{w}/c.1.h5", "r")["surface/loss"]
x, y = s["xcoordinates"][4], s["ycoordinates"][1]
with h5py.File(f"{w}/point.h5", "r+") as f:
    f["params"][...] = f["params"][...] + x * s["xdirection"][...] + y * s["ydirection"][...]
PY
run_mpi 2 "$build/terrain-spectrum" -input "$work/point.h5" -hess_nev 1 -hess_tol 1e-11 \
  > "$work/spectrum.log" 2>&1 || { fail "terrain-spectrum at a grid point"; cat "$work/spectrum.log"; }
"$python" - "$work" <<'PY' || fail "curvature against terrain-spectrum"
import sys, h5py, numpy as np
w = sys.argv[1]
s = h5py.File(f"{w}/c.1.h5", "r")["surface/loss"]
sp = h5py.File(f"{w}/point.h5", "r")["spectrum/analysis"]
top, bottom = sp["largest"][0], sp["smallest"][0]
bad = []
if abs(s["lambda_max"][4, 1] - top) > 1e-8 * max(1, abs(top)):
    bad.append(f"lambda_max {s['lambda_max'][4, 1]} vs terrain-spectrum {top}")
if abs(s["lambda_min"][4, 1] - bottom) > 1e-8 * max(1, abs(top)):
    bad.append(f"lambda_min {s['lambda_min'][4, 1]} vs terrain-spectrum {bottom}")
if abs(s["train_loss"][4, 1] - sp.attrs["loss"]) > 1e-13 * sp.attrs["loss"]:
    bad.append(f"train_loss {s['train_loss'][4, 1]} vs terrain-spectrum {sp.attrs['loss']}")
g = sp.attrs["grad_norm"]
if g is not None and abs(s["grad_norm"][4, 1] - g) > 1e-10 * max(g, 1e-300):
    bad.append(f"grad_norm {s['grad_norm'][4, 1]} vs {g}")
if bad:
    sys.exit("; ".join(bad))
PY

# 3. A 1-D line through the centre with a test set: the centre is the run's final loss, and the
#    plane cache equals direct evaluation (train and test).
for cache in 1 0; do
  run_mpi 2 "$build/terrain-surface" -input "$work/ct.h5" -surf_x -2:2:9 -surf_plane_cache $cache \
    -surf_name line -output "$work/line.$cache.h5" > "$work/line.log" 2>&1 || { fail "line cache=$cache"; cat "$work/line.log"; }
done
"$python" - "$work" <<'PY' || fail "1-D line checks"
import sys, h5py, numpy as np
w = sys.argv[1]
a, b = (h5py.File(f"{w}/line.{c}.h5", "r")["surface/line"] for c in (1, 0))
run = h5py.File(f"{w}/ct.h5", "r")
bad = []
if a["train_loss"].shape != (9,) or "ycoordinates" in a or "ydirection" in a or a.attrs["dims"] != 1:
    bad.append("1-D layout")
centre, final = a["train_loss"][4], run["trajectory/loss"][-1]
if run["trajectory/step"][-1] != 300 or abs(centre - final) > 1e-12 * final:
    bad.append(f"centre {centre} vs the run's final loss {final}")
if abs(a["test_loss"][4] - run["trajectory/test_loss"][-1]) > 1e-12 * run["trajectory/test_loss"][-1]:
    bad.append("centre test loss")
for name in ("train_loss", "test_loss", "train_acc", "test_acc"):
    x, y = a[name][...], b[name][...]
    err = np.max(np.abs(x - y) / np.maximum(np.abs(y), 1e-300))
    if not err <= 1e-13:
        bad.append(f"{name}: plane cache vs direct differ by {err:.3g}")
if bad:
    sys.exit("; ".join(bad))
PY

# 4. PCA of the trajectory and the sharpness at the centre: the snapshots' steps and coordinates
#    (the centre's own at 0), descending variance shares, and λ_max equal to terrain-spectrum's.
run_mpi 2 "$build/terrain-train" "${classify[@]}" -train_save_every 50 -output "$work/cs.h5" \
  > "$work/train.log" 2>&1 || { fail "terrain-train (snapshots)"; cat "$work/train.log"; }
run_mpi 2 "$build/terrain-surface" -input "$work/cs.h5" -surf_x -1:1:3 -surf_y -1:1:3 -surf_xdir pca -surf_ydir pca \
  -surf_sharpness -surf_name pca -output "$work/pca.h5" > "$work/pca.log" 2>&1 || { fail "pca surface"; cat "$work/pca.log"; }
run_mpi 2 "$build/terrain-spectrum" -input "$work/cs.h5" -hess_nev 1 -hess_tol 1e-10 -output "$work/cs_spectrum.h5" \
  > "$work/spectrum.log" 2>&1 || { fail "terrain-spectrum at the centre"; cat "$work/spectrum.log"; }
"$python" - "$work" <<'PY' || fail "pca and sharpness checks"
import sys, h5py, numpy as np
w = sys.argv[1]
g = h5py.File(f"{w}/pca.h5", "r")["surface/pca"]
run = h5py.File(f"{w}/cs.h5", "r")
bad = []
steps = run["trajectory/params_step"][...]
if not np.array_equal(g["pca/step"][...], steps):
    bad.append(f"pca/step {g['pca/step'][...]} vs the snapshots {steps}")
last = int(np.argmax(steps))
if abs(g["pca/proj_xcoord"][last]) > 1e-12 or abs(g["pca/proj_ycoord"][last]) > 1e-12:
    bad.append("the centre's own snapshot is not at (0, 0)")
r = g["pca/explained_variance_ratio"][...]
if not (np.all(np.diff(r) <= 1e-15) and abs(r.sum() - 1) < 1e-12 and r[0] > 0):
    bad.append(f"explained variance ratios {r}")
if g["xdirection"].attrs["kind"] != "pca" or g["ydirection"].attrs["component"] != 1:
    bad.append("direction attributes")
if abs(np.dot(g["xdirection"][...], g["ydirection"][...])) > 1e-12:
    bad.append("pca directions not orthogonal")
s = g["sharpness"].attrs
top = h5py.File(f"{w}/cs_spectrum.h5", "r")["spectrum/analysis/largest"][0]
if not (s["sharpness"] >= 0 and s["max_loss"] >= s["loss"] and s["epsilon"] == 1e-3):
    bad.append(f"sharpness {s['sharpness']}, max_loss {s['max_loss']}, loss {s['loss']}")
if abs(s["lambda_max"] - top) > 1e-7 * abs(top):
    bad.append(f"sharpness lambda_max {s['lambda_max']} vs terrain-spectrum {top}")
if bad:
    sys.exit("; ".join(bad))
PY

# Every surface figure of terrain-plot on these real files, and the ParaView export.
for kind in contour contourf heatmap surface3d curvature_map vtk; do
  out="$work/plot.$kind.$([ $kind = vtk ] && echo vts || echo png)"
  "$build/terrain-plot" "$work/c.1.h5" --kind $kind -o "$out" > "$work/plot.log" 2>&1 && [ -s "$out" ] \
    || { fail "terrain-plot --kind $kind"; cat "$work/plot.log"; }
done
"$build/terrain-plot" "$work/line.1.h5" --kind surface1d -o "$work/line.png" > "$work/plot.log" 2>&1 \
  || { fail "terrain-plot --kind surface1d"; cat "$work/plot.log"; }
"$build/terrain-plot" "$work/pca.h5" --kind pca -o "$work/pca.png" > "$work/plot.log" 2>&1 \
  || { fail "terrain-plot --kind pca"; cat "$work/plot.log"; }

# 5. Restarts: SIGTERM to the ranks mid-surface writes the finished points (complete = 0) and
#    exits 0; SIGKILLs at random moments lose only chunks in flight; the same command again
#    finishes bitwise the uninterrupted surface. Chunks of 2 points, saved after each.
long=("$build/terrain-surface" -input "$work/c.h5" -surf_x -1:1:9 -surf_y -1:1:8 -surf_curvature
  -surf_chunk 2 -surf_save_every 0 -surf_eig_tol 1e-10 -surf_eig_rtol 0)
run_mpi 2 "${long[@]}" -output "$work/full.h5" > "$work/full.log" 2>&1 || { fail "uninterrupted surface"; cat "$work/full.log"; }
wait_for_part() {  # the first saved chunk of a background run
  for ((i = 0; i < 3000; ++i)); do
    compgen -G "$1.surface-loss/part_s*_g*.h5" > /dev/null && return 0
    sleep 0.01
  done
  return 1
}
cp "$work/c.h5" "$work/term.h5"
start_mpi 2 "${long[@]}" -input "$work/term.h5" > "$work/term.log" 2>&1
pid=$mpi_pid
wait_for_part "$work/term.h5" || fail "SIGTERM: no part file appeared"
signal_ranks TERM "$pid" terrain-surface
wait "$pid"
rc=$?
((rc == 0)) || { fail "SIGTERM: exit $rc"; cat "$work/term.log"; }
grep -q "stopped by a signal" "$work/term.log" || fail "SIGTERM: no stop line ($(tail -2 "$work/term.log"))"
"$python" -c "
import sys, h5py
g = h5py.File(sys.argv[1], 'r')['surface/loss']
assert g.attrs['complete'] == 0 and 0 < g.attrs['n_done'] < 72, (g.attrs['complete'], g.attrs['n_done'])
assert g['done'][...].sum() == g.attrs['n_done']
" "$work/term.h5" || fail "SIGTERM: the partial surface is not marked as partial"
run_mpi 2 "${long[@]}" -input "$work/term.h5" > "$work/resume.log" 2>&1 || { fail "resume after SIGTERM"; cat "$work/resume.log"; }
grep -q "resuming: [0-9]* done" "$work/resume.log" || fail "the resumed surface did not say so"
"$python" - "$work/full.h5" "$work/term.h5" <<'PY' || fail "SIGTERM + resume differs from the uninterrupted surface"
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r")["surface/loss"] for p in sys.argv[1:])
for n in a:
    if isinstance(a[n], h5py.Dataset) and not np.array_equal(a[n][...], b[n][...], equal_nan=True):
        sys.exit(f"{n} differs")
PY
# A start killed before plan.h5 was renamed into its directory left only temporaries: the next
# start begins again; a directory with other files and no plan is refused.
cp "$work/c.h5" "$work/early.h5"
mkdir "$work/early.h5.surface-loss"
touch "$work/early.h5.surface-loss/plan.h5.tmp.$(hostname).999999"
run_mpi 2 "${long[@]}" -input "$work/early.h5" > "$work/early.log" 2>&1 \
  || { fail "a start after one killed before its plan"; cat "$work/early.log"; }
mkdir "$work/foreign.h5.surface-loss" && touch "$work/foreign.h5.surface-loss/notes.txt"
cp "$work/c.h5" "$work/foreign.h5"
run_mpi 2 "${long[@]}" -input "$work/foreign.h5" > "$work/foreign.log" 2>&1 \
  && fail "a directory with other files and no plan.h5 was taken over"
grep -q "has no plan.h5" "$work/foreign.log" || fail "no plan.h5: $(head -3 "$work/foreign.log")"
cp "$work/c.h5" "$work/kill.h5"
for trial in 1 2 3; do
  start_mpi 2 "${long[@]}" -input "$work/kill.h5" > "$work/kill.log" 2>&1
  pid=$mpi_pid
  sleep "0.$((RANDOM % 9 + 1))"
  signal_ranks KILL "$pid" terrain-surface
  wait "$pid"
done
run_mpi 2 "${long[@]}" -input "$work/kill.h5" > "$work/kill.log" 2>&1 || { fail "resume after SIGKILL"; cat "$work/kill.log"; }
"$python" - "$work/full.h5" "$work/kill.h5" <<'PY' || fail "SIGKILL + resume differs from the uninterrupted surface"
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r")["surface/loss"] for p in sys.argv[1:])
for n in a:
    if isinstance(a[n], h5py.Dataset) and not np.array_equal(a[n][...], b[n][...], equal_nan=True):
        sys.exit(f"{n} differs")
PY
# Resuming with other options is refused with one line, and the finished points stay.
cp "$work/c.h5" "$work/other.h5"
start_mpi 2 "${long[@]}" -input "$work/other.h5" > "$work/other.log" 2>&1
pid=$mpi_pid
wait_for_part "$work/other.h5" || fail "other options: no part file appeared"
signal_ranks TERM "$pid" terrain-surface
wait "$pid"
expect_error_from terrain-surface "2" "-surf_eig_tol" "${long[@]:1}" -input "$work/other.h5" -surf_eig_tol 1e-8
compgen -G "$work/other.h5.surface-loss/part_s*_g*.h5" > /dev/null || fail "the refused resume lost the finished points"
finish
