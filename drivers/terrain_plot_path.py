"""terrain-plot figures of terrain-connect's /path/<name> and /connectivity (--kind):

  path           the loss profile of every path in the file and in the --also files (or only
                 --path NAME): train loss (solid) and test loss (dashed) against t, the pivots
                 (images or bends' positions) as dots and the refined saddle as a star; the
                 legend gives each path's method, alignment and barrier
  path_lambda    lambda_min (symlog) and the index at every pivot of each path
  barrier_width  the train barrier against the hidden width, one line per alignment, from the
                 file and the --also files (a width study: one file per width)
  tree           /connectivity: the barrier heights between every pair of minima and the
                 minimum spanning tree drawn on a circle with each edge's height
  path_plane     a terrain-surface plane through (A, bend, B) (the run file, --surface NAME)
                 with the curves of the --also terrain-connect files projected onto it

Sample runs:
  terrain-plot neb.h5 --kind path --also linear.h5 aligned.h5 curve.h5 -o profiles.png
  terrain-plot neb.h5 --kind path_lambda
  terrain-plot w16.h5 --kind barrier_width --also w64.h5 w256.h5 w1024.h5
  terrain-plot tree.h5 --kind tree
  terrain-plot plane.h5 --kind path_plane --also curve.h5
"""
import os

import h5py
import matplotlib.pyplot as plt
import numpy as np

from terrain_plot_common import PlotError, dataset_1d, symlog_axis, text


def paths_of(f, args, required=True):
    """[(name, group)] of /path, only --path NAME when given."""
    groups = f.get("path")
    names = sorted(groups.keys()) if isinstance(groups, h5py.Group) else []
    wanted = getattr(args, "path", None)
    if wanted is not None:
        if wanted not in names:
            if not required:
                return []
            raise PlotError(f"no /path/{wanted} (available: {', '.join(names) or 'none'})")
        names = [wanted]
    if not names and required:
        raise PlotError("no /path group (run terrain-connect first)")
    return [(n, groups[n]) for n in names]


def every_file(f, path, args):
    """[(label, file)] of the run file and the --also files, opened."""
    files = [(os.path.basename(path), f)]
    for extra in args.also:
        files.append((os.path.basename(extra), h5py.File(extra, "r")))
    return files


def label_of(file_label, name, g):
    a = g.attrs
    align = text(a.get("align", "none"))
    what = text(a.get("method", "?")) + ("" if align == "none" else f", {align}-aligned")
    return f"{file_label}:{name} ({what}), barrier {float(a.get('train_barrier', np.nan)):.3g}"


