# Every input in inputs/training/ through terrain-train, and the run files read back with h5py:
# shapes, values and attributes of /trajectory, /trajectory/params, /train, /checkpoint and
# /ensemble as documented; SGD at 1, 2 and 3 ranks agrees to rounding; GD at lr 0.5 sits at the
# edge of stability (λ_max rises to 2/lr and stays); terrain-plot draws the training figures.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
inputs=inputs/training
have_fashion=0
[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] && have_fashion=1

for np in 1 2 3; do
  run_mpi "$np" "$build/terrain-train" -options_file $inputs/sgd_momentum_iris.opts -output "$work/iris$np.h5" \
    > "$work/iris$np.log" 2>&1 || { fail "sgd_momentum_iris np=$np"; cat "$work/iris$np.log"; }
done
run_mpi 2 "$build/terrain-train" -options_file $inputs/gd_edge_of_stability.opts -output "$work/eos.h5" \
  > "$work/eos.log" 2>&1 || { fail "gd_edge_of_stability"; cat "$work/eos.log"; }
run_mpi 3 "$build/terrain-train" -options_file $inputs/ensemble_relu1d.opts -output "$work/ensemble.h5" \
  > "$work/ensemble.log" 2>&1 || { fail "ensemble_relu1d"; cat "$work/ensemble.log"; }
# The benchmark inputs, shortened (their full length is for timing by hand).
run_mpi 1 "$build/terrain-train" -options_file $inputs/bench_relu1d_16.opts -train_steps 3000 -output "$work/bench1.h5" \
  > "$work/bench1.log" 2>&1 || { fail "bench_relu1d_16"; cat "$work/bench1.log"; }
if ((have_fashion)); then
  run_mpi 2 "$build/terrain-train" -options_file $inputs/adam_fashion_mnist.opts -train_steps 150 -output "$work/adam.h5" \
    > "$work/adam.log" 2>&1 || { fail "adam_fashion_mnist"; cat "$work/adam.log"; }
  run_mpi 2 "$build/terrain-train" -options_file $inputs/bench_fashion_784_256_10.opts -train_steps 2 -output "$work/bench2.h5" \
    > "$work/bench2.log" 2>&1 || { fail "bench_fashion_784_256_10"; cat "$work/bench2.log"; }
else
  echo "SKIPPED the Fashion-MNIST inputs: dataset-fashion-mnist is not installed"
fi

"$python" - "$work" "$have_fashion" <<'PY' || fail "run-file checks"
import sys, math, h5py, numpy as np
w, have_fashion = sys.argv[1], sys.argv[2] == "1"

# --- SGD with momentum on Iris: every documented column, attribute and value ---
f = h5py.File(f"{w}/iris2.h5", "r")
assert f.attrs["schema_version"] == 1 and f.attrs["nranks"] == 2
t, train, c = f["trajectory"], f["train"].attrs, f["checkpoint"].attrs
assert train["optimizer"] == "momentum" and train["batch"] == 16 and train["momentum"] == 0.9
assert train["schedule"] == "cosine" and train["warmup"] == 100 and train["steps"] == 6000
assert abs(train["temperature"] - 0.01 / 32) < 1e-18
columns = {"step", "epoch", "loss", "accuracy", "test_loss", "test_accuracy", "batch_loss", "grad_norm",
           "gHg", "predicted_change", "lr", "temperature", "lambda_max", "lambda_max_residual",
           "lambda_max_hv", "two_over_lr", "wall_time", "step_time", "params", "params_step"}
assert set(t.keys()) == columns, set(t.keys()) ^ columns
step = t["step"][...]
assert t["step"].dtype == np.int64 and t["lambda_max_hv"].dtype == np.int64
assert np.array_equal(step, np.arange(0, 6001, 50)), step
for name in columns - {"params", "params_step"}:
    assert t[name].shape == step.shape, name
    assert t[name].maxshape == (None,), name           # extendible
    assert len(t[name].attrs["description"]) > 10, name
