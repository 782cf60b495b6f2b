#!/bin/bash
# The statistics of the loss-surface study (jobscripts/surfaces/li2018.sh writes the run files;
# this reads them with h5py and prints one block per network):
#   training    final train/test loss and accuracy, the initial loss
#   surface2d   the centre's loss; strict local minima of the grid (interior points below all 8
#               neighbours), over the grid and within radius 0.5; the loss range within radius
#               0.25 and 0.5; the share of interior points (within radius 0.25, 0.5, all) where the
#               grid's own 2x2 finite-difference Hessian of the surface is indefinite (the surface's
#               non-convexity on the plane)
#   curvature   |lambda_min/lambda_max| at the centre, its median and maximum over the map and
#               within radius 0.5, lambda_max at the centre, H.v per point
#   interp_init L at the solution (x = 0) and at the initialisation (x = 1); monotone on [0, 1] or
#               not (the largest rise met walking from the init to the solution), local maxima
#   interp_seeds the barrier max_{0<=x<=1} L(x) - max(L(0), L(1)) (train and test) and where
#   pca         explained variance of the two components, the projected path's extent
#   usage: li2018_summary.sh OUTPUT_DIR
set -euo pipefail
/usr/bin/python3 - "${1:?usage: $0 OUTPUT_DIR}" <<'PY'
import os, sys
import h5py, numpy as np

out = sys.argv[1]


def local_minima(L, mask=None):
    nx, ny = L.shape
    count = 0
    for i in range(1, nx - 1):
        for j in range(1, ny - 1):
            if mask is not None and not mask[i, j]:
                continue
            nb = L[i - 1:i + 2, j - 1:j + 2].copy()
            nb[1, 1] = np.inf
            count += bool(L[i, j] < nb.min())
    return count


def indefinite_share(L, x, y, mask):
    hx, hy = x[1] - x[0], y[1] - y[0]
    n = bad = 0
    for i in range(1, len(x) - 1):
        for j in range(1, len(y) - 1):
            if not mask[i, j]:
                continue
            lxx = (L[i + 1, j] - 2 * L[i, j] + L[i - 1, j]) / hx**2
            lyy = (L[i, j + 1] - 2 * L[i, j] + L[i, j - 1]) / hy**2
            lxy = (L[i + 1, j + 1] - L[i + 1, j - 1] - L[i - 1, j + 1] + L[i - 1, j - 1]) / (4 * hx * hy)
            n += 1
            bad += bool(np.linalg.eigvalsh([[lxx, lxy], [lxy, lyy]])[0] < 0)
    return bad, n


def line_stats(g):
    x, L = g["xcoordinates"][...], g["train_loss"][...]
    inside = (x >= -1e-12) & (x <= 1 + 1e-12)
    xi, Li = x[inside], L[inside]
    # Walking from the init (x = 1) to the solution (x = 0): the largest rise on the way.
    rise, best = 0.0, Li[-1]
    for v in Li[::-1]:
        rise = max(rise, v - best)
        best = min(best, v)
    peaks = [float(xi[k]) for k in range(1, len(Li) - 1) if Li[k] > Li[k - 1] and Li[k] > Li[k + 1]]
    return xi, Li, rise, peaks


