# Every input of inputs/surfaces (the Li et al. 2018 loss-surface study) through its job script
# jobscripts/surfaces/li2018.sh at 2 ranks, shrunk by the script's knobs (100 samples, 100
# training steps, 5 x 5 surfaces, 3 x 3 curvature maps, 7-point lines, a 4 x 4 PCA plane), read
# back with h5py: every .opts file has one option per line and is used by the script; every
# surface is complete with the documented shapes and coordinates; the centres equal the runs'
# final losses; the init line ends at the run's step-0 loss and the seed line at the other run's
# loss; the curvature map lies on the plane of the 2-D surface and its residuals are below the
# tolerance; the PCA directions are orthonormal and the projected path equals numpy's projection
# of the snapshots; the summary has a block per network.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"

if [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "SKIPPED: dataset-fashion-mnist is not installed"
  exit 77
fi

# One option (and at most one value) per line: a second token is a PETSc error at run time.
for opts in inputs/surfaces/*.opts; do
  bad=$(grep -v -e '^#' -e '^$' "$opts" | grep -v -E '^-[A-Za-z0-9_]+( [^ ]+)?$' || true)
  [ -z "$bad" ] || fail "$opts: not one option per line: $bad"
done

shrink=(STEPS=100 SAVE_EVERY=50 N_TRAIN=100 N_TEST=50 N2D=5 NCURV=3 N1D=7 NPCA=4 NP=2)
env "${shrink[@]}" timeout 600 bash jobscripts/surfaces/li2018.sh "$build" "$work/out" > "$work/study.log" 2>&1 \
  || { fail "jobscripts/surfaces/li2018.sh exited non-zero"; tail -30 "$work/study.log"; finish; }
for opts in inputs/surfaces/*.opts; do
  name=$(basename "$opts")
  [ "$name" = li2018_train.opts ] && continue  # included by every li2018_train_*.opts
  grep -q -- "-options_file $opts" "$work/study.log" || fail "the study does not run $opts"
done

"$python" - "$work/out" <<'PY' || fail "surface files"
import sys, h5py, numpy as np
out = sys.argv[1]
bad = []


def check(cond, what):
    if not cond:
        bad.append(what)


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def complete(g, shape, net, name):
    check(g.attrs["complete"] == 1 and np.all(g["done"][...] == 1), f"{net}/{name}: not complete")
    check(g["train_loss"].shape == shape, f"{net}/{name}: shape {g['train_loss'].shape}, not {shape}")
    check(np.all(np.isfinite(g["train_loss"][...])), f"{net}/{name}: non-finite losses")


runs = {n: h5py.File(f"{out}/li2018_{n}.h5", "r")
        for n in ("d10_plain", "d10_skip", "d20_plain", "d20_skip", "d10_plain_seed1", "d10_skip_seed1")}
for net, f in runs.items():
    t = f["trajectory"]
    check(list(f["trajectory/params_step"][...]) == [0, 50, 100], f"{net}: snapshot steps {f['trajectory/params_step'][...]}")
    check(bool(f["model"].attrs["residual"]) == ("skip" in net), f"{net}: residual attribute")
    check(len(f["model"].attrs["widths"]) == (22 if "d20" in net else 12), f"{net}: depth")
    check(f["data"].attrs["n_train"] == 100, f"{net}: n_train {f['data'].attrs['n_train']}")
    check(t["step"][0] == 0 and t["step"][-1] == 100, f"{net}: trajectory steps")
    if "seed1" in net:
        check("surface" not in f, f"{net}: surfaces on a second seed")
        continue
    final, init, final_test = t["loss"][-1], t["loss"][0], t["test_loss"][-1]
    s = f["surface"]

    g = s["surface2d"]
    complete(g, (5, 5), net, "surface2d")
    check(np.array_equal(g["xcoordinates"][...], np.linspace(-1, 1, 5)), f"{net}: surface2d x")
    check(np.allclose(g["ycoordinates"][...], np.linspace(-1, 1, 5), rtol=0, atol=1e-15), f"{net}: surface2d y")
    check(rel(g["train_loss"][2, 2], final) < 1e-12, f"{net}: surface2d centre {g['train_loss'][2, 2]} vs {final}")
    check(rel(g["test_loss"][2, 2], final_test) < 1e-12, f"{net}: surface2d centre test loss")
    for d in ("xdirection", "ydirection"):
        a = g[d].attrs
        check((a["kind"], a["normalisation"], a["bias_policy"]) == ("random", "filter", "zero"),
              f"{net}: {d} {a['kind']}/{a['normalisation']}/{a['bias_policy']}")
    check(g["xdirection"].attrs["seed"] == g["ydirection"].attrs["seed"] == 0, f"{net}: direction seeds")
    check(not np.array_equal(g["xdirection"][...], g["ydirection"][...]), f"{net}: x and y directions equal")
    centre = g["train_loss"][2, 2]
    check(np.all(g["train_loss"][...] >= centre), f"{net}: a 5 x 5 point below the trained centre")

    c = s["curvature"]
    complete(c, (3, 3), net, "curvature")
    for d in ("xdirection", "ydirection"):
        check(np.array_equal(c[d][...], g[d][...]), f"{net}: the curvature map is not on surface2d's plane")
    check(rel(c["train_loss"][1, 1], centre) < 1e-13, f"{net}: curvature centre loss")
    check(rel(c["train_loss"][0, 2], g["train_loss"][0, 4]) < 1e-13, f"{net}: curvature corner (-1, 1) loss")
    lmin, lmax = c["lambda_min"][...], c["lambda_max"][...]
    check(np.all(lmin <= lmax) and np.all(lmax > 0), f"{net}: lambda_min > lambda_max or lambda_max <= 0")
    check(np.max(c["lambda_max_residual"][...]) <= 1e-4 and np.max(c["lambda_min_residual"][...]) <= 1e-4,
          f"{net}: curvature residuals above -surf_eig_tol 1e-4")
    check(np.allclose(c["lambda_ratio"][...], np.abs(lmin / lmax), rtol=1e-15), f"{net}: lambda_ratio")
    check(np.all(c["n_matvec"][...] > 0), f"{net}: n_matvec")

    line = s["interp_init"]
    complete(line, (7,), net, "interp_init")
    x = line["xcoordinates"][...]
    check(np.allclose(x, np.linspace(-0.25, 1.25, 7), rtol=0, atol=1e-15), f"{net}: interp_init x")
    a = line["xdirection"].attrs
    check(a["kind"] == "target" and a["source"].endswith("/trajectory/params (step 0)"),
          f"{net}: interp_init target {a['source']}")
    check(rel(line["train_loss"][1], final) < 1e-12, f"{net}: interp_init x = 0 is not the solution")
    check(rel(line["train_loss"][5], init) < 1e-10, f"{net}: interp_init x = 1: {line['train_loss'][5]} vs the initial loss {init}")
    check(rel(line["test_loss"][5], t["test_loss"][0]) < 1e-10, f"{net}: interp_init x = 1 test loss")
    snap = f["trajectory/params"][0]
    check(np.allclose(f["params"][...] + line["xdirection"][...], snap, rtol=0, atol=1e-13),
          f"{net}: interp_init direction is not theta_0 - theta")

    if net in ("d10_plain", "d10_skip"):
        other = runs[f"{net}_seed1"]
        line = s["interp_seeds"]
        complete(line, (7,), net, "interp_seeds")
        check(rel(line["train_loss"][1], final) < 1e-12, f"{net}: interp_seeds x = 0")
        check(rel(line["train_loss"][5], other["trajectory/loss"][-1]) < 1e-10, f"{net}: interp_seeds x = 1 is not seed 1's loss")
        check(np.allclose(line["xdirection"][...], other["params"][...] - f["params"][...], rtol=0, atol=1e-14),
              f"{net}: interp_seeds direction")
    else:
        check("interp_seeds" not in s and "pca" not in s, f"{net}: unexpected surfaces {list(s)}")

f = runs["d10_plain"]
p = f["surface/pca"]
complete(p, (4, 4), "d10_plain", "pca")
dx, dy = p["xdirection"][...], p["ydirection"][...]
check(abs(dx @ dx - 1) < 1e-12 and abs(dy @ dy - 1) < 1e-12 and abs(dx @ dy) < 1e-12, "pca directions not orthonormal")
check(p["xdirection"].attrs["kind"] == "pca" and p["ydirection"].attrs["component"] == 1, "pca direction attributes")
pp = p["pca"]
evr = pp["explained_variance_ratio"][...]
check(len(evr) >= 2 and np.all(evr >= 0) and evr.sum() <= 1 + 1e-12 and evr[0] >= evr[1], f"explained variance {evr}")
theta = f["params"][...]
snaps, steps = f["trajectory/params"][...], f["trajectory/params_step"][...]
for k, step in enumerate(pp["step"][...]):
    row = snaps[list(steps).index(step)] - theta
    check(abs(pp["proj_xcoord"][k] - row @ dx) < 1e-10 * max(1, abs(row @ dx)), f"pca proj_xcoord at step {step}")
    check(abs(pp["proj_ycoord"][k] - row @ dy) < 1e-10 * max(1, abs(row @ dy)), f"pca proj_ycoord at step {step}")
xs, ys = p["xcoordinates"][...], p["ycoordinates"][...]
check(xs[0] < pp["proj_xcoord"][...].min() and xs[-1] > pp["proj_xcoord"][...].max() and xs[0] < 0 < xs[-1]
      and ys[0] < pp["proj_ycoord"][...].min() and ys[-1] > pp["proj_ycoord"][...].max() and ys[0] < 0 < ys[-1],
      "the PCA plane does not hold the projected path and the centre")

summary = open(f"{out}/li2018_summary.txt").read()
for net in ("d10_plain", "d10_skip", "d20_plain", "d20_skip"):
    check(f"== {net}:" in summary, f"summary: no block for {net}")
for what in ("surface2d 5x5", "curvature 3x3", "interp_init", "interp_seeds", "pca 4x4"):
    check(what in summary, f"summary: no {what}")
import os
for net in ("d10_plain", "d10_skip", "d20_plain", "d20_skip"):
    for fig in ("contour", "surface3d", "curvature", "interp_init"):
        png = f"{out}/{net}_{fig}.png"
        check(os.path.exists(png) and os.path.getsize(png) > 10000, f"no figure {png}")
check(os.path.exists(f"{out}/d10_plain_pca.png"), "no PCA figure")
if bad:
    sys.exit("; ".join(bad))
print("surface study files OK")
PY
finish
