# PyTorch (float64 autograd) as an independent oracle: the same networks, parameters and data in
# both codes must give the same loss, gradient and extreme Hessian eigenvalues. This also proves
# the parameter layout: PyTorch's nn.Linear parameters, flattened in order, load directly.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "SKIPPED: $python has no torch (jobscripts/setup.sh --tests installs python3-torch)"
  exit 77
fi
"$python" - "$work" "$source_dir/inputs/data/iris.csv" <<'PY' || { echo "FAIL: the PyTorch side"; exit 1; }
import sys, csv, h5py, numpy as np, torch
torch.manual_seed(3)
w, iris = sys.argv[1], sys.argv[2]

def flat(params):
    return torch.cat([p.reshape(-1) for p in params])

def network(widths, act, residual):
    layers = [torch.nn.Linear(a, b).double() for a, b in zip(widths[:-1], widths[1:])]
    def forward(theta, x):
        at, h = 0, x
        for l, layer in enumerate(layers):
            fo, fi = layer.weight.shape
            W = theta[at:at + fo * fi].reshape(fo, fi); at += fo * fi
            b = theta[at:at + fo]; at += fo
            z = h @ W.T + b
            if l == len(layers) - 1:
                return z
            s = act(z)
            h = h + s if (residual and l > 0 and fi == fo) else s
    return flat([p for layer in layers for p in layer.parameters()]).detach(), forward

def oracle(name, widths, act, residual, loss, x, y):
    theta, forward = network(widths, act, residual)
    L = lambda t: loss(forward(t, x), y)
    t = theta.clone().requires_grad_(True)
    value = L(t)
    grad, = torch.autograd.grad(value, t)
    H = torch.autograd.functional.hessian(L, theta)
    ev = np.linalg.eigvalsh(0.5 * (H + H.T).numpy())
    with h5py.File(f"{w}/{name}_params.h5", "w") as f:
        f["params"] = theta.numpy()
    with h5py.File(f"{w}/{name}_oracle.h5", "w") as f:
        f["loss"], f["grad"], f["eigenvalues"] = value.item(), grad.numpy(), ev

rows = list(csv.reader(open(iris)))[1:]
names = sorted({r[4] for r in rows})
x = torch.tensor([[float(v) for v in r[:4]] for r in rows], dtype=torch.float64)
labels = torch.tensor([names.index(r[4]) for r in rows])
oracle("iris", [4, 6, 6, 3], torch.tanh, False, torch.nn.functional.cross_entropy, x, labels)

x = torch.randn(40, 3, dtype=torch.float64)
y = torch.randn(40, 2, dtype=torch.float64)
with h5py.File(f"{w}/regression.h5", "w") as f:
    f["X"], f["Y"] = x.numpy(), y.numpy()
mse = lambda f, t: 0.5 * ((f - t) ** 2).sum() / f.shape[0]
oracle("regression", [3, 5, 5, 2], torch.nn.functional.softplus, True, mse, x, y)
PY
iris=(-data_source csv -data_file inputs/data/iris.csv -model_widths 4,6,6,3 -model_activation tanh
      -model_loss cross_entropy)
regression=(-data_source hdf5 -data_file "$work/regression.h5" -model_widths 3,5,5,2
            -model_activation softplus -model_residual -model_loss mse)
for case in iris regression; do
  declare -n args=$case
  for np in 1 2 3; do
    run_mpi "$np" "$build/terrain-train" "${args[@]}" -model_init_file "$work/${case}_params.h5" \
      -train_steps 0 -hess_nev 3 -output "$work/${case}_$np.h5" > /dev/null 2>&1 || fail "$case np=$np evaluation"
    # One step with lr 1 moves θ by exactly −∇L(θ₀): the gradient, read back from /params.
    run_mpi "$np" "$build/terrain-train" "${args[@]}" -model_init_file "$work/${case}_params.h5" \
      -train_steps 1 -train_lr 1 -hess_nev 0 -output "$work/${case}_step_$np.h5" > /dev/null 2>&1 || fail "$case np=$np step"
    "$python" - "$work" "$case" "$np" <<'PY' || fail "$case np=$np disagrees with PyTorch"
import sys, h5py, numpy as np
w, case, np_ = sys.argv[1:]
o = h5py.File(f"{w}/{case}_oracle.h5", "r")
run = h5py.File(f"{w}/{case}_{np_}.h5", "r")
step = h5py.File(f"{w}/{case}_step_{np_}.h5", "r")
theta0 = h5py.File(f"{w}/{case}_params.h5", "r")["params"][:]
loss = run["trajectory/loss"][0]
assert abs(loss - o["loss"][()]) <= 1e-12 * abs(o["loss"][()]), (loss, o["loss"][()])
grad = theta0 - step["params"][:]
g = o["grad"][:]
assert np.linalg.norm(grad - g) <= 1e-10 * np.linalg.norm(g), np.linalg.norm(grad - g) / np.linalg.norm(g)
ev = o["eigenvalues"][:]
largest, smallest = run["spectrum/final/largest"][:], run["spectrum/final/smallest"][:]
scale = np.max(np.abs(ev))
assert np.all(np.abs(largest - ev[::-1][:3]) <= 1e-9 * scale), (largest, ev[::-1][:3])
assert np.all(np.abs(smallest - ev[:3]) <= 1e-9 * scale), (smallest, ev[:3])
print(f"{case} np={np_}: loss, gradient and eigenvalues agree with PyTorch")
PY
  done
done
finish
