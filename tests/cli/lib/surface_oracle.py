"""An independent evaluation of a terrain surface file: numpy forward passes of the network at
θ + x·d_x + y·d_y (the directions read from the file), on the data of an HDF5 data file.

Usage: surface_oracle.py SURFACE_FILE NAME DATA_FILE [relative tolerance]
Checks every finished point's train_loss (and train_acc for classification) and prints the
largest relative error; exits 1 above the tolerance."""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_mlp import forward_loss  # noqa: E402


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
