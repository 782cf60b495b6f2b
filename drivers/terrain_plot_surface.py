"""terrain-plot figures of terrain-surface's loss surfaces, /surface/<name> (--kind):

  surface1d      a 1-D surface: train and test loss against x, accuracy on a twin axis (or
                 --quantity alone), the landmarks (centre, targets) as vertical lines
  contour        a 2-D surface: contour lines of --quantity (default train_loss), labelled
  contourf       filled contours of --quantity
  heatmap        one cell per grid point, unfinished points grey
  surface3d      the quantity as a 3-D surface (log10 of it on a log scale)
  curvature_map  |λmin/λmax| (lambda_ratio) as a heat map with contours, beside λmax; curves
                 for a 1-D surface
  pca            the training path (pca/proj_xcoord, proj_ycoord) over the contours of the
                 quantity, explained variance ratios in the axis labels
  vtk            not a PNG: a VTK XML StructuredGrid (.vts, base64) for ParaView, points
                 (x, y, z = the quantity, or log10 of it) with every quantity as PointData,
                 written to -o or <run>.<surface>.vts

Storage order (the schema): value[i, j] is at (xcoordinates[i], ycoordinates[j]), x the FIRST
index, so grids are built with meshgrid(x, y, indexing="ij"). Points with done = 0 are NaN and
drawn as gaps (crossed in grey), and the .vts hides them with vtkGhostType (HIDDENPOINT on the
point, HIDDENCELL on every cell touching it). --scale auto draws log when every finished value
is positive and they span at least a decade.

Sample runs:
  terrain-plot surf.h5 --kind surface1d                       # surf.png
  terrain-plot surf.h5 --kind contour --surface plane --quantity test_loss -o test.png
  terrain-plot surf.h5 --kind heatmap --quantity train_acc --scale linear
  terrain-plot surf.h5 --kind curvature_map
  terrain-plot surf.h5 --kind pca --levels 40
  terrain-plot surf.h5 --kind vtk --surface plane             # surf.plane.vts, open in ParaView
"""
import base64
import os

import h5py
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LogNorm, Normalize
from matplotlib.ticker import FormatStrFormatter, NullFormatter
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from terrain_plot_common import Export, PlotError, text

DEFAULT_QUANTITY = "train_loss"
# Where an absent quantity would have come from, for the error message.
WHY_ABSENT = {
    "test_loss": "there is no test set", "test_acc": "there is no test set",
    "grad_norm": "the gradient norm was not asked for",
}
for _q in ("lambda_min", "lambda_max", "lambda_min_residual", "lambda_max_residual",
           "lambda_ratio", "n_matvec", "trace", "trace_stderr"):
    WHY_ABSENT[_q] = "curvature was not asked for"
NOT_QUANTITIES = ("xcoordinates", "ycoordinates", "xdirection", "ydirection")
HIDDEN_POINT, HIDDEN_CELL = 2, 32  # vtkDataSetAttributes::HIDDENPOINT, HIDDENCELL
UNFINISHED = dict(marker="x", color="0.55", s=14, linewidths=0.8, zorder=4)


