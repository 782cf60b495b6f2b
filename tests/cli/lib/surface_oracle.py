"""An independent evaluation of a terrain surface file: numpy forward passes of the network at
θ + x·d_x + y·d_y (the directions read from the file), on the data of an HDF5 data file.

Usage: surface_oracle.py SURFACE_FILE NAME DATA_FILE [relative tolerance]
Checks every finished point's train_loss (and train_acc for classification) and prints the
largest relative error; exits 1 above the tolerance."""
import sys

import h5py
import numpy as np


def forward_loss(theta, model, X, Y, labels):
    widths = list(model.attrs["widths"])
    act = model.attrs["activation"]
    act = act.decode() if isinstance(act, bytes) else act
    loss_kind = model.attrs["loss"]
    loss_kind = loss_kind.decode() if isinstance(loss_kind, bytes) else loss_kind
    bias = bool(model.attrs["bias"])
    residual = bool(model.attrs["residual"]) if "residual" in model.attrs else False
    sigma = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "linear": lambda z: z,
             "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "softplus": lambda z: np.logaddexp(0, z)}[act]
    a, off, L = X, 0, len(widths) - 1
    for l in range(L):
        fi, fo = widths[l], widths[l + 1]
        W = theta[off:off + fi * fo].reshape(fo, fi)
        off += fi * fo
        z = a @ W.T
        if bias:
            z = z + theta[off:off + fo]
            off += fo
        if l < L - 1:
            h = sigma(z)
            a = a + h if (residual and l > 0 and fi == fo) else h
        else:
            a = z
    assert off == theta.size, (off, theta.size)
    if loss_kind == "mse":
        return 0.5 * np.mean(np.sum((a - Y) ** 2, axis=1)), None
    m = a.max(axis=1, keepdims=True)
    logp = a - m - np.log(np.exp(a - m).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(labels)), labels]), np.mean(a.argmax(axis=1) == labels)


def main():
    path, name, data_path = sys.argv[1:4]
    tol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-13
    f = h5py.File(path, "r")
    g = f["surface"][name]
    d = h5py.File(data_path, "r")
    X = d["X"][...]
    labels = d["labels"][...].astype(int) if "labels" in d else None
    Y = d["Y"][...].reshape(len(X), -1) if "Y" in d else None
    theta = f["params"][...]
    dx = g["xdirection"][...]
    dy = g["ydirection"][...] if "ydirection" in g else None
    xs = g["xcoordinates"][...]
    ys = g["ycoordinates"][...] if "ycoordinates" in g else np.zeros(1)
    loss = g["train_loss"][...].reshape(len(xs), len(ys))
    acc = g["train_acc"][...].reshape(len(xs), len(ys))
    done = g["done"][...].reshape(len(xs), len(ys))
    worst = 0.0
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            if not done[i, j]:
                continue
            t = theta + x * dx + (y * dy if dy is not None else 0)
            ref, ref_acc = forward_loss(t, f["model"], X, Y, labels)
            worst = max(worst, abs(loss[i, j] - ref) / abs(ref))
            if ref_acc is not None and abs(acc[i, j] - ref_acc) > 1e-12:
                sys.exit(f"train_acc[{i},{j}] = {acc[i, j]} but numpy gives {ref_acc}")
    print(f"largest relative error of train_loss against numpy: {worst:.3g}")
    if not worst <= tol:
        sys.exit(f"train_loss differs from numpy by {worst:.3g} (> {tol})")


main()
