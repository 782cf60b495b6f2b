"""terrain-plot figure of terrain-critical's /critical/<name> groups (--kind):

  critical  the convergence history: |grad L|_1 (with the tolerance gtol) and the loss against
            the iteration, log scale; saddle-free Newton rows (method sfn) shaded; the title has
            the result and the classification from /spectrum/<name>

  index_loss  terrain-critical -critical_census's /critical_census/<name>: the index fraction
            alpha = n-/n of every distinct critical point against its loss (Dauphin et al.
            2014, Fig. 1), minima (n- = 0) marked, the marker area growing with how many starts
            reached the point; the title says how many starts converged

The group is /critical/<--spectrum NAME> when given (terrain-critical writes /critical/<name>
and /spectrum/<name> under the same name), else the first /critical group.

Sample runs:
  terrain-plot relu_1_4_1_critical.h5 --kind critical -o history.png
  terrain-plot sfn.h5 --kind critical --spectrum sfn
  terrain-plot index_loss.h5 --kind index_loss --spectrum index_loss
"""
import textwrap

import h5py
import matplotlib.pyplot as plt
import numpy as np

from terrain_plot_common import PlotError, dataset_1d, log_or_linear, text


def named_group(f, top, args, producer):
    """(name, /top/<name>): the --spectrum NAME when given, else the first group under /top."""
    groups = f.get(top)
    names = sorted(groups.keys()) if isinstance(groups, h5py.Group) else []
    if not names:
        raise PlotError(f"no /{top} group (run {producer} first)")
    name = getattr(args, "spectrum", None)
    if name is None:
        name = names[0]
    if name not in names:
        raise PlotError(f"no /{top}/{name} (available: {', '.join(names)})")
    return name, groups[name]


def draw_critical(f, path, args):
    name, g = named_group(f, "critical", args, "terrain-critical")
    it = dataset_1d(g, "iteration", required=True)
    g1 = dataset_1d(g, "grad_norm1", required=True)
    loss = dataset_1d(g, "loss", required=True)
    a = g.attrs
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
    sfn = int(a.get("sfn_iterations", 0))
    for ax in (top, bottom):
        if sfn > 0:
            ax.axvspan(0, sfn, color="0.9", label="saddle-free Newton")
        ax.grid(True, which="both", alpha=0.3)
    top.semilogy(it, np.maximum(g1, 1e-300), "o-", ms=3, color="tab:blue", label="|grad L|_1")
    if "gtol" in a:
        top.axhline(float(a["gtol"]), color="tab:red", ls="--", lw=1, label=f"gtol {float(a['gtol']):.0e}")
    top.set_ylabel("|grad L|_1")
    top.legend(loc="best", fontsize=8)
    bottom.plot(it, loss, "o-", ms=3, color="tab:green")
    log_or_linear(bottom, loss)
    bottom.set_ylabel("loss")
    bottom.set_xlabel("iteration")
    bottom.xaxis.get_major_locator().set_params(integer=True)
    status = "converged" if int(a.get("converged", 0)) else "not converged"
    lines = [f"/critical/{name}: {text(a.get('method', '?'))}, {status} ({text(a.get('reason', ''))}), "
             f"{int(a.get('n_matvec', 0))} H.v"]
    spectrum = f.get(f"spectrum/{name}")
    if isinstance(spectrum, h5py.Group) and "classification" in spectrum.attrs:
        lines += textwrap.wrap(text(spectrum.attrs["classification"]), 95)
    top.set_title("\n".join(lines), fontsize=9)
    fig.tight_layout()
    return fig


def draw_index_loss(f, path, args):
    name, g = named_group(f, "critical_census", args, "terrain-critical -critical_census")
    if "points" not in g:
        raise PlotError(f"/critical_census/{name}/points is missing")
    p = g["points"]
    loss = dataset_1d(p, "loss", required=True)
    alpha = dataset_1d(p, "alpha", required=True)
    n_neg = dataset_1d(p, "n_neg", required=True)
    mult = dataset_1d(p, "multiplicity", required=True)
    a = g.attrs
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.grid(True, alpha=0.3)
    minimum = n_neg == 0
    size = 25 + 25 * np.log2(np.maximum(mult, 1))
    if (~minimum).any():
        ax.scatter(loss[~minimum], alpha[~minimum], s=size[~minimum], color="tab:blue",
                   alpha=0.7, label=f"saddles ({int((~minimum).sum())})")
    if minimum.any():
        ax.scatter(loss[minimum], alpha[minimum], s=size[minimum], color="tab:red", marker="*",
                   label=f"minima, n- = 0 ({int(minimum.sum())})")
    if len(loss) == 0:
        ax.text(0.5, 0.5, "no start converged", transform=ax.transAxes, ha="center")
    elif loss.min() > 0 and loss.max() / loss.min() > 10:
        ax.set_xscale("log")
    ax.set_xlabel("loss at the critical point (epsilon)")
    ax.set_ylabel("index fraction alpha = n- / n")
    ax.legend(loc="best", fontsize=8)
    ax.set_title(f"/critical_census/{name}: {int(a.get('n_distinct', len(loss)))} distinct points "
                 f"({int(a.get('n_levels', 0))} levels) from {int(a.get('n_converged', 0))} of "
                 f"{int(a.get('n_starts', 0))} converged starts, n = {int(a.get('n_params', 0))}\n"
                 f"{text(a.get('method', '?'))}, gtol {float(a.get('gtol', np.nan)):.0e}; "
                 "marker area grows with the starts per point", fontsize=9)
    fig.tight_layout()
    return fig


KINDS = {"critical": ("convergence history of terrain-critical (|grad L|_1 and loss)", draw_critical),
         "index_loss": ("terrain-critical -critical_census: index fraction n-/n against the loss",
                        draw_index_loss)}
