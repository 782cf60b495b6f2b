"""An independent evaluation of a terrain-connect path: numpy forward passes at θ(t) for every t
of /path/<name> (the polyline by arc length through the pivots, or the Bezier / polygonal-chain
curve of the pivots), on the data of an HDF5 data file (X, labels or Y; test_X, ... for test).

Usage: path_oracle.py FILE NAME DATA_FILE [relative tolerance]
Checks train_loss (and train_acc) at every t, that the path starts and ends at its ends, and
prints the largest relative error; exits 1 above the tolerance."""
import os
import sys
from math import comb

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_mlp import forward_loss  # noqa: E402


def point(g, pivots, t):
    kind = g.attrs["kind"]
    kind = kind.decode() if isinstance(kind, bytes) else kind
    m = len(pivots)
    if kind == "bezier":
        w = np.array([comb(m - 1, i) * t ** i * (1 - t) ** (m - 1 - i) for i in range(m)])
        return w @ pivots
    if kind == "polyline":
        lengths = np.linalg.norm(np.diff(pivots, axis=0), axis=1)
        pos = np.concatenate([[0], np.cumsum(lengths)]) / lengths.sum()
    else:  # polychain: bends at equal steps of t
        pos = np.linspace(0, 1, m)
    i = min(max(np.searchsorted(pos, t, side="right"), 1), m - 1)
    s = (t - pos[i - 1]) / (pos[i] - pos[i - 1])
    return pivots[i - 1] + s * (pivots[i] - pivots[i - 1])


def main():
    path, name, data_path = sys.argv[1:4]
    tol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-12
    f = h5py.File(path, "r")
    g = f["path"][name]
    d = h5py.File(data_path, "r")
    X = d["X"][...]
    labels = d["labels"][...].astype(int) if "labels" in d else None
    Y = d["Y"][...].reshape(len(X), -1) if "Y" in d else None
    pivots = g["pivots"][...]
    ts, loss = g["t"][...], g["train_loss"][...]
    acc = g["train_acc"][...]
    worst = 0.0
    for t, l, a in zip(ts, loss, acc):
        ref, ref_acc = forward_loss(point(g, pivots, t), f["model"], X, Y, labels)
        worst = max(worst, abs(l - ref) / abs(ref))
        if ref_acc is not None and abs(a - ref_acc) > 1e-12:
            sys.exit(f"train_acc at t = {t} is {a}, numpy gives {ref_acc}")
    print(f"{name}: largest relative error of train_loss against numpy: {worst:.3g}")
    if not worst <= tol:
        sys.exit(f"{name}: train_loss differs from numpy by {worst:.3g} (> {tol})")


main()