class Surface:
    """One /surface/<name> group, read and checked against the schema: the coordinates, the
    done mask and the quantities (float64, NaN where done = 0)."""

    def __init__(self, name, group):
        self.name, self.group = name, group
        where = f"/surface/{name}"
        self.x = self._coordinates("xcoordinates")
        self.dims = int(group.attrs.get("dims", 2 if "ycoordinates" in group else 1))
        if self.dims not in (1, 2):
            raise PlotError(f"{where}: dims = {self.dims}, expected 1 or 2")
        self.y = self._coordinates("ycoordinates") if self.dims == 2 else None
        self.shape = (self.x.size,) if self.dims == 1 else (self.x.size, self.y.size)
        for attr, n in (("nx", self.x.size), ("ny", 1 if self.y is None else self.y.size)):
            if attr in group.attrs and int(group.attrs[attr]) != n:
                raise PlotError(f"{where}: attribute {attr} = {int(group.attrs[attr])} but the "
                                f"coordinates have {n} entries")
        if "done" in group:
            done = self._grid("done", np.int64)
            self.done = done != 0
        else:
            self.done = np.ones(self.shape, dtype=bool)

    def _coordinates(self, name):
        if name not in self.group:
            raise PlotError(f"/surface/{self.name}/{name} is missing")
        data = self.group[name]
        if not isinstance(data, h5py.Dataset) or data.ndim != 1 or data.shape[0] == 0:
            raise PlotError(f"/surface/{self.name}/{name} is not a non-empty 1-D dataset")
        return np.asarray(data[...], dtype=np.float64)

    def _fits(self, data):
        """A dataset on the grid: [nx] or [nx, ny]; a line also as [nx, 1] (ny = 1)."""
        return isinstance(data, h5py.Dataset) and (
            data.shape == self.shape or (self.dims == 1 and data.shape == (self.x.size, 1)))

    def _grid(self, name, dtype):
        data = self.group[name]
        if not self._fits(data):
            shape = data.shape if isinstance(data, h5py.Dataset) else "a group"
            raise PlotError(f"/surface/{self.name}/{name} has shape {shape}, expected "
                            f"{self.shape} ({'nx' if self.dims == 1 else 'nx, ny'})")
        return np.asarray(data[...], dtype=dtype).reshape(self.shape)

    def quantities(self):
        """The names of every dataset on the grid (done excluded), in name order."""
        return [k for k, v in self.group.items()
                if k not in NOT_QUANTITIES and k != "done" and self._fits(v)]

    def has(self, name):
        return name in self.group and name not in NOT_QUANTITIES

    def quantity(self, name):
        if not self.has(name):
            why = f": {WHY_ABSENT[name]}" if name in WHY_ABSENT else ""
            raise PlotError(f"no /surface/{self.name}/{name}{why} (quantities: "
                            f"{', '.join(self.quantities()) or 'none'})")
        values = self._grid(name, np.float64)
        values[~self.done] = np.nan
        return values

    def grid(self):
        """X, Y with X[i, j] = x[i], Y[i, j] = y[j]: the schema's order (x first)."""
        return np.meshgrid(self.x, self.y, indexing="ij")

    def landmarks(self):
        """[(name, x, y)] of landmarks/ (y = 0 on a line)."""
        group = self.group.get("landmarks")
        if not isinstance(group, h5py.Group):
            return []
        names = [n.strip() for n in text(group.attrs.get("names", "")).split(",") if n.strip()]
        xs = np.atleast_1d(np.asarray(group["x"][...], dtype=np.float64)) if "x" in group else []
        ys = (np.atleast_1d(np.asarray(group["y"][...], dtype=np.float64)) if "y" in group
              else np.zeros(len(xs)))
        if not (len(names) == len(xs) == len(ys)):
            raise PlotError(f"/surface/{self.name}/landmarks: {len(names)} names for "
                            f"{len(xs)} x and {len(ys)} y")
        return list(zip(names, xs, ys))

    def direction(self, axis):
        group = self.group.get(f"{axis}direction")
        return dict(group.attrs) if group is not None else {}

    def axis_label(self, axis):
        a = self.direction(axis)
        kind = text(a.get("kind", "pca" if "pca" in self.group else ""))
        if kind == "pca" and "pca" in self.group:
            ratio = self.group["pca"].get("explained_variance_ratio")
            c = int(a.get("component", 0 if axis == "x" else 1))
            if ratio is not None and 0 <= c < ratio.shape[0]:
                return f"{axis}: PC{c + 1} ({100 * float(ratio[c]):.1f} % of the variance)"
        parts = []
        if kind == "random":
            parts.append(f"{text(a.get('normalisation', '?'))}-normalised")
            parts.append(f"bias {text(a.get('bias_policy', '?'))}")
            parts.append(f"seed {int(a.get('seed', -1))}")
        elif kind == "target":
            parts.append(f"towards {text(a.get('source', '?'))}")
        elif kind.startswith("eigen"):
            parts.append(f"component {int(a.get('component', 0))}")
        if not kind:
            return axis
        return f"{axis}: {kind}" + (f" ({', '.join(parts)})" if parts else "")

    def title(self, path, what):
        lines = [f"{path}: {what} (/surface/{self.name})"]
        facts = []
        total, done = self.done.size, int(self.done.sum())
        if done < total:
            facts.append(f"{done}/{total} points done (gaps: unfinished)")
        if self.dims == 2 and "cosine" in self.group.attrs:
            facts.append(f"cos(x, y) = {float(self.group.attrs['cosine']):.3g}")
        sharp = self.group.get("sharpness")
        if isinstance(sharp, h5py.Group) and "sharpness" in sharp.attrs:
            facts.append(f"ε-sharpness {float(sharp.attrs['sharpness']):.3g} "
                         f"(ε = {float(sharp.attrs.get('epsilon', np.nan)):g})")
        if "centre" in self.group.attrs:
            facts.append(f"centre {text(self.group.attrs['centre'])}")
        if facts:
            lines.append(", ".join(facts))
        return "\n".join(lines)


