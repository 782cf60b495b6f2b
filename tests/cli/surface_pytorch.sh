# terrain-surface against a PyTorch float64 loop over the same grid and the same directions (read
# from our file), one core each: every train_loss and train_acc agree (1e-12), and the seconds per
# point of both are printed with their ratio (no timing assertion: the machine is shared). The
# default is small for CI; the closing-note measurement is
#   SURF_SAMPLES=10000 SURF_GRID=51 bash tests/cli/surface_pytorch.sh build .
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
images=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
labels=/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz
if ! "$python" -c 'import torch' 2>/dev/null || [ ! -r "$images" ]; then
  echo "SKIPPED: needs torch in $python and $images"
  exit 77
fi
samples=${SURF_SAMPLES:-2000}
grid=${SURF_GRID:-11}
export OPENBLAS_NUM_THREADS=1
run_mpi 1 "$build/terrain-train" -data_source idx -data_file "$images" -data_labels_file "$labels" \
  -data_n "$samples" -model_widths 784,128,10 -model_activation tanh -model_loss cross_entropy \
  -train_optimizer adam -train_lr 1e-3 -train_batch 100 -train_steps 100 -train_print_every 1000 \
  -hess_nev 0 -output "$work/fm.h5" > "$work/train.log" 2>&1 || { fail "terrain-train"; cat "$work/train.log"; }
run_mpi 1 "$build/terrain-surface" -input "$work/fm.h5" -surf_x "-1:1:$grid" -surf_y "-1:1:$grid" \
  > "$work/surface.log" 2>&1 || { fail "terrain-surface"; cat "$work/surface.log"; }
"$python" - "$work/fm.h5" "$images" "$labels" "$samples" <<'PY' || fail "PyTorch comparison"
import gzip, sys, time, h5py, numpy as np, torch
torch.set_num_threads(1)
path, images, labels, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with gzip.open(images) as f:
    X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n].astype(np.float64) / 255.0
with gzip.open(labels) as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)[:n].astype(np.int64)
X, y = torch.from_numpy(X), torch.from_numpy(y)
f = h5py.File(path, "r")
g = f["surface/loss"]
theta, dx, dy = (torch.from_numpy(a[...]) for a in (f["params"], g["xdirection"], g["ydirection"]))
xs, ys = g["xcoordinates"][...], g["ycoordinates"][...]
ours, ours_acc = g["train_loss"][...], g["train_acc"][...]
ce = torch.nn.CrossEntropyLoss()
def evaluate(t):
    W1, b1 = t[:784 * 128].view(128, 784), t[784 * 128:784 * 128 + 128]
    o = 784 * 128 + 128
    W2, b2 = t[o:o + 1280].view(10, 128), t[o + 1280:]
    z = torch.tanh(X @ W1.T + b1) @ W2.T + b2
    return ce(z, y).item(), (z.argmax(1) == y).double().mean().item()
start, worst = time.perf_counter(), 0.0
with torch.no_grad():
    for i, x in enumerate(xs):
        for j, yy in enumerate(ys):
            loss, acc = evaluate(theta + x * dx + yy * dy)
            worst = max(worst, abs(loss - ours[i, j]) / loss)
            if abs(acc - ours_acc[i, j]) > 1e-12:
                sys.exit(f"train_acc[{i},{j}] {ours_acc[i, j]} vs PyTorch {acc}")
torch_per_point = (time.perf_counter() - start) / (len(xs) * len(ys))
ours_per_point = g.attrs["sweep_seconds"] / (len(xs) * len(ys))
print(f"{len(xs)}x{len(ys)} grid, {n} samples, 784-128-10: terrain {ours_per_point:.3e} s per point "
      f"(whole run {g.attrs['seconds']:.2f} s), PyTorch float64 loop {torch_per_point:.3e} s per point: "
      f"PyTorch / terrain = {torch_per_point / ours_per_point:.2f}; largest loss difference {worst:.2g}")
if not worst <= 1e-12:
    sys.exit(f"train_loss differs from PyTorch by {worst:.3g}")
PY
finish
