"""terrain-plot's default figure (--kind overview): one row of panels, each drawn when the run
file has the data:

  loss        /trajectory/loss and /trajectory/test_loss against /trajectory/step, log y when
              every value is positive
  grad_norm   /trajectory/grad_norm against step, log y when positive
  spectrum    /spectrum/<--spectrum NAME> (default final, else the first) largest and smallest
              on a symlog y axis, positive eigenvalues blue, negative red

Sample runs:
  terrain-plot run.h5                      # writes run.png
  terrain-plot run.h5 -o landscape.png --spectrum final
"""
import os

import h5py
import matplotlib.pyplot as plt
import numpy as np

from terrain_plot_common import PlotError, choose_spectrum, dataset_1d, log_or_linear, symlog_axis, text, widths


def title_of(f, path):
    """The file name plus the network, when /model says which."""
    title = os.path.basename(path)
    w = widths(f)
    if w is not None:
        parts = [f"widths {w}"]
        for key in ("activation", "loss"):
            if key in f["model"].attrs:
                parts.append(text(f["model"].attrs[key]))
        title += " — " + " ".join(parts)
    return title


def plot_loss(ax, step, train, test):
    if train is not None:
        ax.plot(step, train, color="tab:blue", label="train loss")
    if test is not None:
        ax.plot(step, test, color="tab:orange", label="test loss")
    log_or_linear(ax, train, test)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("loss")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()


def plot_grad_norm(ax, step, grad_norm):
    ax.plot(step, grad_norm, color="tab:green")
    log_or_linear(ax, grad_norm)
    ax.set_xlabel("step")
    ax.set_ylabel(r"$\|\nabla L\|$")
    ax.set_title("gradient norm")
    ax.grid(True, which="both", alpha=0.3)


def plot_spectrum(ax, group, name, n_params):
    """Largest (descending) then smallest (ascending, i.e. λ_n first) on one index axis."""
    largest = dataset_1d(group, "largest")
    smallest = dataset_1d(group, "smallest")
    largest = np.sort(largest)[::-1] if largest is not None else np.zeros(0)
    smallest = np.sort(smallest) if smallest is not None else np.zeros(0)
    if largest.size == 0 and smallest.size == 0:
        values = dataset_1d(group, "eigenvalues")
        largest = np.sort(values)[::-1] if values is not None else np.zeros(0)
    if largest.size + smallest.size == 0:
        raise PlotError(f"/spectrum/{name} holds no eigenvalues")
    # Smallest are drawn right of a gap, with λ_n at the far right.
    x_large = np.arange(1, largest.size + 1)
    x_small = largest.size + 1 + np.arange(smallest.size, 0, -1)
    x = np.concatenate([x_large, x_small])
    y = np.concatenate([largest, smallest])
    colours = np.where(y > 0, "tab:blue", np.where(y < 0, "tab:red", "gray"))
    ax.scatter(x, y, c=list(colours), s=22, zorder=3)
    ax.axhline(0.0, color="black", linewidth=0.6)
    scale = np.max(np.abs(y[np.isfinite(y)])) if np.any(np.isfinite(y)) else 1.0
    # The linear zone ends below the smallest |λ| shown, so both signs get labelled decades.
    nonzero = np.abs(y[np.isfinite(y) & (y != 0)])
    floor = 0.5 * float(nonzero.min()) if nonzero.size else scale * 1e-4
    symlog_axis(ax, y, max(floor, scale * 1e-10, 1e-300))
    ticks, labels = [], []
    if largest.size:
        ticks += [1]
        labels += [r"$\lambda_1$"]
    if smallest.size:
        ticks += [x_small[0]]
        labels += [r"$\lambda_n$" if n_params is None else rf"$\lambda_{{{n_params}}}$"]
    if largest.size and smallest.size:
        ax.axvline(largest.size + 1, color="gray", linestyle=":", linewidth=0.8)
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels)
    op = text(group.attrs["operator"]) if "operator" in group.attrs else "operator"
    ax.set_title(f"{op} eigenvalues ({name}): largest | smallest")
    ax.set_ylabel("eigenvalue (symlog)")
    ax.scatter([], [], c="tab:blue", label="positive")
    ax.scatter([], [], c="tab:red", label="negative")
    ax.legend(loc="best")
    ax.grid(True, axis="y", alpha=0.3)


def draw_overview(f, path, args):
    panels = []
    trajectory = f.get("trajectory")
    if isinstance(trajectory, h5py.Group) and "step" in trajectory:
        step = dataset_1d(trajectory, "step")
        columns = {c: dataset_1d(trajectory, c, steps=len(step))
                   for c in ("loss", "test_loss", "grad_norm")}
        if columns["loss"] is not None or columns["test_loss"] is not None:
            panels.append(lambda ax, c=columns: plot_loss(ax, step, c["loss"], c["test_loss"]))
        if columns["grad_norm"] is not None:
            panels.append(lambda ax, c=columns: plot_grad_norm(ax, step, c["grad_norm"]))
    name, group = choose_spectrum(f, getattr(args, "spectrum", None), prefer="final")
    if name is not None:
        model = f.get("model")
        n_params = int(model.attrs["n_params"]) \
            if isinstance(model, h5py.Group) and "n_params" in model.attrs else None
        panels.append(lambda ax: plot_spectrum(ax, group, name, n_params))
    if not panels:
        raise PlotError("nothing to plot (no /trajectory/step with loss or grad_norm, "
                        "no /spectrum)")
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2), squeeze=False)
    try:
        for panel, ax in zip(panels, axes[0]):
            panel(ax)
    except Exception:
        plt.close(fig)
        raise
    fig.suptitle(title_of(f, path))
    fig.tight_layout()
    return fig


KINDS = {"overview": ("loss, gradient norm and the extreme eigenvalues of /spectrum/NAME "
                      "(the default)", draw_overview)}