for net in ("d10_plain", "d10_skip", "d20_plain", "d20_skip"):
    path = f"{out}/li2018_{net}.h5"
    if not os.path.exists(path):
        continue
    f = h5py.File(path, "r")
    t = f["trajectory"]
    print(f"== {net}: {len(f['params'])} parameters, widths {','.join(map(str, f['model'].attrs['widths']))}"
          f", residual {int(f['model'].attrs.get('residual', 0))}")
    print(f"  training: loss {t['loss'][0]:.4g} -> {t['loss'][-1]:.4g} (accuracy {t['accuracy'][-1]:.4f}),"
          f" test loss {t['test_loss'][-1]:.4g} (accuracy {t['test_accuracy'][-1]:.4f}) after {t['step'][-1]} steps")
    s = f["surface"] if "surface" in f else {}
    if "surface2d" in s:
        g = s["surface2d"]
        x, y, L = g["xcoordinates"][...], g["ycoordinates"][...], g["train_loss"][...]
        r = np.hypot(*np.meshgrid(x, y, indexing="ij"))
        disc = r <= 0.5 + 1e-12
        ic, jc = np.argmin(np.abs(x)), np.argmin(np.abs(y))
        quarter = r <= 0.25 + 1e-12
        shares = []
        for name, m in (("r<=0.25", quarter), ("r<=0.5", disc), ("the grid", np.ones_like(disc))):
            bad, n = indefinite_share(L, x, y, m)
            shares.append(f"{bad}/{n} in {name}")
        print(f"  surface2d {len(x)}x{len(y)}: centre {L[ic, jc]:.4g}; local minima {local_minima(L)} on the grid,"
              f" {local_minima(L, disc)} within r<=0.5; loss r<=0.25 {L[quarter].min():.4g} .. {L[quarter].max():.4g},"
              f" r<=0.5 {L[disc].min():.4g} .. {L[disc].max():.4g}, the grid .. {L.max():.4g};"
              f" grid Hessian indefinite at {', '.join(shares)} interior points")
        if "test_loss" in g:
            T = g["test_loss"][...]
            print(f"    test loss: centre {T[ic, jc]:.4g}, r<=0.5 {T[disc].min():.4g} .. {T[disc].max():.4g}")
    if "curvature" in s:
        g = s["curvature"]
        x, y = g["xcoordinates"][...], g["ycoordinates"][...]
        q, lmax, lmin = g["lambda_ratio"][...], g["lambda_max"][...], g["lambda_min"][...]
        disc = np.hypot(*np.meshgrid(x, y, indexing="ij")) <= 0.5 + 1e-12
        ic, jc = np.argmin(np.abs(x)), np.argmin(np.abs(y))
        print(f"  curvature {len(x)}x{len(y)}: centre lambda_max {lmax[ic, jc]:.4g}, lambda_min {lmin[ic, jc]:.4g},"
              f" |min/max| {q[ic, jc]:.3g}; |min/max| median {np.median(q):.3g}, max {q.max():.3g};"
              f" r<=0.5: median {np.median(q[disc]):.3g}, max {q[disc].max():.3g};"
              f" lambda_max over the map {lmax.min():.3g} .. {lmax.max():.3g};"
              f" H.v per point {g['n_matvec'][...].mean():.1f} (centre {int(g['n_matvec'][ic, jc])})")
        if "surface2d" in s:
            same = np.array_equal(g["xdirection"][...], s["surface2d/xdirection"][...])
            print(f"    same directions as surface2d: {same}")
    if "interp_init" in s:
        xi, Li, rise, peaks = line_stats(s["interp_init"])
        print(f"  interp_init: L(0) {Li[0]:.4g} (solution), L(1) {Li[-1]:.4g} (init, recorded {t['loss'][0]:.4g});"
              f" max on [0,1] {Li.max():.4g} at x={xi[np.argmax(Li)]:.3g};"
              f" {'monotone' if rise <= 0 else f'NOT monotone: largest rise {rise:.3g} walking init -> solution'};"
              f" interior local maxima at x = {peaks}")
    if "interp_seeds" in s:
        g = s["interp_seeds"]
        x, L = g["xcoordinates"][...], g["train_loss"][...]
        inside = (x >= -1e-12) & (x <= 1 + 1e-12)
        xi, Li = x[inside], L[inside]
        k = int(np.argmax(Li))
        msg = (f"  interp_seeds: L(0) {Li[0]:.4g}, L(1) {Li[-1]:.4g}, max {Li[k]:.4g} at x={xi[k]:.3g},"
               f" barrier {Li[k] - max(Li[0], Li[-1]):.4g}")
        if "test_loss" in g:
            T = g["test_loss"][...][inside]
            msg += f"; test: {T[0]:.4g}, {T[-1]:.4g}, barrier {T.max() - max(T[0], T[-1]):.4g}"
        print(msg + f"; |theta_B - theta_A| {g.attrs.get('xnorm', g['xdirection'].attrs.get('norm', np.nan)):.4g}")
    if "pca" in s:
        g = s["pca"]
        p = g["pca"]
        evr = p["explained_variance_ratio"][...]
        px, py = p["proj_xcoord"][...], p["proj_ycoord"][...]
        L = g["train_loss"][...]
        print(f"  pca {L.shape[0]}x{L.shape[1]}: explained variance {evr[0]:.3f} + {evr[1]:.3f};"
              f" path x {px.min():.3g} .. {px.max():.3g}, y {py.min():.3g} .. {py.max():.3g} ({len(px)} snapshots);"
              f" local minima on the grid {local_minima(L)}; loss {L.min():.4g} .. {L.max():.4g}")
PY
