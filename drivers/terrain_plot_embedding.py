"""terrain-plot figures of the embedding principle (--kind), from terrain-embed's
/embedding/<name> groups and the dense spectra of terrain-critical / terrain-spectrum:

  width_eigenvalues  sorted |eigenvalues| of the Hessian of each network (this file and the
                     --also files, e.g. a critical point and its embeddings into wider
                     networks) on a log axis, positive blue, negative red, with the zero
                     tolerance τ of each spectrum as a dashed line (the τ its counts used:
                     terrain-embed's counts_tau_after, terrain-spectrum's zero_tol; 1e-11 when
                     neither is stored) and (n−, n0, n+) at that τ per network
  similarity         the cosine similarity of the neurons' input directions, sorted by group
                     (terrain-embed -embed_mode reduce), group boundaries marked
  agreement          the prediction-agreement matrix of two networks (compare or reduce)
  features           (angle, amplitude) of the neurons of 1-D-input two-layer networks (this
                     file and the --also files, terrain-embed -embed_mode features)

Sample runs:
  terrain-plot w2_critical.h5 --also w3.h5 w4.h5 --kind width_eigenvalues -o counts.png
  terrain-plot reduced.h5 --kind similarity
  terrain-plot compare.h5 --kind agreement
  terrain-plot f3.h5 --also f4.h5 f5.h5 --kind features
"""
import os

import h5py
import matplotlib.pyplot as plt
import numpy as np

from terrain_plot_common import PlotError, text, widths

REFERENCE = 1e-11  # |λ| below it counts as zero (the -embed_counts_tol default) when no τ is stored


def _widths(f):
    return widths(f, separator="-") or "?"


def _where(path, args):
    """Error prefix: terrain-plot names the main run file itself; an --also file is named here."""
    return "" if path == args.run else f"{path}: "


def _embedding(f, where, needs):
    """The first /embedding/<name> group that has the dataset `needs`."""
    groups = f.get("embedding")
    names = sorted(groups.keys()) if isinstance(groups, h5py.Group) else []
    for name in names:
        if needs in groups[name]:
            return name, groups[name]
    raise PlotError(f"{where}no /embedding/<name>/{needs} (groups: {', '.join(names) or 'none'})")


def _files(path, args):
    return [path] + list(getattr(args, "also", None) or [])


def dense_eigenvalues(f, where):
    """All Hessian eigenvalues at the file's /params, ascending, and the zero tolerance τ their
    counts used: an embedding's eigenvalues_after (counts_tau_after, else counts_tol), else a
    spectrum's full/eigenvalues (zero_tol)."""
    groups = f.get("embedding")
    if isinstance(groups, h5py.Group):
        for name in sorted(groups.keys()):
            g = groups[name]
            if "eigenvalues_after" in g:
                tau = g.attrs.get("counts_tau_after", g.attrs.get("counts_tol", REFERENCE))
                return np.sort(np.asarray(g["eigenvalues_after"][...], dtype=float)), float(tau)
    spectra = f.get("spectrum")
    if isinstance(spectra, h5py.Group):
        for name in sorted(spectra.keys()):
            s = spectra[name]
            if "full" in s and "eigenvalues" in s["full"]:
                tau = float(s.attrs.get("zero_tol", REFERENCE))
                return np.sort(np.asarray(s["full"]["eigenvalues"][...], dtype=float)), tau
    raise PlotError(f"{where}no dense spectrum (terrain-embed -embed_counts, terrain-critical on "
                     "a small network, or terrain-spectrum -spectrum_full)")


def _tau_before(paths):
    """The counts_tau_before of the first embedding among the files (the point they embed),
    so a critical point plotted with its embeddings is counted as they counted it."""
    for p in paths:
        with h5py.File(p, "r") as g:
            groups = g.get("embedding")
            if isinstance(groups, h5py.Group):
                for name in sorted(groups.keys()):
                    if "counts_tau_before" in groups[name].attrs:
                        return float(groups[name].attrs["counts_tau_before"])
    return None


def counts(values, tol=REFERENCE):
    """(n−, n0, n+) with the half-open convention of spectral::Inertia."""
    return (int(np.sum(values < -tol)), int(np.sum((values >= -tol) & (values < tol))),
            int(np.sum(values >= tol)))


