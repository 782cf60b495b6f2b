"""terrain-plot figures of terrain-spectrum's /spectrum/<name> groups (--kind):

  eigenvalues  every eigenvalue (full/eigenvalues) or the extreme ends, by rank, on a signed log
               axis: positive blue, negative red, |λ| < τ grey, the band ±τ shaded
  density      the spectral density of stochastic Lanczos quadrature, linear and log scale
               (density/alpha and beta keep the tridiagonals for re-broadening offline)
  counts       the inertia (n−, n0, n+) from every source the group has: dense eigenvalues,
               Sylvester (LDLᵀ), the matrix-free count, the density estimate with its error bar

Sample runs:
  terrain-plot run.h5 --kind eigenvalues --spectrum analysis -o eigenvalues.png
  terrain-plot run.h5 --kind density
  terrain-plot run.h5 --kind counts
"""
import textwrap

import matplotlib.pyplot as plt
import numpy as np

from terrain_plot_common import PlotError, choose_spectrum, dataset_1d, symlog_axis, text


def title(group, name, what, width=95):
    """The figure's title; width: the classification's wrap in characters at 9 pt (95 fits one
    panel of the usual width, 150 a heading over two)."""
    parts = [f"{text(group.attrs.get('operator', 'hessian'))} {what} (/spectrum/{name})"]
    if "classification" in group.attrs:
        parts += textwrap.wrap(text(group.attrs["classification"]), width)
    return "\n".join(parts)


def draw_eigenvalues(f, path, args):
    name, group = choose_spectrum(f, args.spectrum, ("full", "largest", "smallest", "eigenvalues"),
                                  "eigenvalues")
    tau = float(group.attrs.get("zero_tol", 0.0))
    if "full" in group and "eigenvalues" in group["full"]:
        values = np.sort(dataset_1d(group["full"], "eigenvalues"))[::-1]
        x = np.arange(1, values.size + 1)
        label = "all eigenvalues"
    else:
        largest = np.sort(dataset_1d(group, "largest"))[::-1] if "largest" in group else np.zeros(0)
        smallest = np.sort(dataset_1d(group, "smallest"))[::-1] if "smallest" in group else np.zeros(0)
        n = int(group.attrs.get("n_params", largest.size + smallest.size))
        values = np.concatenate([largest, smallest])
        x = np.concatenate([np.arange(1, largest.size + 1), np.arange(n - smallest.size + 1, n + 1)])
        label = "extreme eigenvalues"
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise PlotError(f"/spectrum/{name} holds no finite eigenvalues")
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    zero = np.abs(values) < tau
    classes = [((values > 0) & ~zero, "tab:blue", "positive"),
               ((values < 0) & ~zero, "tab:red", "negative"), (zero, "gray", "|λ| < τ")]
    for mask, colour, what in classes:
        if np.any(mask):
            ax.scatter(x[mask], values[mask], s=10 if values.size < 2000 else 3, c=colour,
                       label=f"{what} ({int(mask.sum())})", zorder=3)
    scale = float(np.max(np.abs(values)))
    linthresh = tau if tau > 0 else max(scale * 1e-9, 1e-300)
    symlog_axis(ax, values, linthresh)
    if tau > 0:
        ax.axhspan(-tau, tau, color="gray", alpha=0.15, label=f"±τ = ±{tau:.1e}")
    ax.axhline(0.0, color="black", linewidth=0.6)
    ax.set_xlabel("rank (1 = largest)")
    ax.set_ylabel("eigenvalue (signed log)")
    ax.set_title(title(group, name, label), fontsize=9)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def draw_density(f, path, args):
    name, group = choose_spectrum(f, args.spectrum, ("density",), "density (-spectrum_density)")
    d = group["density"]
    grid = dataset_1d(d, "grid", required=True)
    values = dataset_1d(d, "values", required=True)
    if grid.size != values.size or grid.size < 2:
        raise PlotError(f"/spectrum/{name}/density: grid and values differ in length")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, log in zip(axes, (False, True)):
        ax.plot(grid, values, color="tab:purple")
        ax.axvline(0.0, color="black", linewidth=0.6)
        if log:
            positive = values[values > 0]
            ax.set_yscale("log")
            if positive.size:
                ax.set_ylim(max(positive.max() * 1e-10, positive.min()), positive.max() * 2)
        ax.set_xlabel("eigenvalue")
        ax.set_ylabel("density" + (" (log)" if log else ""))
        ax.grid(True, alpha=0.3)
    sigma = float(d.attrs.get("sigma", np.nan))
    probes, steps = int(d.attrs.get("probes", 0)), int(d.attrs.get("steps", 0))
    # The long title (operator, file path, classification) spans both panels: over the right
    # panel alone it ran off the figure.
    axes[0].set_title("linear", fontsize=9)
    axes[1].set_title("log", fontsize=9)
    heading = title(group, name, "density", width=150)
    heading += f"\nSLQ: {probes} probes × {steps} steps, σ = {sigma:.2e}"
    fig.suptitle(heading, fontsize=9)
    fig.tight_layout()
    return fig


def draw_counts(f, path, args):
    name, group = choose_spectrum(f, args.spectrum, ("inertia", "sylvester", "count", "density"),
                                  "eigenvalue counts")
    sources = []  # (label, n−, n0, n+, error bar of n−, lower bound)
    for key, label in (("inertia", "dense eigenvalues"), ("sylvester", "Sylvester LDLᵀ")):
        if key in group:
            a = group[key].attrs
            sources.append((label, int(a["n_neg"]), int(a["n_zero"]), int(a["n_pos"]), 0.0, False))
    if "count" in group:
        a = group["count"].attrs
        sources.append(("matrix-free count", int(a["n_neg"]), None, None, 0.0, bool(a["capped"])))
    if "density" in group and np.isfinite(group["density"].attrs.get("n_neg", np.nan)):
        a = group["density"].attrs
        err = float(a.get("n_neg_stderr", 0.0))
        sources.append(("density estimate", float(a["n_neg"]), None, None,
                        err if np.isfinite(err) else 0.0, False))
    if not sources:
        raise PlotError(f"/spectrum/{name} has no eigenvalue counts")
    fig, ax = plt.subplots(figsize=(8, 4.6))
    width = 0.8 / len(sources)
    kinds = ("n−", "n0", "n+")
    for i, (label, *counts, err, capped) in enumerate(sources):
        xs = np.arange(3) + (i - (len(sources) - 1) / 2) * width
        for k, (x, c) in enumerate(zip(xs, counts)):
            if c is None:
                continue
            bar = ax.bar(x, c, width * 0.95, color=f"C{i}", hatch="//" if capped else None,
                         label=label + (" (lower bound)" if capped else "") if k == 0 else None,
                         yerr=err if k == 0 and err > 0 else None, capsize=4)
            ax.bar_label(bar, labels=[f"{c:.0f}" if float(c).is_integer() else f"{c:.1f}"], fontsize=7)
    ax.set_xticks(np.arange(3))
    ax.set_xticklabels(kinds)
    tau = float(group.attrs.get("zero_tol", np.nan))
    ax.set_ylabel(f"eigenvalues (τ = {tau:.1e})")
    ax.set_title(title(group, name, "inertia"), fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


KINDS = {
    "eigenvalues": ("eigenvalues of /spectrum/NAME on a signed log axis", draw_eigenvalues),
    "density": ("the SLQ spectral density of /spectrum/NAME", draw_density),
    "counts": ("the inertia counts of /spectrum/NAME from each method", draw_counts),
}