# lr: warm-up then cosine from 0.01 to 0.001 over 6000 steps; temperature lr/(2B); 2/lr.
lr = 0.001 + 0.009 * 0.5 * (1 + np.cos(np.pi * np.minimum(step, 6000) / 6000))
lr = lr * np.where(step < 100, (step + 1) / 100, 1.0)
assert np.allclose(t["lr"][...], lr, rtol=1e-14, atol=0), np.max(np.abs(t["lr"][...] - lr))
assert np.allclose(t["temperature"][...], t["lr"][...] / 32, rtol=1e-15)
assert np.allclose(t["two_over_lr"][...], 2 / t["lr"][...], rtol=1e-15)
assert np.allclose(t["epoch"][...], step / 7)          # 120 samples: 7 batches of 16 per epoch
g2, ghg, eps = t["grad_norm"][...] ** 2, t["gHg"][...], t["lr"][...]
assert np.allclose(t["predicted_change"][...], 0.5 * eps**2 * ghg - eps * g2, rtol=1e-12, atol=1e-18)
assert np.all(np.diff(t["wall_time"][...]) >= 0) and np.all(t["step_time"][1:] > 0)
assert np.all(t["lambda_max"][...] > 0) and np.all(t["lambda_max_residual"][...] <= 1e-4 * t["lambda_max"][...])
assert np.all(t["lambda_max_hv"][...] >= 1)
assert t["lambda_max_hv"][1:].mean() < t["lambda_max_hv"][0], "warm starts should be cheaper than the first"
assert t["accuracy"][-1] >= 0.95 and t["test_accuracy"][-1] >= 0.9, (t["accuracy"][-1], t["test_accuracy"][-1])
assert t["loss"][-1] < 0.2 * t["loss"][0]
# λ_max of the last row is the largest eigenvalue of /spectrum/final (same point).
top = f["spectrum/final/largest"][0]
assert abs(t["lambda_max"][-1] - top) <= 1e-6 * top, (t["lambda_max"][-1], top)
# Snapshots: every 500 steps, each rank its hyperslab of one row.
n = int(f["model"].attrs["n_params"])
assert t["params"].shape == (13, n) and t["params"].maxshape == (None, n)
assert np.array_equal(t["params_step"][...], np.arange(0, 6001, 500))
assert np.array_equal(t["params"][-1], f["params"][...])
# The checkpoint accounts for everything on file.
assert c["status"] == "finished" and c["step"] == 6000 and c["rows"] == len(step) and c["saved"] == 13
assert c["nranks"] == 2 and c["elapsed"] > 0
assert f["checkpoint/velocity"].shape == (n,)
# Rank counts agree to rounding.
for np_ in (1, 3):
    g = h5py.File(f"{w}/iris{np_}.h5", "r")
    for d in ("params", "trajectory/loss", "trajectory/batch_loss", "trajectory/params", "checkpoint/velocity"):
        a, b = f[d][...], g[d][...]
        err = np.max(np.abs(a - b)) / np.max(np.abs(a))
        assert err < 1e-9, (np_, d, err)

# --- GD at lr 0.4: λ_max rises to 2/lr = 5 and stays there ---
e = h5py.File(f"{w}/eos.h5", "r")["trajectory"]
lam, two = e["lambda_max"][...], e["two_over_lr"][...]
assert lam[0] < 0.8 * two[0], lam[0]
assert np.all(np.abs(lam[-10:] / two[-10:] - 1) < 0.06), lam[-10:]
assert "epoch" not in e and "batch_loss" not in e and "temperature" not in e   # full batch