def draw_width_eigenvalues(f, path, args):
    fig, ax = plt.subplots(figsize=(8, 4.8))
    paths = _files(path, args)
    offsets = np.linspace(-0.18, 0.18, len(paths)) if len(paths) > 1 else [0.0]
    before = _tau_before(paths)
    taus = []
    for k, p in enumerate(paths):
        with h5py.File(p, "r") as g:
            values, tau = dense_eigenvalues(g, _where(p, args))
            label = _widths(g)
            if before is not None and "embedding" not in g:
                tau = before  # the critical point itself: the τ its embeddings counted it at
        taus.append(tau)
        order = np.argsort(np.abs(values))[::-1]
        x = np.arange(1, len(values) + 1) + offsets[k]
        y = np.abs(values[order])
        y = np.where(y > 0, y, 1e-18)  # an exact zero still shows, at the bottom
        colours = np.where(values[order] < 0, "tab:red", "tab:blue")
        marker = "osD^v<>"[k % 7]
        n = counts(values, tau)
        ax.scatter(x, y, c=list(colours), marker=marker, s=26, zorder=3,
                   label=f"{label}: (n−, n0, n+) = {n} at τ {tau:.1e}")
    # One dashed line per distinct τ (the same rule gives each spectrum its own with -embed_counts_rtol).
    for tau in sorted(set(taus)):
        ax.axhline(tau, color="black", linestyle="--", linewidth=0.8, label=f"τ = {tau:.1e}")
    ax.set_yscale("log")
    ax.set_xlabel("eigenvalue index (by |λ|, descending)")
    ax.set_ylabel(r"$|\lambda|$ (blue $\lambda>0$, red $\lambda<0$)")
    ax.set_title("Hessian eigenvalues of a critical point and its embeddings")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def draw_similarity(f, path, args):
    name, g = _embedding(f, "", "similarity")
    sim = np.asarray(g["similarity"][...], dtype=float)
    order = np.asarray(g["order"][...], dtype=int)
    group = np.asarray(g["group"][...], dtype=int)
    sorted_sim = sim[np.ix_(order, order)]
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    image = ax.imshow(sorted_sim, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    # An outline on the diagonal around each group of two or more (full-width lines between all
    # ~200 groups of a wide net hide the matrix).
    labels = group[order]
    starts = np.concatenate([[0], np.nonzero(np.diff(labels))[0] + 1, [len(labels)]])
    for a, b in zip(starts[:-1], starts[1:]):
        if labels[a] < 0:  # the dropped neurons (negligible amplitude) come last
            ax.text(b - 1, a - 1, "dropped", ha="right", va="bottom", fontsize=8)
        if b - a >= 2:
            ax.add_patch(plt.Rectangle((a - 0.5, a - 0.5), b - a, b - a, fill=False,
                                       edgecolor="black", linewidth=0.6))
    fig.colorbar(image, ax=ax, label="cosine of input directions")
    width_before = int(g.attrs.get("width_before", len(order)))
    width_after = int(g.attrs.get("width_after", -1))
    ax.set_title(f"{os.path.basename(path)}: /embedding/{name}\n"
                 f"{width_before} neurons sorted by group -> {width_after} groups "
                 f"(cos >= {float(g.attrs.get('cos', np.nan)):g}, "
                 f"{int(g.attrs.get('n_dropped', 0))} dropped)", fontsize=9)
    ax.set_xlabel("neuron (sorted)")
    ax.set_ylabel("neuron (sorted)")
    fig.tight_layout()
    return fig


def draw_agreement(f, path, args):
    name, g = _embedding(f, "", "agreement_matrix")
    m = np.asarray(g["agreement_matrix"][...], dtype=float)
    fig, ax = plt.subplots(figsize=(6, 5.2))
    shown = np.where(m > 0, m, np.nan)
    image = ax.imshow(np.log10(shown), cmap="viridis", interpolation="nearest")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] > 0:
                ax.text(j, i, f"{int(m[i, j])}", ha="center", va="center", fontsize=7,
                        color="white" if m[i, j] < m.max() / 3 else "black")
    ax.set_xticks(range(m.shape[1]))
    ax.set_yticks(range(m.shape[0]))
    fig.colorbar(image, ax=ax, label=r"$\log_{10}$ samples")
    ax.set_xlabel("reference's predicted class")
    ax.set_ylabel("this network's predicted class")
    agreement = float(g.attrs.get("agreement", np.nan))
    ax.set_title(f"{os.path.basename(path)}: /embedding/{name}\nagreement {agreement:.4f} on "
                 f"{int(g.attrs.get('n_agreement_samples', m.sum()))} "
                 f"{text(g.attrs.get('agreement_set', 'test'))} samples", fontsize=9)
    fig.tight_layout()
    return fig


def draw_features(f, path, args):
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    for k, p in enumerate(_files(path, args)):
        with h5py.File(p, "r") as g:
            _, e = _embedding(g, _where(p, args), "angle")
            angle = np.asarray(e["angle"][...], dtype=float)
            amplitude = np.asarray(e["amplitude"][...], dtype=float)
            label = f"{_widths(g)} (loss {float(e.attrs.get('loss_before', np.nan)):.3g})"
        ax.scatter(angle, amplitude, s=28, marker="osD^v<>"[k % 7], alpha=0.75, label=label)
    ax.set_xlim(-np.pi, np.pi)
    ax.set_xlabel(r"angle of $(w, b)$ [rad]")
    ax.set_ylabel(r"amplitude $|a|\,\|(w, b)\|$")
    ax.set_title("neuron features: condensed neurons share an angle")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


KINDS = {
    "width_eigenvalues": ("sorted |eigenvalues| per network (this file and --also files), log "
                          "axis, sign colours, 1e-11 line", draw_width_eigenvalues),
    "similarity": ("reduce: cosine similarity of input directions sorted by group",
                   draw_similarity),
    "agreement": ("compare/reduce: prediction-agreement matrix", draw_agreement),
    "features": ("(angle, amplitude) of the neurons of this file and --also files",
                 draw_features),
}