def draw_path(f, path, args):
    fig, ax = plt.subplots(figsize=(8, 5))
    count = 0
    for file_label, h in every_file(f, path, args):
        for name, g in paths_of(h, args, required=(h is f)):
            t = dataset_1d(g, "t", required=True)
            loss = dataset_1d(g, "train_loss", required=True)
            (line,) = ax.plot(t, loss, "-", lw=1.5, label=label_of(file_label, name, g))
            test = dataset_1d(g, "test_loss")
            if test is not None:
                ax.plot(t, test, "--", lw=1, color=line.get_color())
            pt = dataset_1d(g, "pivot_t")
            if pt is not None:
                ax.plot(pt, np.interp(pt, t, loss), "o", ms=4, color=line.get_color())
            if "saddle" in g:
                s = g["saddle"].attrs
                ax.plot([float(s["t"])], [float(s["loss"])], "*", ms=14, color=line.get_color(),
                        markeredgecolor="k",
                        label=f"saddle: index {int(s['index'])}, |grad L|_1 {float(s['grad_norm']):.1e}")
            count += 1
    if count == 0:
        raise PlotError("no /path group (run terrain-connect first)")
    ax.set_xlabel("t (arc length for a polyline, curve parameter for a curve)")
    ax.set_ylabel("loss (solid train, dashed test)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    ax.set_title("loss along the paths between minima", fontsize=10)
    fig.tight_layout()
    return fig


def draw_path_lambda(f, path, args):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    count = 0
    lambdas = []
    for file_label, h in every_file(f, path, args):
        for name, g in paths_of(h, args, required=(h is f)):
            lam = dataset_1d(g, "lambda_min")
            if lam is None:
                continue
            x = dataset_1d(g, "pivot_t")
            if x is None:
                x = np.linspace(0, 1, len(lam))
            index = dataset_1d(g, "index")
            (line,) = top.plot(x, lam, "o-", ms=4, label=f"{file_label}:{name}")
            lambdas.append(lam)
            bottom.step(x, index, where="mid", color=line.get_color())
            bottom.plot(x, index, "o", ms=3, color=line.get_color())
            count += 1
    if count == 0:
        raise PlotError("no path has lambda_min (run terrain-connect with -path_curvature)")
    symlog_axis(top, np.concatenate([l for l in lambdas]), 1e-6)
    top.axhline(0, color="k", lw=0.8)
    top.set_ylabel("lambda_min (symlog, linear below 1e-6)")
    top.legend(fontsize=8)
    top.grid(True, alpha=0.3)
    bottom.set_ylabel("index (eigenvalues below -tau)")
    bottom.set_xlabel("t of the pivot")
    bottom.yaxis.get_major_locator().set_params(integer=True)
    bottom.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


def hidden_width(h):
    if "model" not in h or "widths" not in h["model"].attrs:
        raise PlotError(f"{h.filename}: no /model widths")
    w = np.asarray(h["model"].attrs["widths"]).ravel()
    return int(w[1]) if len(w) > 2 else int(w[0])


def draw_barrier_width(f, path, args):
    series = {}
    for file_label, h in every_file(f, path, args):
        width = hidden_width(h)
        for name, g in paths_of(h, args, required=False):
            align = text(g.attrs.get("align", "none"))
            key = f"{text(g.attrs.get('method', '?'))}, " + ("naive" if align == "none" else f"{align}-aligned")
            series.setdefault(key, []).append((width, float(g.attrs["train_barrier"]),
                                               float(g.attrs.get("test_barrier", np.nan))))
    if not series:
        raise PlotError("no /path group in the file or the --also files")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, rows in sorted(series.items()):
        rows.sort()
        w = [r[0] for r in rows]
        (line,) = ax.plot(w, [r[1] for r in rows], "o-", label=f"{key} (train)")
        test = [r[2] for r in rows]
        if not all(np.isnan(test)):
            ax.plot(w, test, "s--", color=line.get_color(), label=f"{key} (test)")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("hidden width")
    ax.set_ylabel("barrier: max_t L(t) - max(L_A, L_B)")
    ax.axhline(0, color="k", lw=0.8)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("barrier between two minima against width", fontsize=10)
    fig.tight_layout()
    return fig


def draw_tree(f, path, args):
    c = f.get("connectivity")
    if not isinstance(c, h5py.Group):
        raise PlotError("no /connectivity (run terrain-connect with three or more minima)")
    heights = np.asarray(c["heights"][...], dtype=np.float64)
    edges = np.asarray(c["tree_edges"][...], dtype=np.int64).reshape(-1, 2)
    weights = dataset_1d(c, "tree_weights", required=True)
    k = heights.shape[0]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8))
    image = left.imshow(heights, cmap="viridis")
    fig.colorbar(image, ax=left, label="max_t L(t) (diagonal: L of the minimum)")
    left.set_xticks(range(k))
    left.set_yticks(range(k))
    left.set_title("barrier heights between minima", fontsize=10)
    angle = 2 * np.pi * np.arange(k) / k
    x, y = np.cos(angle), np.sin(angle)
    own = np.diag(heights)
    for (i, j), w in zip(edges, weights):
        right.plot([x[i], x[j]], [y[i], y[j]], "-", color="tab:gray", lw=2)
        right.annotate(f"{w:.3g}", ((x[i] + x[j]) / 2, (y[i] + y[j]) / 2), fontsize=8,
                       ha="center", va="center", backgroundcolor="w")
    points = right.scatter(x, y, c=own, s=300, cmap="viridis", zorder=3, edgecolors="k")
    for i in range(k):
        right.annotate(str(i), (x[i], y[i]), ha="center", va="center", fontsize=9, zorder=4,
                       color="w")
    fig.colorbar(points, ax=right, label="loss of the minimum")
    right.set_aspect("equal")
    right.axis("off")
    right.set_title("minimum spanning tree by barrier height", fontsize=10)
    fig.tight_layout()
    return fig


