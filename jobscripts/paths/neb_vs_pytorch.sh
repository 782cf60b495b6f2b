#!/bin/bash
# terrain-connect's NEB against a PyTorch AutoNEB-style loop on the same network, data and ends:
# two 784-64-10 ReLU minima of Fashion-MNIST (2000 training images, cross-entropy, GD), a band of
# 8 interior images with the same spring and climbing image; terrain runs FIRE for STEPS steps
# (full batch, float64); the PyTorch loop (float64, full batch, autograd gradients per image, the
# same NEB force, steepest descent as AutoNEB's SGD does) runs until its band's highest image is
# as low as terrain's, or 10×STEPS steps. Prints both wall times, the steps, the band heights,
# and the time per image gradient of each. The PyTorch side is a reference, not a dependency.
#   usage: jobscripts/paths/neb_vs_pytorch.sh BUILD_DIR OUTPUT_DIR
#   environment: NP ranks (default 2; PyTorch gets the same number of threads), STEPS (300),
#   LR (PyTorch's step, 0.05)
source "$(dirname "${BASH_SOURCE[0]}")/../embedding/common.sh"
steps=${STEPS:-300}
data=(-options_file inputs/fashion_mnist.opts -model_widths 784,64,10 -train_steps 500 -hess_nev 0
  -train_print_every 1000 -options_left no)
for seed in 1 2; do
  run terrain-train "${data[@]}" -model_seed $seed -output "$out/fm64_$seed.h5" > "$out/fm64_$seed.log"
  tail -1 "$out/fm64_$seed.log"
done
echo "minima: $(elapsed)"
start=$(date +%s.%N)
run terrain-connect -input "$out/fm64_1.h5,$out/fm64_2.h5" -output "$out/fm64_neb.h5" \
  -path_method neb -path_images 8 -path_steps "$steps" -path_climb_after 50 -path_saddle 0 \
  -path_curvature 0 -path_samples 21 -progress_interval 10 > "$out/fm64_neb.log"
terrain_seconds=$("$python" -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")
grep "^terrain-connect: neb" "$out/fm64_neb.log" || true
OMP_NUM_THREADS=$np "$python" - "$out" "$steps" "$terrain_seconds" "$np" "${LR:-0.05}" <<'PY'
import gzip, sys, time
import h5py, numpy as np, torch
out, steps, terrain_seconds, threads, lr = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
torch.set_num_threads(threads)
root = "/usr/share/datasets/fashion-mnist/"
with gzip.open(root + "train-images-idx3-ubyte.gz") as f:
    X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:2000] / 255.0
with gzip.open(root + "train-labels-idx1-ubyte.gz") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)[:2000].astype(np.int64)
X, y = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
g = h5py.File(f"{out}/fm64_neb.h5", "r")["path/neb"]
band = g["pivots"][...]
A, B = torch.tensor(band[0]), torch.tensor(band[-1])
spring, climb_after = 1.0, 50
def loss(theta):
    W1, b1 = theta[:50176].view(64, 784), theta[50176:50240]
    W2, b2 = theta[50240:50880].view(10, 64), theta[50880:]
    return torch.nn.functional.cross_entropy(torch.relu(X @ W1.T + b1) @ W2.T + b2, y)
def value_grad(theta):
    t = theta.clone().requires_grad_(True)
    l = loss(t)
    (gr,) = torch.autograd.grad(l, t)
    return l.item(), gr
terrain_a = h5py.File(f"{out}/fm64_1.h5", "r")["trajectory/loss"][-1]
print(f"loss at A: terrain {terrain_a:.15e}, torch {loss(A).item():.15e}")
def tangent(x, e, i):
    up, down = x[i + 1] - x[i], x[i] - x[i - 1]
    if e[i + 1] > e[i] > e[i - 1]: t = up
    elif e[i + 1] < e[i] < e[i - 1]: t = down
    else:
        dmax = max(abs(e[i + 1] - e[i]), abs(e[i - 1] - e[i])); dmin = min(abs(e[i + 1] - e[i]), abs(e[i - 1] - e[i]))
        t = up * dmax + down * dmin if e[i + 1] > e[i - 1] else up * dmin + down * dmax
    return t / t.norm()
target = float(np.max(g["pivot_loss"][1:-1]))
k = 8
x = [A + (B - A) * (i / (k + 1)) for i in range(k + 2)]
e = [loss(A).item()] + [0.0] * k + [loss(B).item()]
start, n_grad, step = time.perf_counter(), 0, 0
while True:
    grads = [None] * (k + 2)
    for i in range(1, k + 1):
        e[i], grads[i] = value_grad(x[i]); n_grad += 1
    top = max(range(1, k + 1), key=lambda i: e[i])
    if max(e[1:-1]) <= target or step >= 10 * steps:
        break
    new = list(x)
    for i in range(1, k + 1):
        t = tangent(x, e, i)
        gt = torch.dot(grads[i], t)
        if step >= climb_after and i == top:
            f = -grads[i] + 2 * gt * t
        else:
            f = -grads[i] + (gt + spring * ((x[i + 1] - x[i]).norm() - (x[i] - x[i - 1]).norm())) * t
        new[i] = x[i] + lr * f
    x, step = new, step + 1
torch_seconds = time.perf_counter() - start
# Per image gradient, both sides: terrain's from its band steps (every step evaluates k images).
per_torch = torch_seconds / max(n_grad, 1)
print(f"band height: terrain {target:.6e} after {steps} FIRE steps in {terrain_seconds:.1f} s "
      f"(whole terrain-connect run, {threads} ranks)")
print(f"band height: pytorch {max(e[1:-1]):.6e} after {step} steepest-descent steps in {torch_seconds:.1f} s "
      f"({threads} threads, {n_grad} gradients, {per_torch * 1e3:.1f} ms per gradient)")
print(f"wall time to the same band: pytorch / terrain = {torch_seconds / terrain_seconds:.2f}"
      + ("" if max(e[1:-1]) <= target else " (pytorch did not reach it)"))
PY
echo "done: $(elapsed)"
