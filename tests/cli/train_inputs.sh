# The classification inputs (Iris, Fashion-MNIST) through terrain-train, read back with h5py,
# plus -help of every driver: exit 0 and every option block listed.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
for np in 1 2 3; do
  run_mpi "$np" "$build/terrain-train" -options_file inputs/iris.opts -output "$work/iris$np.h5" > "$work/iris.log" 2>&1 \
    || { fail "iris np=$np"; cat "$work/iris.log"; }
done
if [ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  run_mpi 2 "$build/terrain-train" -options_file inputs/fashion_mnist.opts -output "$work/fashion.h5" > "$work/f.log" 2>&1 \
    || { fail "fashion-mnist"; cat "$work/f.log"; }
else
  echo "SKIPPED fashion-mnist: dataset-fashion-mnist is not installed"
fi
"$python" - "$work" <<'PY' || fail "classification run files"
import sys, os, h5py, numpy as np
w = sys.argv[1]
for np_ in (1, 2, 3):
    f = h5py.File(f"{w}/iris{np_}.h5", "r")
    d = f["data"].attrs
    assert (d["name"], d["n_train"], d["n_test"], d["d_in"], d["d_out"]) == ("iris", 120, 30, 4, 3), dict(d)
    t = f["trajectory"]
    for c in ("accuracy", "test_loss", "test_accuracy"):
        assert t[c].shape == t["step"].shape, c
    assert t["accuracy"][-1] >= 0.95 and t["test_accuracy"][-1] >= 0.9, (t["accuracy"][-1], t["test_accuracy"][-1])
    ref = h5py.File(f"{w}/iris1.h5", "r")
    assert np.max(np.abs(f["params"][:] - ref["params"][:])) <= 1e-9 * np.max(np.abs(ref["params"][:]))
if os.path.exists(f"{w}/fashion.h5"):
    f = h5py.File(f"{w}/fashion.h5", "r")
    assert f["data"].attrs["n_train"] == 2000 and f["data"].attrs["d_in"] == 784
    assert f["trajectory/test_accuracy"][-1] >= 0.75, f["trajectory/test_accuracy"][-1]
    assert f["spectrum/final/largest"][0] > 0
PY
for driver in terrain-train terrain-hvp-check terrain-bench; do
  run_mpi 1 "$build/$driver" -help > "$work/help.txt" 2>&1 || fail "$driver -help exited non-zero"
  grep -q "Sample runs" "$work/help.txt" || fail "$driver -help has no sample runs"
  for option in -model_widths -model_activation -model_init_scale; do
    grep -q -- "$option" "$work/help.txt" || fail "$driver -help does not list $option"
  done
done
grep -q -- "-bench_samples" "$work/help.txt" || fail "terrain-bench -help does not list -bench_samples"
run_mpi 1 "$build/terrain-train" -help > "$work/help.txt" 2>&1
for option in -data_source -data_file -train_lr -train_steps -hess_nev -hess_operator -output -model_init_file; do
  grep -q -- "$option" "$work/help.txt" || fail "terrain-train -help does not list $option"
done
finish