def choose_surface(f, requested):
    """The Surface to draw: --surface NAME, else the file's only one."""
    surfaces = f.get("surface")
    names = sorted(k for k, v in surfaces.items() if isinstance(v, h5py.Group)) \
        if isinstance(surfaces, h5py.Group) else []
    if requested is not None:
        if requested not in names:
            raise PlotError(f"no /surface/{requested} (available: {', '.join(names) or 'none'})")
        return Surface(requested, surfaces[requested])
    if not names:
        raise PlotError("no /surface group (write one with terrain-surface)")
    if len(names) > 1:
        raise PlotError(f"holds {len(names)} surfaces ({', '.join(names)}): choose one with "
                        "--surface NAME")
    return Surface(names[0], surfaces[names[0]])


def load(f, args, kind, dims):
    s = choose_surface(f, args.surface)
    if s.dims != dims:
        other = "surface1d" if s.dims == 1 else "contour, contourf, heatmap, surface3d, pca"
        raise PlotError(f"/surface/{s.name} is {s.dims}-D: --kind {kind} needs a {dims}-D "
                        f"surface (try --kind {other})")
    if dims == 2 and min(s.shape) < 2:
        raise PlotError(f"/surface/{s.name} is {s.shape[0]}×{s.shape[1]}: --kind {kind} needs "
                        "at least 2 points along each axis")
    return s


def finite_range(s, name, values):
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise PlotError(f"/surface/{s.name}/{name} has no finished point")
    return float(finite.min()), float(finite.max())


def use_log(s, name, values, scale):
    lo, hi = finite_range(s, name, values)
    if scale == "log":
        if lo <= 0:
            raise PlotError(f"--scale log: /surface/{s.name}/{name} has values ≤ 0 (min {lo:.3g})")
        return True
    return scale == "auto" and lo > 0 and hi >= 10 * lo


def colour_scale(s, name, values, args):
    """(norm, levels, log) of a 2-D quantity; a constant surface gets a small band around it."""
    lo, hi = finite_range(s, name, values)
    log = use_log(s, name, values, args.scale)
    if args.levels < 2:
        raise PlotError(f"--levels {args.levels}: need at least 2")
    if hi <= lo:
        pad = max(abs(lo), 1.0) * 1e-6
        lo, hi = (lo / (1 + pad), hi * (1 + pad)) if log else (lo - pad, hi + pad)
    if log:
        return LogNorm(lo, hi), np.geomspace(lo, hi, args.levels), True
    return Normalize(lo, hi), np.linspace(lo, hi, args.levels), False


def scale_label(name, log):
    return f"{name} (log scale)" if log else name