# --- the ensemble: 5 widths x 8 seeds, the loss at every step ---
en = h5py.File(f"{w}/ensemble.h5", "r")["ensemble"]
assert en.attrs["complete"] == 1 and en.attrs["n_runs"] == 40 and en.attrs["n_groups"] == 3
assert list(en.attrs["widths"]) == [2, 4, 8, 16, 32] and list(en.attrs["seeds"]) == list(range(8))
assert list(en["width"][...]) == [w_ for w_ in (2, 4, 8, 16, 32) for _ in range(8)]
assert list(en["seed"][...]) == list(range(8)) * 5 and np.all(en["finished"][...] == 1)
for i in (0, 17, 39):
    r = en[f"run_{i:06d}"]
    assert r.attrs["status"] == "finished" and r.attrs["width"] == en["width"][i] and r.attrs["seed"] == en["seed"][i]
    assert list(r["model"].attrs["widths"]) == [1, int(en["width"][i]), 1] and r["model"].attrs["seed"] == en["seed"][i]
    assert r["trajectory/loss"].shape == (10001,) and "gHg" not in r["trajectory"]
    assert r["trajectory/loss"][-1] == en["final_loss"][i]
# Wider networks fit better (the point of the study): median final loss falls with width.
final = en["final_loss"][...].reshape(5, 8)
assert np.median(final[-1]) < np.median(final[0])

if have_fashion:
    a = h5py.File(f"{w}/adam.h5", "r")
    assert a["train"].attrs["optimizer"] == "adam" and a["train"].attrs["clip_norm"] == 5
    assert set(a["checkpoint"].keys()) == {"adam_m", "adam_v", "lambda_max_vector"}
    assert a["trajectory/test_accuracy"][-1] > 0.6
print("run files OK")
PY

# The loss spectrum behind the figure, against a histogram computed here.
"$python" - "$work" "$build" <<'PY' || fail "loss spectrum values"
import sys, h5py, numpy as np
sys.path.insert(0, sys.argv[2])
import terrain_plot_training as tp
with h5py.File(f"{sys.argv[1]}/ensemble.h5", "r") as f:
    widths, frequency, edges = tp.loss_spectrum(f)
    assert widths == [2, 4, 8, 16, 32] and frequency.shape == (5, 200) and len(edges) == 201
    assert edges[0] == -5 and edges[-1] == 0
    assert np.allclose(frequency.sum(axis=1), 1.0)
    e = f["ensemble"]
    losses = np.concatenate([e[f"run_{i:06d}/trajectory/loss"][...] for i in range(8, 16)])  # width 4
    expected = np.histogram(np.clip(np.log10(losses), -5, 0), bins=200, range=(-5, 0))[0]
    assert np.allclose(frequency[1], expected / expected.sum(), rtol=0, atol=1e-15)
PY
plot=("$build/terrain-plot")
"${plot[@]}" "$work/iris2.h5" --kind training -o "$work/training.png" > /dev/null || fail "plot --kind training"
"${plot[@]}" "$work/eos.h5" --kind curvature -o "$work/curvature.png" > /dev/null || fail "plot --kind curvature"
"${plot[@]}" "$work/ensemble.h5" --kind loss_spectrum -o "$work/spectrum.png" > /dev/null || fail "plot --kind loss_spectrum"
for png in training curvature spectrum; do [ -s "$work/$png.png" ] || fail "no $png.png"; done
# Figures that do not fit the file: one line, exit 1.
"${plot[@]}" "$work/ensemble.h5" --kind curvature -o "$work/x.png" 2> "$work/err" && fail "curvature of an ensemble drew"
grep -q "^terrain-plot: error: .*ensemble.h5: is an ensemble file" "$work/err" || fail "ensemble/curvature message: $(cat "$work/err")"
"${plot[@]}" "$work/bench1.h5" --kind curvature -o "$work/x.png" > /dev/null || fail "curvature without lambda_max"
"${plot[@]}" "$work/iris2.h5" --kind loss_spectrum -o "$work/x.png" 2> "$work/err" && fail "loss_spectrum of a single run drew"
[ "$(wc -l < "$work/err")" -eq 1 ] || fail "loss_spectrum of a single run: $(cat "$work/err")"
finish