def curve_points(g, n=201):
    """θ(t) at n values of t for a /path/<name> group."""
    pivots = np.asarray(g["pivots"][...], dtype=np.float64)
    kind = text(g.attrs.get("kind", "polyline"))
    t = np.linspace(0, 1, n)
    m = len(pivots)
    if kind == "bezier":
        from math import comb
        basis = np.array([[comb(m - 1, i) * s ** i * (1 - s) ** (m - 1 - i) for i in range(m)] for s in t])
        return basis @ pivots
    positions = dataset_1d(g, "pivot_t") if kind == "polyline" else np.linspace(0, 1, m)
    return np.array([[np.interp(s, positions, pivots[:, j]) for j in range(pivots.shape[1])] for s in t])


def draw_path_plane(f, path, args):
    from terrain_plot_surface import load, mark_landmarks, label_plane  # the surface kinds' reader
    if not args.also:
        raise PlotError("path_plane needs the terrain-connect file(s) with --also")
    s = load(f, args, "path_plane", 2)
    z = np.asarray(s.group["train_loss"][...], dtype=np.float64)
    dx = np.asarray(s.group["xdirection"][...], dtype=np.float64).ravel()
    dy = np.asarray(s.group["ydirection"][...], dtype=np.float64).ravel()
    if "params" not in f:
        raise PlotError("no /params (the plane's centre)")
    centre = np.asarray(f["params"][...], dtype=np.float64).ravel()
    fig, ax = plt.subplots(figsize=(7, 6))
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        raise PlotError(f"/surface/{s.name} has no finished point")
    levels = np.linspace(finite.min(), finite.max(), args.levels)
    cs = ax.contourf(s.x, s.y, z.T, levels=levels, cmap="viridis")
    fig.colorbar(cs, ax=ax, label="train loss")
    gram = np.array([[dx @ dx, dx @ dy], [dx @ dy, dy @ dy]])
    for extra in args.also:
        with h5py.File(extra, "r") as h:
            for pname, g in paths_of(h, args, required=False):
                if g["pivots"].shape[1] != len(centre):
                    raise PlotError(f"{extra}:/path/{pname} has another number of parameters")
                pts = curve_points(g) - centre
                coords = np.linalg.solve(gram, np.stack([pts @ dx, pts @ dy]))
                ax.plot(coords[0], coords[1], "-", lw=2, color="w" if "bezier" in text(g.attrs.get("kind", "")) else "tab:orange",
                        label=f"{os.path.basename(extra)}:{pname} ({text(g.attrs.get('method', '?'))})")
    mark_landmarks(ax, s)
    label_plane(ax, s)
    ax.legend(fontsize=7, loc="best")
    ax.set_title(s.title(os.path.basename(path), "the plane with the paths projected on it"),
                 fontsize=9)
    fig.tight_layout()
    return fig


KINDS = {
    "path": ("terrain-connect: loss along each path, pivots and saddle marked", draw_path),
    "path_lambda": ("terrain-connect: lambda_min and the index at every pivot", draw_path_lambda),
    "barrier_width": ("terrain-connect: barrier against hidden width (--also one file per width)",
                      draw_barrier_width),
    "tree": ("terrain-connect: barrier heights and the minimum spanning tree", draw_tree),
    "path_plane": ("a terrain-surface plane with --also terrain-connect paths projected on it",
                   draw_path_plane),
}
