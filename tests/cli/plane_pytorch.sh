# Loss and loss-surface points side by side with PyTorch float64 on one core
# (torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1), the same shapes and data: terrain-bench's
# forward-only loss and PlaneEvaluator::at against a PyTorch loss and a PyTorch loop over the
# same grid of points θ + x·dx + y·dy (no autograd, the first layer's GEMM at every point).
# Only ratios are reported (the machine is shared). The test fails when a plane point is not
# faster than PyTorch's (expected several times faster). For the full measurement:
#   PLANE_SAMPLES=10000 BENCH_REPEAT=3 BENCH_BIG=1 bash tests/cli/plane_pytorch.sh build .
# (BENCH_BIG=1 adds the 784-512-512-10 loss of inputs/bench/mlp_784_512_512_10.opts.)
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
images=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
labels=/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz
if ! "$python" -c 'import torch' 2>/dev/null || [ ! -r "$images" ]; then
  echo "SKIPPED: needs torch in $python and $images"
  exit 77
fi
samples=${PLANE_SAMPLES:-2000}
repeat=${BENCH_REPEAT:-2}
points=25
export OPENBLAS_NUM_THREADS=1

# seconds of a terrain-bench row
row() { awk -v name="$1" 'index($0, name) == 3 { print $(NF - 2) }' "$2"; }

run_mpi 1 "$build/terrain-bench" -options_file inputs/bench/plane_784_128_10_fashion.opts \
  -data_n "$samples" -bench_repeat "$repeat" -bench_plane_points $points -bench_serial_reference 0 \
  > "$work/fashion.log" 2>&1 || { fail "terrain-bench on Fashion-MNIST"; cat "$work/fashion.log"; }
cat "$work/fashion.log"
ours_loss=$(row "loss (forward-only)" "$work/fashion.log")
ours_point=$(sed -n 's/.* \([0-9.e+-]*\) s per point.*/\1/p' "$work/fashion.log")  # the table has only 4 decimals

"$python" - "$images" "$labels" "$samples" "$repeat" "$points" "$ours_loss" "$ours_point" <<'PY' \
  || fail "PyTorch side, or a plane point not faster than PyTorch's"
import gzip, sys, time, numpy as np, torch
torch.set_num_threads(1)
images, labels, n, repeat, points = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ours_loss, ours_point = float(sys.argv[6]), float(sys.argv[7])
with gzip.open(images) as f:
    X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n].astype(np.float64) / 255.0
with gzip.open(labels) as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)[:n].astype(np.int64)
X, y = torch.from_numpy(X), torch.from_numpy(y)
widths = [784, 128, 10]
g = torch.Generator().manual_seed(1)
def vec():
    parts = []
    for a, b in zip(widths[:-1], widths[1:]):
        parts += [torch.randn(b * a, generator=g, dtype=torch.float64) / a ** 0.5,
                  torch.randn(b, generator=g, dtype=torch.float64) * 0.1]
    return torch.cat(parts)
theta, dx, dy = vec(), 0.1 * vec(), 0.1 * vec()

def loss(t):
    at, h = 0, X
    for l, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        W = t[at:at + a * b].view(b, a); at += a * b
        c = t[at:at + b]; at += b
        h = h @ W.T + c
        if l < len(widths) - 2:
            h = torch.tanh(h)
    return torch.nn.functional.cross_entropy(h, y).item(), (h.argmax(1) == y).double().mean().item()

side = 1
while side * side < points:
    side += 1
grid = [(-1 + 2 * (p % side) / side, -1 + 2 * (p // side) / side) for p in range(points)]
with torch.no_grad():
    best_loss = 1e300
    for _ in range(repeat + 1):  # the first call warms up
        s = time.perf_counter()
        loss(theta)
        best_loss = min(best_loss, time.perf_counter() - s)
    best_sweep = 1e300
    for _ in range(repeat):
        s = time.perf_counter()
        for x, yy in grid:
            loss(theta + x * dx + yy * dy)
        best_sweep = min(best_sweep, time.perf_counter() - s)
torch_point = best_sweep / points
print(f"784-128-10 tanh cross-entropy, {n} Fashion-MNIST samples, {points} points, best of {repeat}, one core")
print(f"  PyTorch float64 loss {best_loss:.4e} s, per plane point {torch_point:.4e} s")
print(f"  terrain loss {ours_loss:.4e} s, per plane point {ours_point:.4e} s")
print(f"  ratios: loss PyTorch/terrain {best_loss / ours_loss:.2f}; plane point PyTorch/terrain "
      f"{torch_point / ours_point:.2f} (target >= 3); terrain plane point / PyTorch loss {ours_point / best_loss:.3f}")
sys.exit(0 if torch_point > ours_point else 1)
PY

if [ "${BENCH_BIG:-0}" = 1 ]; then
  run_mpi 1 "$build/terrain-bench" -options_file inputs/bench/mlp_784_512_512_10.opts \
    -bench_repeat "$repeat" > "$work/big.log" 2>&1 || fail "terrain-bench 784-512-512-10"
  cat "$work/big.log"
  "$python" - "$repeat" "$(row "loss (forward-only)" "$work/big.log")" <<'PY' || fail "PyTorch 784-512-512-10"
import sys, time, torch
torch.set_num_threads(1)
repeat, ours = int(sys.argv[1]), float(sys.argv[2])
g = torch.Generator().manual_seed(2)
n, widths = 4096, [784, 512, 512, 10]
X = torch.randn(n, 784, generator=g, dtype=torch.float64)
y = torch.randint(0, 10, (n,), generator=g)
Ws = [(torch.randn(b, a, generator=g, dtype=torch.float64) / a ** 0.5, torch.zeros(b, dtype=torch.float64))
      for a, b in zip(widths[:-1], widths[1:])]
def loss():
    h = X
    for l, (W, c) in enumerate(Ws):
        h = h @ W.T + c
        if l < len(Ws) - 1:
            h = torch.tanh(h)
    return torch.nn.functional.cross_entropy(h, y).item()
with torch.no_grad():
    best = 1e300
    for _ in range(repeat + 1):
        s = time.perf_counter(); loss(); best = min(best, time.perf_counter() - s)
print(f"784-512-512-10 tanh cross-entropy, 4096 samples: PyTorch float64 loss {best:.4e} s, "
      f"terrain {ours:.4e} s, PyTorch/terrain {best / ours:.2f}")
PY
fi
finish