def colour_bar(fig, ax, norm, levels, label, log):
    """A colour bar of norm; on a log scale with ticks at some of the levels (a range inside
    one decade would otherwise show no labelled tick)."""
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap="viridis"), ax=ax, label=label)
    if log:
        bar.set_ticks(levels[::max(1, len(levels) // 6)])
        bar.ax.yaxis.set_major_formatter(FormatStrFormatter("%.3g"))
        bar.ax.yaxis.set_minor_formatter(NullFormatter())
    return bar


def mark_unfinished(ax, s, X=None, Y=None, z=None):
    if s.done.all():
        return
    if s.dims == 1:
        ax.scatter(s.x[~s.done], np.full((~s.done).sum(), z), label="unfinished", **UNFINISHED)
    elif z is None:
        ax.scatter(X[~s.done], Y[~s.done], label=f"unfinished ({int((~s.done).sum())})",
                   **UNFINISHED)
    else:
        ax.scatter(X[~s.done], Y[~s.done], np.full((~s.done).sum(), z), **UNFINISHED)


def mark_landmarks(ax, s):
    for name, x, y in s.landmarks():
        if s.dims == 1:
            ax.axvline(x, color="black", linestyle=":", linewidth=0.9)
            ax.annotate(name, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -10),
                        textcoords="offset points", fontsize=8)
        else:
            ax.plot([x], [y], marker="*", color="red", markersize=10, markeredgecolor="black",
                    zorder=5)
            ax.annotate(name, (x, y), xytext=(4, 4), textcoords="offset points", fontsize=8,
                        zorder=5)


def label_plane(ax, s):
    ax.set_xlabel(s.axis_label("x"), fontsize=9)
    ax.set_ylabel(s.axis_label("y"), fontsize=9)


def draw_surface1d(f, path, args):
    s = load(f, args, "surface1d", 1)
    fig, ax = plt.subplots(figsize=(8, 4.8))
    style = dict(marker="." if s.x.size <= 80 else None)
    if args.quantity is not None:
        left = [(args.quantity, s.quantity(args.quantity), "tab:blue")]
        right = []
    else:
        left = [(q, s.quantity(q), c) for q, c in (("train_loss", "tab:blue"),
                                                   ("test_loss", "tab:orange"))
                if q == DEFAULT_QUANTITY or s.has(q)]
        right = [(q, s.quantity(q), c) for q, c in (("train_acc", "tab:blue"),
                                                    ("test_acc", "tab:orange")) if s.has(q)]
        right = [r for r in right if np.isfinite(r[1]).any()]  # regression: NaN accuracy
    lines = []
    for name, values, colour in left:
        finite_range(s, name, values)
        lines += ax.plot(s.x, values, color=colour, label=name, **style)
    log = use_log(s, left[0][0], np.concatenate([v.ravel() for _, v, _ in left]), args.scale)
    if log:
        ax.set_yscale("log")
    ax.set_ylabel("loss" if args.quantity is None else scale_label(args.quantity, log))
    if right:
        twin = ax.twinx()
        for name, values, colour in right:
            lines += twin.plot(s.x, values, color=colour, linestyle="--", label=name, **style)
        twin.set_ylabel("accuracy")
    finite = np.concatenate([v[np.isfinite(v)] for _, v, _ in left])
    mark_unfinished(ax, s, z=float(finite.min()))
    mark_landmarks(ax, s)
    ax.set_xlabel(s.axis_label("x"), fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize=8, loc="best")
    ax.set_title(s.title(path, "loss along a line" if args.quantity is None else args.quantity),
                 fontsize=9)
    fig.tight_layout()
    return fig


def plane(f, args, kind):
    s = load(f, args, kind, 2)
    name = args.quantity or DEFAULT_QUANTITY
    values = s.quantity(name)
    X, Y = s.grid()
    return s, name, values, X, Y


def draw_plane(kind):
    def draw(f, path, args):
        s, name, Z, X, Y = plane(f, args, kind)
        norm, levels, log = colour_scale(s, name, Z, args)
        fig, ax = plt.subplots(figsize=(7.2, 5.8))
        if kind == "contour":
            drawn = ax.contour(X, Y, Z, levels=levels, norm=norm, cmap="viridis", linewidths=1)
            ax.clabel(drawn, drawn.levels[::max(1, len(drawn.levels) // 8)], fontsize=7,
                      fmt="%.3g")
        elif kind == "contourf":
            drawn = ax.contourf(X, Y, Z, levels=levels, norm=norm, cmap="viridis",
                                extend="neither")
            ax.contour(X, Y, Z, levels=levels, colors="black", linewidths=0.3, alpha=0.5)
        else:  # heatmap
            cmap = plt.get_cmap("viridis").copy()
            cmap.set_bad("0.85")
            drawn = ax.pcolormesh(X, Y, np.ma.masked_invalid(Z), shading="nearest", norm=norm,
                                  cmap=cmap)
        colour_bar(fig, ax, norm, levels, scale_label(name, log), log)
        mark_unfinished(ax, s, X, Y)
        mark_landmarks(ax, s)
        label_plane(ax, s)
        if not s.done.all():
            ax.legend(fontsize=8, loc="best")
        ax.set_title(s.title(path, f"{name}, {kind}"), fontsize=9)
        fig.tight_layout()
        return fig
    return draw


def quads(X, Y, Z):
    """The grid's cells whose four corners are finished, as [k, 4, 3] vertices, and each
    cell's mean height: plot_surface would draw cells with a NaN corner as broken polygons."""
    ok = np.isfinite(Z)
    cell = ok[:-1, :-1] & ok[1:, :-1] & ok[1:, 1:] & ok[:-1, 1:]
    i, j = np.nonzero(cell)
    corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
    verts = np.stack([np.stack([X[a, b], Y[a, b], Z[a, b]], axis=-1) for a, b in corners], axis=1)
    return verts, verts[:, :, 2].mean(axis=1)


def draw_surface3d(f, path, args):
    s, name, Z, X, Y = plane(f, args, "surface3d")
    log = use_log(s, name, Z, args.scale)
    H = np.log10(Z) if log else Z
    lo, hi = finite_range(s, name, H)
    norm = Normalize(lo, hi if hi > lo else lo + 1)
    fig = plt.figure(figsize=(8, 6.4))
    ax = fig.add_subplot(projection="3d")
    verts, heights = quads(X, Y, H)
    cmap = plt.get_cmap("viridis")
    if len(verts):
        ax.add_collection3d(Poly3DCollection(verts, facecolors=cmap(norm(heights)),
                                             edgecolors="0.2",
                                             linewidths=0.2 if max(s.shape) <= 30 else 0.05))
    else:  # no cell has four finished corners: the finished points alone
        ok = np.isfinite(H)
        ax.scatter(X[ok], Y[ok], H[ok], c=H[ok], cmap=cmap, norm=norm)
    mark_unfinished(ax, s, X, Y, z=lo)
    ax.set_xlim(s.x.min(), s.x.max())
    ax.set_ylim(s.y.min(), s.y.max())
    ax.set_zlim(norm.vmin, norm.vmax)
    label_plane(ax, s)
    zlabel = f"log10 {name}" if log else name
    ax.set_zlabel(zlabel)
    fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.12, label=zlabel)
    ax.set_title(s.title(path, f"{name}, 3-D"), fontsize=9)
    return fig


def curvature_ratio(s):
    """|λmin/λmax|: the file's lambda_ratio, else computed from lambda_min and lambda_max."""
    if s.has("lambda_ratio"):
        return s.quantity("lambda_ratio")
    if s.has("lambda_min") and s.has("lambda_max"):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.abs(s.quantity("lambda_min") / s.quantity("lambda_max"))
    raise PlotError(f"/surface/{s.name} has no curvature (lambda_ratio, or lambda_min and "
                    "lambda_max): curvature was not asked for")


def draw_curvature_map(f, path, args):
    s = choose_surface(f, args.surface)
    ratio = curvature_ratio(s)
    finite_range(s, "lambda_ratio", ratio)
    extremes = [q for q in ("lambda_max", "lambda_min") if s.has(q)]
    panels = 1 + bool(extremes)
    if s.dims == 1:
        fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.4), squeeze=False)
        axes[0][0].plot(s.x, ratio, marker=".", color="tab:purple")
        axes[0][0].set_ylabel("|λmin/λmax|")
        if extremes:
            for q, colour in zip(extremes, ("tab:red", "tab:blue")):
                axes[0][1].plot(s.x, s.quantity(q), marker=".", color=colour, label=q)
            axes[0][1].axhline(0.0, color="black", linewidth=0.6)
            axes[0][1].set_ylabel("eigenvalue")
            axes[0][1].legend(fontsize=8)
        for ax in axes[0]:
            mark_landmarks(ax, s)
            ax.set_xlabel(s.axis_label("x"), fontsize=9)
            ax.grid(True, alpha=0.3)
    else:
        X, Y = s.grid()
        fig, axes = plt.subplots(1, panels, figsize=(6.4 * panels, 5.4), squeeze=False)
        maps = [("lambda_ratio", "|λmin/λmax|", ratio, "magma")]
        if extremes:
            q = extremes[0]  # λmax when there is one
            maps.append((q, q.replace("lambda_", "λ"), s.quantity(q), "viridis"))
        for ax, (name, label, Z, cmap_name) in zip(axes[0], maps):
            lo, hi = finite_range(s, name, Z)
            if name == "lambda_ratio":
                lo = min(lo, 0.0)
            norm = Normalize(lo, hi if hi > lo else lo + 1)
            cmap = plt.get_cmap(cmap_name).copy()
            cmap.set_bad("0.85")
            mesh = ax.pcolormesh(X, Y, np.ma.masked_invalid(Z), shading="nearest", norm=norm,
                                 cmap=cmap)
            if np.isfinite(Z).sum() >= 4 and hi > lo:
                ax.contour(X, Y, Z, levels=8, colors="white", linewidths=0.5, alpha=0.7)
            fig.colorbar(mesh, ax=ax, label=label)
            mark_unfinished(ax, s, X, Y)
            mark_landmarks(ax, s)
            label_plane(ax, s)
    axes[0][0].set_title(s.title(path, "curvature |λmin/λmax|"), fontsize=9)
    if panels > 1:
        shown = extremes if s.dims == 1 else extremes[:1]
        axes[0][1].set_title(", ".join(q.replace("lambda_", "λ") for q in shown), fontsize=9)
    fig.tight_layout()
    return fig


def draw_pca(f, path, args):
    s, name, Z, X, Y = plane(f, args, "pca")
    pca = s.group.get("pca")
    if not isinstance(pca, h5py.Group):
        kinds = ", ".join(text(s.direction(a).get("kind", "?")) for a in "xy")
        raise PlotError(f"/surface/{s.name} has no pca group (directions: {kinds}): --kind pca "
                        "needs -surf_xdir pca")
    path_xy = []
    for key in ("proj_xcoord", "proj_ycoord"):
        if key not in pca:
            raise PlotError(f"/surface/{s.name}/pca/{key} is missing")
        path_xy.append(np.asarray(pca[key][...], dtype=np.float64).ravel())
    px, py = path_xy
    if px.size != py.size or px.size == 0:
        raise PlotError(f"/surface/{s.name}/pca: proj_xcoord has {px.size} entries, proj_ycoord "
                        f"{py.size}")
    steps = np.asarray(pca["step"][...]).ravel() if "step" in pca else np.arange(px.size)
    norm, levels, log = colour_scale(s, name, Z, args)
    fig, ax = plt.subplots(figsize=(7.2, 5.8))
    drawn = ax.contour(X, Y, Z, levels=levels, norm=norm, cmap="viridis", linewidths=0.9)
    ax.clabel(drawn, drawn.levels[::max(1, len(drawn.levels) // 8)], fontsize=7, fmt="%.3g")
    colour_bar(fig, ax, norm, levels, scale_label(name, log), log)
    ax.plot(px, py, color="red", linewidth=1.2, marker="o", markersize=3, zorder=4,
            label="trajectory")
    middle = 0.5 * (s.x.min() + s.x.max())
    for k, where in ((0, "start"), (px.size - 1, "end")):
        right = px[k] > middle  # the label towards the middle, inside the axes
        ax.annotate(f"step {int(steps[k]) if k < steps.size else k}", (px[k], py[k]),
                    xytext=(-5 if right else 5, -10 if where == "end" else 5),
                    textcoords="offset points", ha="right" if right else "left", fontsize=8,
                    color="red")
    mark_unfinished(ax, s, X, Y)
    mark_landmarks(ax, s)
    label_plane(ax, s)
    if not s.done.all():
        ax.legend(fontsize=8, loc="best")
    first, last = (int(steps[k]) if k < steps.size else k for k in (0, px.size - 1))
    ax.set_title(s.title(path, f"training path ({px.size} snapshots, step {first} to {last}) "
                               f"over {name}"), fontsize=9)
    fig.tight_layout()
    return fig


# --- VTK XML StructuredGrid ---

VTK_TYPES = {np.dtype(np.float64): "Float64", np.dtype(np.int64): "Int64",
             np.dtype(np.uint8): "UInt8"}


def vtk_array(name, values, components=1):
    """A DataArray element in VTK's inline binary format: base64 of one stream holding the
    UInt64 byte count and then the little-endian values (ASCII would lose NaN: VTK reads ASCII
    with operator>>, which stops at "nan")."""
    values = np.ascontiguousarray(values)
    data = values.astype(values.dtype.newbyteorder("<"), copy=False).tobytes()
    payload = base64.b64encode(np.uint64(len(data)).astype("<u8").tobytes() + data).decode()
    named = f' Name="{name}"' if name else ""
    return (f'<DataArray type="{VTK_TYPES[values.dtype]}"{named} NumberOfComponents="{components}"'
            f' format="binary">{payload}</DataArray>')


def vts_text(s, z_name, z, arrays):
    """The .vts document: point p = i + nx·j (VTK's x-fastest order) is (x_i, y_j, z[i, j])."""
    nx = s.x.size
    ny = 1 if s.y is None else s.y.size
    X = s.x[:, None] * np.ones((1, ny))
    Y = np.zeros((nx, 1)) + (np.zeros(1) if s.y is None else s.y)[None, :]
    flat = lambda a: np.asarray(a).reshape(nx, ny).ravel(order="F")  # noqa: E731
    points = np.stack([flat(X), flat(Y), flat(z)], axis=1)
    hidden = ~flat(s.done)
    point_ghost = np.where(hidden, HIDDEN_POINT, 0).astype(np.uint8)
    h = hidden.reshape(ny, nx)  # [j, i]
    if ny > 1:
        cell_hidden = h[:-1, :-1] | h[:-1, 1:] | h[1:, :-1] | h[1:, 1:]
    else:
        cell_hidden = h[:, :-1] | h[:, 1:]
    cell_ghost = np.where(cell_hidden.ravel(), HIDDEN_CELL, 0).astype(np.uint8)
    extent = f"0 {nx - 1} 0 {ny - 1} 0 0"
    point_data = [vtk_array(n, flat(a)) for n, a in arrays] + [
        vtk_array("vtkGhostType", point_ghost)]
    lines = [
        '<?xml version="1.0"?>',
        f"<!-- terrain-plot: /surface/{s.name}, points (x, y, {z_name}); unfinished points "
        "and the cells touching them are hidden (vtkGhostType) -->",
        '<VTKFile type="StructuredGrid" version="1.0" byte_order="LittleEndian" '
        'header_type="UInt64">',
        f'<StructuredGrid WholeExtent="{extent}">',
        f'<Piece Extent="{extent}">',
        f'<PointData Scalars="{arrays[0][0]}">', *point_data, "</PointData>",
        "<CellData>", vtk_array("vtkGhostType", cell_ghost), "</CellData>",
        "<Points>", vtk_array(f"x, y, {z_name}", points, 3), "</Points>",
        "</Piece>", "</StructuredGrid>", "</VTKFile>", ""]
    return "\n".join(lines)


def write_atomically(path, content):
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w") as out:
            out.write(content)
        os.replace(temporary, path)
    except OSError:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def draw_vtk(f, path, args):
    s = choose_surface(f, args.surface)
    name = args.quantity or DEFAULT_QUANTITY
    z = s.quantity(name)
    log = use_log(s, name, z, args.scale)
    z_name = f"log10({name})" if log else name
    if log:
        z = np.log10(z)
    arrays = [(name, s.quantity(name))]
    arrays += [(q, s.quantity(q)) for q in s.quantities() if q != name]
    if "done" in s.group:
        arrays.append(("done", s._grid("done", np.int64)))
    document = vts_text(s, z_name, z, arrays)
    default = f"{os.path.splitext(path)[0]}.{s.name}.vts"
    return Export(default, lambda output: write_atomically(output, document))


KINDS = {
    "surface1d": ("1-D /surface/NAME: train/test loss, accuracy on a twin axis, landmarks",
                  draw_surface1d),
    "contour": ("2-D /surface/NAME: contour lines of --quantity", draw_plane("contour")),
    "contourf": ("2-D /surface/NAME: filled contours of --quantity", draw_plane("contourf")),
    "heatmap": ("2-D /surface/NAME: heat map of --quantity", draw_plane("heatmap")),
    "surface3d": ("2-D /surface/NAME: 3-D surface of --quantity", draw_surface3d),
    "curvature_map": ("/surface/NAME: |lambda_min/lambda_max| map beside lambda_max",
                      draw_curvature_map),
    "pca": ("2-D /surface/NAME: PCA training path over the contours of --quantity", draw_pca),
    "vtk": ("/surface/NAME as a VTK StructuredGrid .vts for ParaView (-o, default "
            "<run>.<surface>.vts)", draw_vtk),
}
